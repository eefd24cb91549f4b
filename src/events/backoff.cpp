#include "events/backoff.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/strings.hpp"

namespace imhub {

double backoff_seconds(const RetryPolicy& policy, int failures, double unit_random) {
  const int doublings = std::clamp(failures - 1, 0, 62);
  const double delay = std::min(policy.max_seconds, policy.base_seconds * std::ldexp(1.0, doublings));
  return delay * (0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0));
}

std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return 1e9;  // absurd but well-formed: the caller's cap applies
    return static_cast<double>(std::stoll(std::string(value)));
  }
  // curl_getdate() reads the three HTTP-date forms (IMF-fixdate, RFC 850, asctime); a bare
  // number was handled above because it would read that as a time of day.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return static_cast<double>(std::max<int64_t>(0, static_cast<int64_t>(when) - now_unix));
}

double retry_delay_seconds(const RetryPolicy& policy, int failures, double unit_random,
                           std::optional<double> retry_after) {
  const double delay = backoff_seconds(policy, failures, unit_random);
  return retry_after ? std::max(delay, *retry_after) : delay;
}

}  // namespace imhub
