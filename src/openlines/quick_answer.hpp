// Quick answers of open lines: texts an operator inserts into a reply with one choice instead of
// typing them again. The platform keeps them per line (QUICK_ANSWERS_IBLOCK_ID: one list shared by
// the line's operators) and fills them from the dialog (imopenlines.message.quick.save,
// protocol-openlines.md §5.6); imhub keeps them in `openline_quick_answers` (migration 27).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct QuickAnswer {
  int64_t id = 0;
  int64_t line_id = 0;
  std::string text;
  int64_t message_id = 0;  // the message it was saved from; 0 when none
  int64_t author_id = 0;   // who saved it
  int64_t created_at = 0;
};

// Saves `a` for its line; a message saved before for the same line is kept once (its existing
// answer is returned). Fills id and created_at.
QuickAnswer save_quick_answer(Conn& c, QuickAnswer a);

// The line's quick answers, newest first, whose text contains `search` (case-insensitive for
// ASCII letters; empty = all); `offset` / `limit` page them. `total` gets the count of all matches.
std::vector<QuickAnswer> find_quick_answers(Conn& c, int64_t line_id, const std::string& search, int64_t offset,
                                            int64_t limit, int64_t* total);

std::optional<QuickAnswer> find_quick_answer(Conn& c, int64_t id);
// Removes it; false when there was none.
bool delete_quick_answer(Conn& c, int64_t id);

}  // namespace imhub
