// The delivery log (issue 11): bounded per handler, filtered reads, following by id, answers kept
// as valid UTF-8.
#include <gtest/gtest.h>

#include "events/delivery_log.hpp"
#include "events/event_admin.hpp"
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

TEST(DeliveryLog, KeepsTheRequestRedactedAndScrubsTheAnswer) {
  DeliveryLogEntry e = entry("http://a/", 1, 1);
  e.answer = "you sent me tok-1234567890";
  e.error = "";
  keep_request(e, "event=ONAPPINSTALL&auth%5Baccess_token%5D=tok-1234567890&auth%5Bdomain%5D=x", 4096);
  EXPECT_EQ(e.request, "event=ONAPPINSTALL&auth%5Baccess_token%5D=%5Bredacted%5D&auth%5Bdomain%5D=x");
  EXPECT_EQ(e.request_bytes, static_cast<int64_t>(e.request.size()));
  EXPECT_EQ(e.answer, "you sent me [redacted]");
  // Cut: the size says how long it was; with 0 only the size is kept, and answers are still scrubbed.
  DeliveryLogEntry cut = entry("http://a/", 1, 2);
  keep_request(cut, "event=ONAPPINSTALL&auth%5Baccess_token%5D=tok-1234567890", 10);
  EXPECT_EQ(cut.request, "event=ONAP");
  EXPECT_EQ(cut.request_bytes, 56);
  DeliveryLogEntry none = entry("http://a/", 1, 3);
  none.answer = "tok-1234567890";
  keep_request(none, "auth%5Brefresh_token%5D=tok-1234567890", 0);
  EXPECT_EQ(none.request, "");
  EXPECT_EQ(none.answer, "[redacted]");

  TempStore t;
  t.store->write([&](Conn& c) { append_delivery_log(c, {e, cut}, 5); });
  auto rows = t.store->read_with([](Conn& c) { return read_delivery_log(c, DeliveryLogQuery{}); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].request, e.request);
  EXPECT_EQ(rows[1].request_bytes, 56);
}

TEST(DeliveryLog, PagesNewestFirstThroughAFilter) {
  TempStore t;
  Store& s = *t.store;
  std::vector<DeliveryLogEntry> entries;
  for (int i = 0; i < 7; ++i) entries.push_back(entry("http://a/", 1, i));
  for (int i = 0; i < 3; ++i) entries.push_back(entry("http://b/", 0, 100 + i));
  s.write([&](Conn& c) { append_delivery_log(c, entries, 50); });
  auto page = [&](DeliveryFilter f, int64_t offset, int64_t limit) {
    return s.read_with([&](Conn& c) { return delivery_log_page(c, f, offset, limit); });
  };
  DeliveryLogPage all = page({}, 0, 4);
  EXPECT_EQ(all.total, 10);
  ASSERT_EQ(all.entries.size(), 4u);
  EXPECT_EQ(all.entries[0].outbox_id, 102);
  DeliveryFilter a;
  a.app_id = 1;
  DeliveryLogPage second = page(a, 5, 5);
  EXPECT_EQ(second.total, 7);
  ASSERT_EQ(second.entries.size(), 2u);
  EXPECT_EQ(second.entries[0].outbox_id, 1);
  EXPECT_EQ(second.entries[1].outbox_id, 0);
  DeliveryFilter b;
  b.handlers = std::vector<std::string>{"http://b/", "http://c/"};
  EXPECT_EQ(page(b, 0, 50).total, 3);
  b.app_id = 1;
  EXPECT_EQ(page(b, 0, 50).total, 0);
  DeliveryFilter nothing;
  nothing.handlers = std::vector<std::string>{};
  EXPECT_EQ(page(nothing, 0, 50).total, 0);
}

// The failed list, paged and filtered, and the replay of one handler's events (what
// imhub.console.failed / retry and `imhub events failed|retry --handler` do).
TEST(EventAdmin, FailedListByHandlerAndRetryOfOneHandler) {
  TempStore t;
  Store& s = *t.store;
  s.write([](Conn& c) {
    for (int i = 1; i <= 6; ++i) {
      c.exec(
          "INSERT INTO event_failed (id, app_id, handler, event, payload, order_key, created_at, attempts, last_error, "
          "failed_at) VALUES ($1, $2, $3, 'ONIMBOTMESSAGEADD', '{}', 'chat:1', 1000, 2, 'HTTP 500', $4)",
          {int64_t{i}, int64_t{i % 2}, std::string(i % 2 ? "http://odd/" : "http://even/"), int64_t{2000 + i}});
    }
  });
  DeliveryFilter odd;
  odd.handlers = std::vector<std::string>{"http://odd/"};
  auto list = s.read_with([&](Conn& c) { return failed_events(c, 2, odd, 1); });
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, 3);
  EXPECT_EQ(list[1].id, 5);
  EXPECT_EQ(s.read_with([&](Conn& c) { return count_failed(c, odd); }), 3);
  EXPECT_EQ(s.read_with([](Conn& c) { return count_failed(c); }), 6);

  RetryResult r = s.write_with([&](Conn& c) { return retry_failed(c, odd, 5000); });
  EXPECT_EQ(r.retried, (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(s.read_with([](Conn& c) { return count_failed(c); }), 3);
  EXPECT_EQ(s.read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM event_outbox")->i64(0); }), 3);
  // The status of the other handler says when it last failed.
  EventsStatus st = s.read_with([](Conn& c) { return events_status(c); });
  auto even = std::find_if(st.handlers.begin(), st.handlers.end(), [](auto& h) { return h.handler == "http://even/"; });
  ASSERT_NE(even, st.handlers.end());
  EXPECT_EQ(even->last_error, "HTTP 500");
  EXPECT_EQ(even->last_error_ms, 2006);
  EXPECT_EQ(even->failed, 3);
}

}  // namespace
}  // namespace imhub
