#include "core/clock.hpp"

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace imhub {

double now_unix() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

int64_t now_unix_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

namespace {
std::string format_atom(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm_local {};
  localtime_r(&t, &tm_local);
  long off = tm_local.tm_gmtoff;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char buf[128];  // room for any value the compiler cannot bound (-Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm_local.tm_year + 1900,
                tm_local.tm_mon + 1, tm_local.tm_mday, tm_local.tm_hour, tm_local.tm_min, tm_local.tm_sec, sign,
                off / 3600, (off % 3600) / 60);
  return buf;
}
}  // namespace

const std::string& atom_time_cached(int64_t unix_seconds) {
  // Every response carries the current time twice: remember the last second formatted on this
  // thread (localtime_r takes a global lock).
  thread_local int64_t last_seconds = INT64_MIN;
  thread_local std::string last_text;
  if (unix_seconds != last_seconds) {
    last_text = format_atom(unix_seconds);
    last_seconds = unix_seconds;
  }
  return last_text;
}

std::string atom_time(int64_t unix_seconds) { return atom_time_cached(unix_seconds); }

bool parse_atom(const std::string& text, int64_t& unix_seconds) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sep = 0, sign = 0;
  int n =
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%c%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s, &sign, &oh, &om);
  if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (n > 3 && n < 7) return false;
  if (n >= 4 && sep != 'T' && sep != ' ') return false;
  struct tm tm_utc {};
  tm_utc.tm_year = y - 1900;
  tm_utc.tm_mon = mo - 1;
  tm_utc.tm_mday = d;
  tm_utc.tm_hour = h;
  tm_utc.tm_min = mi;
  tm_utc.tm_sec = s;
  int64_t t = timegm(&tm_utc);
  if (n >= 9 && (sign == '+' || sign == '-')) {
    int64_t off = oh * 3600 + om * 60;
    t -= sign == '+' ? off : -off;
  } else if (n >= 8 && sign == 'Z') {
    // UTC
  } else {
    // No offset: the server's local time, as the real platform reads it.
    struct tm tm_local = tm_utc;
    tm_local.tm_isdst = -1;
    t = mktime(&tm_local);
  }
  unix_seconds = t;
  return true;
}

}  // namespace imhub
