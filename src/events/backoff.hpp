// When a failed delivery is tried again: exponential backoff with jitter, and the handler's own
// Retry-After when it sends one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace imhub {

struct RetryPolicy {
  double base_seconds = 1;
  double max_seconds = 300;
};

// Delay after the `failures`-th consecutive failure (1 = the first): the doubling
// base · 2^(failures-1), capped at max, scaled by a factor between 0.5 and 1 taken from
// `unit_random` in [0, 1) ("equal jitter": handlers that failed together do not come back in
// lockstep, and the delay still grows).
double backoff_seconds(const RetryPolicy& policy, int failures, double unit_random);

// A Retry-After value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Returns the seconds to
// wait from `now_unix`; a date in the past gives 0; nullopt when the value is neither.
std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix);

// The delay before the next attempt: the larger of the backoff and Retry-After.
double retry_delay_seconds(const RetryPolicy& policy, int failures, double unit_random,
                           std::optional<double> retry_after);

}  // namespace imhub
