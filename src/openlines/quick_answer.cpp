#include "openlines/quick_answer.hpp"

#include "core/clock.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

constexpr const char* kColumns = "id, line_id, text, message_id, author_id, created_at";

QuickAnswer read_answer(const Row& r) {
  return QuickAnswer{.id = r.i64(0),
                     .line_id = r.i64(1),
                     .text = r.str(2),
                     .message_id = r.i64(3),
                     .author_id = r.i64(4),
                     .created_at = r.i64(5)};
}

}  // namespace

QuickAnswer save_quick_answer(Conn& c, QuickAnswer a) {
  if (a.message_id > 0) {
    auto r = c.query_one(
        std::string("SELECT ") + kColumns + " FROM openline_quick_answers WHERE line_id = $1 AND message_id = $2",
        {a.line_id, a.message_id});
    if (r) return read_answer(*r);
  }
  a.created_at = now_unix_seconds();
  auto row = c.query_one(
      "INSERT INTO openline_quick_answers (line_id, text, message_id, author_id, created_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {a.line_id, a.text, a.message_id, a.author_id, a.created_at});
  a.id = row->i64(0);
  return a;
}

std::vector<QuickAnswer> find_quick_answers(Conn& c, int64_t line_id, const std::string& search, int64_t offset,
                                            int64_t limit, int64_t* total) {
  // A line holds tens of answers, not thousands: matching here keeps the search free of LIKE's
  // wildcards and escapes.
  const std::string needle = to_lower(search);
  std::vector<QuickAnswer> matches;
  for (const Row& r :
       c.query(std::string("SELECT ") + kColumns + " FROM openline_quick_answers WHERE line_id = $1 ORDER BY id DESC",
               {line_id})) {
    QuickAnswer a = read_answer(r);
    if (needle.empty() || to_lower(a.text).find(needle) != std::string::npos) matches.push_back(std::move(a));
  }
  if (total) *total = static_cast<int64_t>(matches.size());
  std::vector<QuickAnswer> page;
  for (int64_t i = offset; i < static_cast<int64_t>(matches.size()) && i < offset + limit; ++i)
    page.push_back(std::move(matches[static_cast<size_t>(i)]));
  return page;
}

std::optional<QuickAnswer> find_quick_answer(Conn& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kColumns + " FROM openline_quick_answers WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_answer(*r);
}

bool delete_quick_answer(Conn& c, int64_t id) {
  return c.exec("DELETE FROM openline_quick_answers WHERE id = $1", {id}) > 0;
}

}  // namespace imhub
