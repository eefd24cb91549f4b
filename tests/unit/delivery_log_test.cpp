// The delivery log (issue 11): bounded per handler, filtered reads, following by id, answers kept
// as valid UTF-8.
#include <gtest/gtest.h>

#include "events/delivery_log.hpp"
#include "temp_store.hpp"

namespace imhub {
namespace {

DeliveryLogEntry entry(const std::string& handler, int64_t app_id, int n) {
  DeliveryLogEntry e;
  e.at_ms = 1000 + n;
  e.app_id = app_id;
  e.handler = handler;
  e.event = "ONIMBOTMESSAGEADD";
  e.outbox_id = n;
  e.outcome = n % 2 ? "delivered" : "http_error";
  e.status = n % 2 ? 200 : 500;
  e.duration_ms = n;
  e.answer = "answer " + std::to_string(n);
  return e;
}

TEST(DeliveryLog, KeepsTheNewestRowsOfEachHandler) {
  TempStore t;
  Store& s = *t.store;
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<DeliveryLogEntry> entries;
    for (int i = 0; i < 4; ++i) entries.push_back(entry("http://a/", 1, batch * 4 + i));
    entries.push_back(entry("http://b/", 2, 100 + batch));
    s.write([&](Conn& c) { append_delivery_log(c, entries, 5); });
  }
  // A batch larger than the bound writes only its newest rows.
  std::vector<DeliveryLogEntry> big;
  for (int i = 0; i < 9; ++i) big.push_back(entry("http://c/", 3, 200 + i));
  s.write([&](Conn& c) { append_delivery_log(c, big, 5); });

  auto read = [&](DeliveryLogQuery q) { return s.read_with([&](Conn& c) { return read_delivery_log(c, q); }); };
  DeliveryLogQuery a;
  a.app_id = 1;
  auto rows = read(a);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows.front().outbox_id, 7);  // oldest first: 7..11 of 0..11
  EXPECT_EQ(rows.back().outbox_id, 11);
  EXPECT_EQ(rows.back().answer, "answer 11");
  EXPECT_EQ(rows.back().status, 200);
  EXPECT_EQ(read(DeliveryLogQuery{2, "", 0, 100}).size(), 3u);
  auto c = read(DeliveryLogQuery{std::nullopt, "http://c/", 0, 100});
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c.front().outbox_id, 204);
  EXPECT_EQ(read(DeliveryLogQuery{}).size(), 13u);
  // Following: only rows after the last one seen; a limit keeps the newest.
  EXPECT_TRUE(read(DeliveryLogQuery{std::nullopt, "", c.back().id, 100}).empty());
  auto last2 = read(DeliveryLogQuery{std::nullopt, "", 0, 2});
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2.back().id, c.back().id);
  // Nothing is written with a bound of 0.
  s.write([&](Conn& c2) { append_delivery_log(c2, {entry("http://d/", 4, 1)}, 0); });
  EXPECT_TRUE(read(DeliveryLogQuery{4, "", 0, 100}).empty());
}

TEST(DeliveryLog, AnswerExcerptIsValidUtf8) {
  EXPECT_EQ(answer_excerpt("hello", 3), "hel");
  EXPECT_EQ(answer_excerpt("h\xC3\xA9llo", 2), "h");  // é cut in half: dropped
  EXPECT_EQ(answer_excerpt("h\xC3\xA9llo", 3), "h\xC3\xA9");
  EXPECT_EQ(answer_excerpt("\xFF\xFE binary\x80 data", 100), "?? binary? data");
  EXPECT_EQ(answer_excerpt("", 10), "");
}

}  // namespace
}  // namespace imhub
