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
namespace errors {}  // namespace errors

}  // namespace imhub
