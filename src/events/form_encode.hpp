// PHP's http_build_query() for a Value tree: the body of every event POST (protocol.md §8.2).
//
// Existing Bitrix24 handlers read events through PHP's $_REQUEST, so the body must be what the
// platform's PHP code produces, byte for byte:
//   - nested keys in bracket notation with the brackets percent-encoded: data%5BPARAMS%5D%5BID%5D=7
//   - RFC 1738 escaping as PHP's urlencode(): letters, digits and "-_." stay, space becomes "+",
//     every other byte %XX in upper-case hex
//   - every scalar a string: true → "1", false → "0", integers in decimal, doubles as PHP
//     prints them with precision 14 ("0.3", "1.0E+20", "NAN")
//   - nulls and empty arrays (lists and maps) leave no trace at all
//   - lists are indexed [0], [1] …; maps keep their insertion order
#pragma once

#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

// Encodes the members of `root` (a map or a list; a scalar root gives ""), '&'-separated.
std::string form_encode(const Value& root);

// PHP urlencode(): the escaping applied to every key and value.
void append_urlencoded(std::string& out, std::string_view s);

// A double as PHP's string conversion writes it with the default precision (14).
std::string php_float_string(double d);

}  // namespace imhub
