// Retry timing of event delivery: the doubling with its cap and jitter, and Retry-After in both
// of its forms.
#include <gtest/gtest.h>

#include "events/backoff.hpp"

namespace imhub {
namespace {

TEST(EventBackoff, DoublesUpToTheCapWithEqualJitter) {
  RetryPolicy p{1, 300};
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 1, 0.999999), 0.5 + 0.5 * 0.999999);
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 1, 0), 0.5);
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 2, 0), 1);
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 5, 0), 8);
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 9, 0), 128);     // 256, halved
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 10, 0), 150);    // 512 capped at 300, halved
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 10, 1.0), 300);  // never above the cap
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 1000, 0.5), 225);
  EXPECT_DOUBLE_EQ(backoff_seconds(p, 0, 0), 0.5);  // treated as the first failure
}

TEST(EventBackoff, JitterSpreadsTheSameFailureCount) {
  RetryPolicy p{2, 60};
  double lo = 1e9, hi = 0;
  for (double u = 0; u < 1; u += 0.01) {
    const double d = backoff_seconds(p, 3, u);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_DOUBLE_EQ(lo, 4);
  EXPECT_GT(hi, 7.9);
  EXPECT_LE(hi, 8);
}

TEST(EventBackoff, RetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("120", 0), 120);
  EXPECT_EQ(parse_retry_after("  0 ", 0), 0);
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("-5", 0));
  EXPECT_FALSE(parse_retry_after("1.5", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_EQ(parse_retry_after("99999999999", 0), 1e9);
}

TEST(EventBackoff, RetryAfterHttpDates) {
  const int64_t now = 784111777;                                            // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now), 120);  // IMF-fixdate
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now), 60);  // RFC 850
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:47 1994", now), 10);        // asctime
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0);    // past
}

TEST(EventBackoff, RetryAfterWinsWhenLonger) {
  RetryPolicy p{1, 300};
  EXPECT_DOUBLE_EQ(retry_delay_seconds(p, 1, 0, 30.0), 30);
  EXPECT_DOUBLE_EQ(retry_delay_seconds(p, 8, 0, 30.0), 64);
  EXPECT_DOUBLE_EQ(retry_delay_seconds(p, 2, 0, std::nullopt), 1);
}

}  // namespace
}  // namespace imhub
