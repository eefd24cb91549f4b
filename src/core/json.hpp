// JSON <-> Value. The writer reproduces the Bitrix24 encoder's escaping (protocol.md §2.1:
// `\/`, non-ASCII as \uXXXX, HEX_TAG|HEX_AMP|HEX_APOS|HEX_QUOT), because clients that compare
// bodies byte-for-byte, and signatures over bodies, expect exactly that.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

struct JsonLimits {
  size_t max_depth = 64;
  size_t max_keys = 100000;  // total object members + array elements
};

// Parses a JSON document. Returns nullopt on malformed input, invalid UTF-8, or a limit breach.
std::optional<Value> parse_json(std::string_view text, const JsonLimits& limits = {});
// The same; `over_limits` tells a document stopped by a limit from a malformed one.
std::optional<Value> parse_json(std::string_view text, const JsonLimits& limits, bool& over_limits);

// Appends the JSON encoding of `v` to `out`.
void write_json(const Value& v, std::string& out);

// Appends what write_json writes for the double `d`, faster, when `d` is a time taken as whole
// microseconds divided by 10^6 (now_unix()) from 1 s to 2^33 s after the epoch, with a fraction;
// false, appending nothing, otherwise. Every response's time block has two.
bool append_microsecond_time(double d, std::string& out);
std::string to_json(const Value& v);

// Plain JSON (UTF-8 kept, `/` unescaped) for CLI output and logs meant for people.
std::string to_plain_json(const Value& v);

}  // namespace imhub
