// Time in the forms the wire uses: unix seconds with microseconds for `time.start`, and ATOM
// (`2017-10-17T11:12:56+02:00`, PHP date('c')) in the server's local time zone for dates.
#pragma once

#include <cstdint>
#include <string>

namespace imhub {

double now_unix();  // seconds since the epoch, microsecond resolution
int64_t now_unix_seconds();
std::string atom_time(int64_t unix_seconds);  // local zone, "+HH:MM" offset
// atom_time without a copy: valid until the next call on this thread (every response's time block).
const std::string& atom_time_cached(int64_t unix_seconds);
// Parses ATOM/ISO-8601 ("2024-07-25T13:06:54+00:00", "2024-07-25", "2024-07-25 13:06:54").
// Returns false when the text is not a date.
bool parse_atom(const std::string& text, int64_t& unix_seconds);

}  // namespace imhub
