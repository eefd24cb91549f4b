// The response envelope (protocol.md §2, §3): `result`, `next`, `total`, `time` on success;
// `error`, `error_description` (+ extra keys) on failure; JSON or XML transport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/value.hpp"
#include "rest/decode.hpp"

namespace imhub {

struct Timing {
  double start = 0;  // unix seconds
  double finish = 0;
  double processing = 0;  // handler time in seconds
  double operating = 0;   // accumulated method time for this credential (protocol.md §6.2)
  int64_t operating_reset_at = 0;
};

Value time_block(const Timing& t);
Value success_body(const Value& result, std::optional<int64_t> next, std::optional<int64_t> total, const Value& time);
Value error_body(const ApiError& e);
// The whole success response in `transport`. JSON is written straight into the text (the hot
// path: no intermediate tree, no copy of `result`); XML goes through success_body.
// `raw_result`, when not empty, is the result as JSON text and stands for `result`.
std::string render_success(const Value& result, std::optional<int64_t> next, std::optional<int64_t> total,
                           const Timing& t, Transport transport, std::string_view raw_result = {});
// The result as a tree: `result`, or `raw_result` parsed (batch and XML need the tree).
Value result_value(Value result, std::string_view raw_result);

std::string render(const Value& body, Transport transport);
std::string to_xml(const Value& body);
const char* content_type_for(Transport transport);

}  // namespace imhub
