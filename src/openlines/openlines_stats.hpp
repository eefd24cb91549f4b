// What is going on in the open lines now, for /metrics and `imhub openlines status`: open sessions
// by phase (with a bot, waiting for an operator, answered) and by status code, and the time to first
// answer of the sessions answered in the last hour. Every count reads open sessions or recent
// answers through partial indexes, so a scrape does not grow with the closed sessions kept.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "store/store.hpp"

namespace imhub {

struct OpenLinesStats {
  int64_t with_bot = 0;              // open, a bot in charge
  int64_t waiting = 0;               // open, no operator has taken it
  int64_t answered = 0;              // open, taken by an operator
  std::map<int, int64_t> by_status;  // open sessions per status code
  int64_t answered_last_hour = 0;    // sessions first answered in the last hour
  double first_answer_seconds = 0;   // their mean time from start to first answer
};

OpenLinesStats openlines_stats(Conn& c, int64_t now);

// Prometheus text of the stats (imhub_openlines_*).
void render_openlines_metrics(std::string& out, const OpenLinesStats& s);

}  // namespace imhub
