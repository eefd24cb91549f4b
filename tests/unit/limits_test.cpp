#include "rest/limits.hpp"

#include <gtest/gtest.h>

namespace imhub {

TEST(LeakyBucket, FillsThenDrains) {
  LeakyBucket b(2.0, 3.0);
  EXPECT_FALSE(b.admit("k", 100.0));
  EXPECT_FALSE(b.admit("k", 100.0));
  EXPECT_FALSE(b.admit("k", 100.0));
  auto wait = b.admit("k", 100.0);
  ASSERT_TRUE(wait);
  EXPECT_NEAR(*wait, 0.5, 1e-9);
  EXPECT_FALSE(b.admit("other", 100.0));
  EXPECT_FALSE(b.admit("k", 100.6));  // drained 1.2
}

TEST(OperatingClock, RecordsSlowCallsAndExpires) {
  OperatingClock c;
  c.record("k", 0.05, 1000);  // under the threshold: not recorded
  EXPECT_EQ(c.state("k", 1000).operating, 0);
  c.record("k", 0.5, 1000);
  c.record("k", 0.5, 1030);  // same minute bucket
  c.record("k", 1.0, 1100);  // new bucket
  auto st = c.state("k", 1200);
  EXPECT_DOUBLE_EQ(st.operating, 2.0);
  EXPECT_EQ(st.reset_at, 1600);
  st = c.state("k", 1650);  // first bucket gone
  EXPECT_DOUBLE_EQ(st.operating, 1.0);
  EXPECT_EQ(c.state("k", 1800).operating, 0);
}

}  // namespace imhub
