// PHP form encoding: `a=1&b[c][]=2` with parse_str semantics, percent-encoding both ways. Every
// Bitrix24 client encodes for PHP, so request decoding (rest/decode), batch sub-calls, signed
// links and outgoing URLs all share these rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

struct DecodeLimits {
  size_t max_depth = 32;    // bracket / JSON nesting
  size_t max_keys = 10000;  // total number of parameter leaves and containers
  size_t max_key_bytes = 1024;
};

std::string url_decode(std::string_view s, bool plus_as_space = true);
std::string url_encode(std::string_view s);

// Parses `a=1&b[c][]=2` into `root` with PHP parse_str semantics. Throws ApiError on a limit
// breach or invalid UTF-8. `keys_used` accumulates across calls so one limit covers a request.
void parse_query_into(std::string_view query, Value& root, const DecodeLimits& limits, size_t& keys_used);

// Stores `value` under the PHP-style key `raw_key` ("a[b][]"); throws ApiError on a limit breach.
void assign_param(Value& root, const std::string& raw_key, Value value, const DecodeLimits& limits, size_t& keys_used);
// Throws WRONG_ENCODING unless `s` is valid UTF-8.
void check_utf8(std::string_view s);

}  // namespace imhub
