// Offsets of named time zones ("Europe/Berlin"), from the system's tz database through ICU: the
// only translation unit that includes ICU's calendar headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace imhub {

// The zone's offset from UTC at `unix_seconds`, in seconds (daylight saving included); nullopt
// when the zone is unknown.
std::optional<int64_t> zone_offset_seconds(std::string_view zone, int64_t unix_seconds);
// The server's own offset at `unix_seconds` (what atom_time prints).
int64_t local_offset_seconds(int64_t unix_seconds);

}  // namespace imhub
