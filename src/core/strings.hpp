// Small string helpers shared by every layer (ASCII case folding, trimming, splitting, UTF-8).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imhub {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
std::string_view trim(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
// Shortest text that reads back as the same double (PHP-like: "1.5", "2", "0.05").
std::string format_double(double d);
// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, max U+10FFFF).
bool valid_utf8(std::string_view s);
// Appends code point `cp` (at most U+10FFFF, not a surrogate) encoded as UTF-8.
void append_utf8(std::string& out, char32_t cp);
// Unicode-aware lower case for search (Latin, Latin-1, Cyrillic, Greek); other code points unchanged.
std::string utf8_fold(std::string_view s);
// Hex of bytes, lower case.
std::string to_hex(std::string_view bytes);

}  // namespace imhub
