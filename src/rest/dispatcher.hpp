// The REST pipeline for one request (design.md steps 2–9): URL → Params → Caller → limits →
// Method → handler → envelope. Transport-agnostic: the HTTP layer hands in a view of the
// request and sends back the reply.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/registry.hpp"
#include "api/services.hpp"
#include "core/error.hpp"
#include "rest/auth.hpp"
#include "rest/decode.hpp"
#include "rest/envelope.hpp"
#include "rest/limits.hpp"
#include "rest/livechat_gate.hpp"

namespace imhub {

struct HttpRequestView {
  std::string_view verb;
  std::string_view target;  // path + query
  std::string_view content_type;
  std::string_view authorization;
  std::string_view cookie;           // Cookie header (the browser session, rest/session_cookie.hpp)
  std::string_view csrf_header;      // X-Bitrix-Csrf-Token
  std::string_view origin;           // Origin header (checked by the sign-in endpoints)
  std::string_view accept_encoding;  // Accept-Encoding (the web client's precompressed files)
  std::string_view if_none_match;    // If-None-Match (the web client's files answer 304)
  std::string_view body;
  std::string remote;
  bool https = false;  // arrived over TLS (session cookies are then Secure)

  // Filled once by Router::prepare, so the path is parsed a single time per request.
  std::string path;  // without repeated or trailing slashes
  std::string_view query;
  std::optional<RestTarget> rest;  // /rest/… targets
  const Method* method = nullptr;  // the registered method `rest` names, if any
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // When set, sent instead of `body` without a copy: bytes that live as long as the server (the
  // web client, read at start). A 304 carries its representation's length but no bytes.
  std::string_view static_body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string label;       // what the access log and metrics call this request (method name)
  std::string credential;  // credential key for the access log (never a secret)
  std::string error;       // the Bitrix24 error code answered, "" on success (for metrics)

  std::string_view payload() const { return static_body.data() ? static_body : std::string_view(body); }
};

// Outcome of one method call, shared by plain requests and batch sub-calls.
struct CallOutcome {
  std::optional<ApiError> error;
  MethodResult value;
  Timing timing;
};

class Dispatcher {
 public:
  Dispatcher(Services& services, const Auth& auth);

  // Parses a /rest/ target into request.rest and request.method.
  void prepare(HttpRequestView& request) const;
  // True when the request names a method that waits on the writer (run it off the io threads).
  static bool is_blocking(const HttpRequestView& request);
  // Handles a prepared /rest/ request; never throws.
  HttpReply handle(const HttpRequestView& request);
  // Checks the credentials a prepared /rest/ request carries outside its body (webhook path,
  // Authorization: Bearer, auth / access_token / aplogin + ap in the query), so a large body is
  // read only for a caller who may send it. Null when they authenticate; the error reply
  // otherwise (NO_AUTH_FOUND when there are none, ERROR_METHOD_NOT_FOUND for unknown methods).
  std::optional<HttpReply> authenticate_head(const HttpRequestView& request);
  // Runs `method` for `caller`: scope, operating-time limit, handler, timing. Never throws.
  CallOutcome invoke(const Caller& caller, const Method& method, const Value& params, int64_t start, bool in_batch);

 private:
  HttpReply reply_error(const ApiError& e, Transport transport, std::string label) const;
  // handle() for a request whose method is known.
  HttpReply handle_method(const HttpRequestView& request, const Method& method);
  // The call itself; `livechat` says whether it carried live-chat credentials.
  HttpReply run_method(const HttpRequestView& request, const Method& method, bool& livechat);

  Services& services_;
  const Auth& auth_;
  LeakyBucket bucket_;
  OperatingClock operating_;
  LivechatGate livechat_;  // what website visitors may call
};

}  // namespace imhub
