#include "core/text_fold.hpp"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace imhub {

std::string fold_case(std::string_view utf8) {
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  text.foldCase(U_FOLD_CASE_DEFAULT);
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::vector<std::string> fold_words(std::string_view utf8) {
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  text.foldCase(U_FOLD_CASE_DEFAULT);
  std::vector<std::string> words;
  icu::UnicodeString word;
  auto flush = [&] {
    if (word.isEmpty()) return;
    std::string w;
    word.toUTF8String(w);
    words.push_back(std::move(w));
    word.remove();
  };
  for (int32_t i = 0; i < text.length();) {
    UChar32 cp = text.char32At(i);
    // Combining marks stay inside a word ("é" written as e + U+0301).
    if (u_isalnum(cp) || (!word.isEmpty() && u_getCombiningClass(cp) > 0) ||
        (!word.isEmpty() && (u_charType(cp) == U_NON_SPACING_MARK || u_charType(cp) == U_COMBINING_SPACING_MARK)))
      word.append(cp);
    else
      flush();
    i += U16_LENGTH(cp);
  }
  flush();
  return words;
}

size_t utf8_length(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace imhub
