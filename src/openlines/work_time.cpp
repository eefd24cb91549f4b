#include "openlines/work_time.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "core/time_zone.hpp"

namespace imhub {
namespace {

constexpr int64_t kDaySeconds = 86400;

std::vector<std::string> list_of(const OpenLine& line, std::string_view field) {
  std::vector<std::string> out;
  if (!line.settings.is_map()) return out;
  const Value* v = line.settings.get_map().find(field);
  if (!v) return out;
  if (v->is_scalar()) {
    for (const std::string& part : split(v->to_string(), ','))
      if (std::string s(trim(part)); !s.empty()) out.push_back(s);
  } else if (v->is_array()) {
    for (const Value* e : v->elements())
      if (e->is_scalar())
        if (std::string s(trim(e->to_string())); !s.empty()) out.push_back(s);
  }
  return out;
}

int weekday_number(const std::string& code) {
  static const char* kDays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  for (int i = 0; i < 7; ++i)
    if (to_upper(code) == kDays[i]) return i + 1;
  return 0;
}

std::optional<std::pair<int, int>> parse_holiday(const std::string& text) {
  const std::vector<std::string> parts = split(text, '.');
  if (parts.size() != 2) return std::nullopt;
  auto day = Value(std::string(trim(parts[0]))).to_int();
  auto month = Value(std::string(trim(parts[1]))).to_int();
  if (!day || !month || *day < 1 || *day > 31 || *month < 1 || *month > 12) return std::nullopt;
  return std::make_pair(static_cast<int>(*day), static_cast<int>(*month));
}

// Civil date of a day count since 1970-01-01 (the proleptic Gregorian calendar).
void civil_from_days(int64_t z, int& month, int& day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
}

}  // namespace

std::optional<int> parse_day_minute(const std::string& text) {
  const std::string t(trim(text));
  if (t.empty()) return std::nullopt;
  const size_t sep = t.find_first_of(":.");
  auto hour = Value(t.substr(0, sep)).to_int();
  int64_t minute = 0;
  if (sep != std::string::npos) {
    auto m = Value(t.substr(sep + 1)).to_int();
    if (!m) return std::nullopt;
    minute = *m;
  }
  if (!hour || *hour < 0 || *hour > 24 || minute < 0 || minute > 59 || (*hour == 24 && minute > 0)) return std::nullopt;
  return static_cast<int>(*hour * 60 + minute);
}

WorkHours work_hours_of(const OpenLine& line) {
  WorkHours h;
  h.enabled = line.flag("WORKTIME_ENABLE");
  if (auto from = parse_day_minute(line.text("WORKTIME_FROM"))) h.from_minute = *from;
  if (auto to = parse_day_minute(line.text("WORKTIME_TO"))) h.to_minute = *to;
  h.zone = std::string(trim(line.text("WORKTIME_TIMEZONE")));
  for (const std::string& d : list_of(line, "WORKTIME_DAYOFF"))
    if (int n = weekday_number(d); n > 0) h.days_off.push_back(n);
  for (const std::string& d : list_of(line, "WORKTIME_HOLIDAYS"))
    if (auto day = parse_holiday(d)) h.holidays.push_back(*day);
  return h;
}

bool in_work_hours(const WorkHours& hours, int64_t local_seconds) {
  if (!hours.enabled) return true;
  const int64_t days = local_seconds >= 0 ? local_seconds / kDaySeconds : (local_seconds + 1) / kDaySeconds - 1;
  const int64_t second_of_day = local_seconds - days * kDaySeconds;
  // 1970-01-01 was a Thursday (ISO 4).
  const int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
  if (std::find(hours.days_off.begin(), hours.days_off.end(), weekday) != hours.days_off.end()) return false;
  int month = 0, day = 0;
  civil_from_days(days, month, day);
  for (const auto& [d, m] : hours.holidays)
    if (d == day && m == month) return false;
  const int minute = static_cast<int>(second_of_day / 60);
  if (hours.from_minute <= hours.to_minute) return minute >= hours.from_minute && minute <= hours.to_minute;
  return minute >= hours.from_minute || minute <= hours.to_minute;
}

bool line_works_at(const WorkHours& hours, int64_t unix_seconds) {
  if (!hours.enabled) return true;
  auto offset = zone_offset_seconds(hours.zone, unix_seconds);
  return in_work_hours(hours, unix_seconds + (offset ? *offset : local_offset_seconds(unix_seconds)));
}

}  // namespace imhub
