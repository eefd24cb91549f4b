// Helpers shared by the ATTACH, KEYBOARD and MENU validators (protocol.md §12.2): the three
// arrive in the same ways (nested params, a JSON body, or a JSON string inside a form field)
// and follow the same link, colour and size rules.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

// 30 KB of the JSON encoding (protocol.md "Decisions": the size spec/ documents).
constexpr size_t kRichParamMaxBytes = 30 * 1024;

// A JSON string is parsed; arrays are returned as they are; anything else is nullopt.
std::optional<Value> rich_param_tree(const Value& param);

// PHP's "list" notion for our Value: a List, or a Map keyed "0".."n-1" (form input).
bool is_list_like(const Value& v);
// A Map with at least one non-index key (a PHP associative array).
bool is_assoc(const Value& v);

// `^(/|https?://)`: the only links a message may carry (no javascript:, data:, …).
bool is_allowed_link(std::string_view link);
// `#rgb` or `#rrggbb`.
bool is_hex_color(std::string_view color);

// Case-insensitive key lookup that treats a missing key and JSON null alike.
const Value* rich_field(const Value& obj, std::string_view key);
// Trimmed string form of a scalar field; nullopt when absent or not a scalar.
std::optional<std::string> rich_string(const Value& obj, std::string_view key);
// Integer form (PHP intval) of a scalar field; nullopt when absent.
std::optional<int64_t> rich_int(const Value& obj, std::string_view key);
// "Y" when the field is a yes flag, "N" otherwise.
std::string rich_flag(const Value& obj, std::string_view key);

// Length of the server's own JSON encoding of `v` (what the size limit is measured on).
size_t encoded_size(const Value& v);

}  // namespace imhub
