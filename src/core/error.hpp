// One error type for every REST failure. An ErrorSpec is declared once per code (code, the
// client-facing description, the HTTP status of protocol.md "Decisions"); handlers throw
// ApiError built from a spec. Internal detail goes to the log, never into the description.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

struct ErrorSpec {
  std::string_view code;
  std::string_view description;
  int status;
};

class ApiError : public std::exception {
 public:
  explicit ApiError(const ErrorSpec& spec) : code_(spec.code), description_(spec.description), status_(spec.status) {}
  ApiError(const ErrorSpec& spec, std::string description)
      : code_(spec.code), description_(std::move(description)), status_(spec.status) {}
  ApiError(std::string code, std::string description, int status)
      : code_(std::move(code)), description_(std::move(description)), status_(status) {}

  const std::string& code() const { return code_; }
  const std::string& description() const { return description_; }
  int status() const { return status_; }
  // Extra top-level keys of the error envelope (e.g. `argument` for ERROR_ARGUMENT).
  const Value& extra() const { return extra_; }
  ApiError& with(std::string_view key, Value v) {
    extra_[key] = std::move(v);
    return *this;
  }
  const char* what() const noexcept override { return code_.c_str(); }

 private:
  std::string code_;
  std::string description_;
  int status_;
  Value extra_;
};

// Platform errors (protocol.md §3.2 with the statuses chosen in "Decisions").
namespace errors {
inline constexpr ErrorSpec kMethodNotFound{"ERROR_METHOD_NOT_FOUND", "Method not found!", 404};
inline constexpr ErrorSpec kNoAuthFound{"NO_AUTH_FOUND", "Wrong authorization data", 401};
inline constexpr ErrorSpec kInvalidCredentials{"INVALID_CREDENTIALS", "Invalid request credentials", 401};
inline constexpr ErrorSpec kExpiredToken{"expired_token", "The access token provided has expired", 401};
inline constexpr ErrorSpec kInvalidToken{"invalid_token", "The access token provided is invalid", 401};
inline constexpr ErrorSpec kInsufficientScopeWebhook{
    "insufficient_scope", "The request requires higher privileges than provided by the webhook token", 403};
inline constexpr ErrorSpec kInsufficientScopeToken{
    "insufficient_scope", "The request requires higher privileges than provided by the access token", 403};
inline constexpr ErrorSpec kInsufficientScopeBatch{"insufficient_scope", "", 403};
inline constexpr ErrorSpec kWrongAuthType{"WRONG_AUTH_TYPE",
                                          "Access denied! Current authorization type is denied for this method", 403};
inline constexpr ErrorSpec kAccessDenied{"ACCESS_DENIED", "Access denied!", 403};
inline constexpr ErrorSpec kUserAuthRequired{"ACCESS_DENIED", "Access denied! User authorization required", 403};
inline constexpr ErrorSpec kAdminRequired{"ACCESS_DENIED", "Administrator authorization required", 403};
inline constexpr ErrorSpec kQueryLimitExceeded{"QUERY_LIMIT_EXCEEDED", "Too many requests", 503};
inline constexpr ErrorSpec kOperationTimeLimit{"OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.",
                                               429};
inline constexpr ErrorSpec kInternal{"INTERNAL_SERVER_ERROR", "Internal server error", 500};
inline constexpr ErrorSpec kArgument{"ERROR_ARGUMENT", "Argument error", 400};
inline constexpr ErrorSpec kBatchLengthExceeded{"ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400};
inline constexpr ErrorSpec kBatchMethodNotAllowed{"ERROR_BATCH_METHOD_NOT_ALLOWED",
                                                  "Method is not allowed for batch usage", 405};
inline constexpr ErrorSpec kWrongEncoding{"WRONG_ENCODING", "Wrong request encoding", 400};
inline constexpr ErrorSpec kRequestTooLarge{"REQUEST_TOO_LARGE", "Request parameters exceed the allowed limits", 400};
inline constexpr ErrorSpec kBadRequest{"INVALID_REQUEST", "Malformed request", 400};
inline constexpr ErrorSpec kLinkCheckFailed{"ACCESS_DENIED", "Access denied! Link check failed", 403};
inline constexpr ErrorSpec kNotFound{"ERROR_NOT_FOUND", "Not found", 404};
}  // namespace errors

}  // namespace imhub
