// A line's working hours (WORKTIME_* of imopenlines.config.add; the platform's
// AutomaticAction\WorkTime::isWorkTimeLine): outside them a client's message gets the offline
// text (WORKTIME_DAYOFF_RULE=text, once per session) and the session still goes to the queue.
//
// The line is closed on its days off (WORKTIME_DAYOFF, MO…SU) and holidays (WORKTIME_HOLIDAYS,
// "DD.MM"), and outside WORKTIME_FROM…WORKTIME_TO, both ends included, in WORKTIME_TIMEZONE (the
// server's zone when empty or unknown). Times are "HH:MM" as the reference writes them, or the
// platform's own "9" / "18.30". A span whose end is before its start runs over midnight (an
// imhub reading: the platform would never be open then).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openlines/line.hpp"

namespace imhub {

struct WorkHours {
  bool enabled = false;
  int from_minute = 9 * 60;  // minutes after local midnight
  int to_minute = 18 * 60 + 30;
  std::string zone;                           // IANA name; "" = the server's
  std::vector<int> days_off;                  // ISO weekdays, 1 = Monday … 7 = Sunday
  std::vector<std::pair<int, int>> holidays;  // (day, month)
};

// "09:00", "9", "18.30", "9:5" → minutes after midnight; nullopt when it is no time of day.
std::optional<int> parse_day_minute(const std::string& text);
WorkHours work_hours_of(const OpenLine& line);

// Whether the line works at `local_seconds`: seconds since the epoch shifted into the line's zone
// (unix time + the zone's offset), so the rule itself needs no clock and no zone database.
bool in_work_hours(const WorkHours& hours, int64_t local_seconds);
// The same at a real instant: the zone's offset is looked up for `unix_seconds`.
bool line_works_at(const WorkHours& hours, int64_t unix_seconds);

}  // namespace imhub
