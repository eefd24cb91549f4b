#include "core/time_zone.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <ctime>
#include <memory>
#include <string>

namespace imhub {

std::optional<int64_t> zone_offset_seconds(std::string_view zone, int64_t unix_seconds) {
  if (zone.empty()) return std::nullopt;
  std::unique_ptr<icu::TimeZone> tz(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(icu::StringPiece(zone.data(), zone.size()))));
  // An unknown id gives a GMT zone named "Etc/Unknown" rather than an error.
  if (!tz || *tz == icu::TimeZone::getUnknown()) return std::nullopt;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(static_cast<UDate>(unix_seconds) * 1000.0, false, raw, dst, status);
  if (U_FAILURE(status)) return std::nullopt;
  return (static_cast<int64_t>(raw) + dst) / 1000;
}

int64_t local_offset_seconds(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm_local{};
  localtime_r(&t, &tm_local);
  return tm_local.tm_gmtoff;
}

}  // namespace imhub
