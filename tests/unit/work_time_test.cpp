// Working hours of open lines (openlines/work_time.hpp): the rule is a pure function of the
// line's settings and a local time, so these tests name the instant instead of waiting for it.
#include "openlines/work_time.hpp"

#include <gtest/gtest.h>

#include "core/time_zone.hpp"

namespace imhub {
namespace {

// 2026-12-07 is a Monday; seconds since the epoch of its local midnight.
constexpr int64_t kMonday = 1796601600;
constexpr int64_t kHour = 3600;

WorkHours nine_to_six() {
  WorkHours h;
  h.enabled = true;
  h.from_minute = 9 * 60;
  h.to_minute = 18 * 60;
  h.days_off = {6, 7};
  return h;
}

TEST(WorkTime, ParsesTheReferenceAndThePlatformForms) {
  EXPECT_EQ(parse_day_minute("09:00"), 540);
  EXPECT_EQ(parse_day_minute("9"), 540);
  EXPECT_EQ(parse_day_minute("18.30"), 18 * 60 + 30);
  EXPECT_EQ(parse_day_minute(" 21:05 "), 21 * 60 + 5);
  EXPECT_EQ(parse_day_minute("24:00"), 24 * 60);
  EXPECT_FALSE(parse_day_minute(""));
  EXPECT_FALSE(parse_day_minute("25:00"));
  EXPECT_FALSE(parse_day_minute("9:60"));
  EXPECT_FALSE(parse_day_minute("noon"));
}

TEST(WorkTime, DisabledMeansAlwaysOpen) {
  WorkHours h = nine_to_six();
  h.enabled = false;
  EXPECT_TRUE(in_work_hours(h, kMonday + 3 * kHour));
  EXPECT_TRUE(in_work_hours(h, kMonday + 5 * 24 * kHour));  // Saturday
}

TEST(WorkTime, HoursIncludeBothEnds) {
  const WorkHours h = nine_to_six();
  EXPECT_FALSE(in_work_hours(h, kMonday + 9 * kHour - 1));
  EXPECT_TRUE(in_work_hours(h, kMonday + 9 * kHour));
  EXPECT_TRUE(in_work_hours(h, kMonday + 18 * kHour + 59));  // 18:00:59 is still 18:00
  EXPECT_FALSE(in_work_hours(h, kMonday + 18 * kHour + 60));
}

TEST(WorkTime, DaysOffAndHolidays) {
  WorkHours h = nine_to_six();
  const int64_t noon = 12 * kHour;
  EXPECT_TRUE(in_work_hours(h, kMonday + 4 * 24 * kHour + noon));   // Friday
  EXPECT_FALSE(in_work_hours(h, kMonday + 5 * 24 * kHour + noon));  // Saturday
  EXPECT_FALSE(in_work_hours(h, kMonday + 6 * 24 * kHour + noon));  // Sunday
  h.holidays = {{8, 12}};
  EXPECT_FALSE(in_work_hours(h, kMonday + 24 * kHour + noon));  // Tuesday 8 December
  EXPECT_TRUE(in_work_hours(h, kMonday + noon));
}

TEST(WorkTime, SpanOverMidnight) {
  WorkHours h = nine_to_six();
  h.days_off.clear();
  h.from_minute = 22 * 60;
  h.to_minute = 6 * 60;
  EXPECT_TRUE(in_work_hours(h, kMonday + 23 * kHour));
  EXPECT_TRUE(in_work_hours(h, kMonday + 5 * kHour));
  EXPECT_FALSE(in_work_hours(h, kMonday + 12 * kHour));
}

TEST(WorkTime, TimeZonesShiftTheDay) {
  WorkHours h = nine_to_six();
  h.zone = "Europe/Berlin";
  // 08:30 UTC on a December Monday is 09:30 in Berlin (UTC+1): open; in UTC it is not.
  const int64_t utc = kMonday + 8 * kHour + 30 * 60;
  EXPECT_TRUE(line_works_at(h, utc));
  h.zone = "UTC";
  EXPECT_FALSE(line_works_at(h, utc));
  // Summer time: 2026-07-06 (a Monday) 07:30 UTC is 09:30 in Berlin (UTC+2).
  h.zone = "Europe/Berlin";
  EXPECT_TRUE(line_works_at(h, 1783323000));
  EXPECT_EQ(zone_offset_seconds("Europe/Berlin", 1783323000), 7200);
  EXPECT_EQ(zone_offset_seconds("Europe/Berlin", utc), 3600);
  EXPECT_FALSE(zone_offset_seconds("Mars/Olympus", utc));
}

TEST(WorkTime, ReadsTheLineSettings) {
  OpenLine line = new_line();
  apply_line_params(line, Value::object({{"WORKTIME_ENABLE", Value("Y")},
                                         {"WORKTIME_FROM", Value("10:15")},
                                         {"WORKTIME_TO", Value("17.45")},
                                         {"WORKTIME_TIMEZONE", Value("Asia/Tokyo")},
                                         {"WORKTIME_DAYOFF", Value("SU")},
                                         {"WORKTIME_HOLIDAYS", Value("01.01,31.12")}}));
  const WorkHours h = work_hours_of(line);
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.from_minute, 10 * 60 + 15);
  EXPECT_EQ(h.to_minute, 17 * 60 + 45);
  EXPECT_EQ(h.zone, "Asia/Tokyo");
  EXPECT_EQ(h.days_off, std::vector<int>{7});
  EXPECT_EQ(h.holidays, (std::vector<std::pair<int, int>>{{1, 1}, {31, 12}}));
}

}  // namespace
}  // namespace imhub
