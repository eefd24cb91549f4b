#include "openlines/openlines_stats.hpp"

namespace imhub {

OpenLinesStats openlines_stats(Conn& c, int64_t now) {
  OpenLinesStats s;
  for (const Row& r : c.query("SELECT status, answered, COUNT(*) FROM openline_sessions WHERE closed = 0 "
                              "GROUP BY status, answered"))
    s.by_status[static_cast<int>(r.i64(0))] += r.i64(2);
  s.with_bot = c.query_one(
                    "SELECT COUNT(*) FROM openline_sessions o JOIN bots b ON b.id = o.operator_id "
                    "WHERE o.closed = 0")
                   ->i64(0);
  s.answered = c.query_one("SELECT COUNT(*) FROM openline_sessions WHERE closed = 0 AND answered = 1")->i64(0);
  int64_t open = 0;
  for (const auto& [status, n] : s.by_status) open += n;
  s.waiting = open - s.answered - s.with_bot;
  auto recent = c.query_one(
      "SELECT COUNT(*), COALESCE(SUM(answered_at - created_at), 0) FROM openline_sessions "
      "WHERE answered_at > 0 AND answered_at >= $1",
      {now - 3600});
  s.answered_last_hour = recent->i64(0);
  s.first_answer_seconds =
      s.answered_last_hour > 0 ? static_cast<double>(recent->i64(1)) / static_cast<double>(s.answered_last_hour) : 0;
  return s;
}

void render_openlines_metrics(std::string& out, const OpenLinesStats& s) {
  out += "# HELP imhub_openlines_sessions Open-line sessions open now, by phase.\n";
  out += "# TYPE imhub_openlines_sessions gauge\n";
  out += "imhub_openlines_sessions{phase=\"bot\"} " + std::to_string(s.with_bot) + "\n";
  out += "imhub_openlines_sessions{phase=\"waiting\"} " + std::to_string(s.waiting) + "\n";
  out += "imhub_openlines_sessions{phase=\"answered\"} " + std::to_string(s.answered) + "\n";
  out += "# HELP imhub_openlines_sessions_by_status Open-line sessions open now, by status code.\n";
  out += "# TYPE imhub_openlines_sessions_by_status gauge\n";
  for (const auto& [status, n] : s.by_status)
    out += "imhub_openlines_sessions_by_status{status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  out += "# HELP imhub_openlines_answered_last_hour Sessions first answered by an operator in the last hour.\n";
  out += "# TYPE imhub_openlines_answered_last_hour gauge\n";
  out += "imhub_openlines_answered_last_hour " + std::to_string(s.answered_last_hour) + "\n";
  out +=
      "# HELP imhub_openlines_first_answer_seconds Mean time from a session's start to its first answer, over "
      "the sessions answered in the last hour.\n";
  out += "# TYPE imhub_openlines_first_answer_seconds gauge\n";
  out += "imhub_openlines_first_answer_seconds " + std::to_string(s.first_answer_seconds) + "\n";
}

}  // namespace imhub
