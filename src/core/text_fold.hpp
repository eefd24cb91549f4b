// Unicode text for search: case folding and word splitting (ICU), so "иван" finds "Иван" and
// "STRASSE" finds "Straße". Only this file's .cpp talks to ICU.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

// Full Unicode case folding of UTF-8 text; ill-formed bytes become U+FFFD.
std::string fold_case(std::string_view utf8);

// The folded words of `utf8`: runs of letters and digits, split at everything else
// (spaces, punctuation, symbols).
std::vector<std::string> fold_words(std::string_view utf8);

// Number of code points (ill-formed bytes count one each).
size_t utf8_length(std::string_view utf8);

}  // namespace imhub
