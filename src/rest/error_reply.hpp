// An error answered outside a method call (transport refusals, unknown paths, files): the same
// `{"error","error_description"}` body and status as the catalogue declares for REST errors.
#pragma once

#include <string>

#include "core/error.hpp"
#include "rest/dispatcher.hpp"

namespace imhub {

HttpReply error_reply(const ErrorSpec& spec, std::string label = "refused");
HttpReply error_reply(const ApiError& error, std::string label = "refused");

}  // namespace imhub
