#include "rest/error_reply.hpp"

#include "rest/envelope.hpp"

namespace imhub {

HttpReply error_reply(const ApiError& error, std::string label) {
  HttpReply r;
  r.status = error.status();
  r.body = render(error_body(error), Transport::kJson);
  r.label = std::move(label);
  r.error = error.code();
  return r;
}

HttpReply error_reply(const ErrorSpec& spec, std::string label) {
  return error_reply(ApiError(spec), std::move(label));
}

}  // namespace imhub
