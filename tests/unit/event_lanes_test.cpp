// The delivery worker's scheduling: per-lane order, a failing lane holds back only itself,
// per-handler and total caps, handlers taking turns, lanes forgotten once settled.
#include <gtest/gtest.h>

#include <algorithm>

#include "events/lanes.hpp"

namespace imhub {
namespace {

std::vector<std::string> keys(const std::vector<Lanes::Lane*>& lanes) {
  std::vector<std::string> out;
  for (auto* l : lanes) out.push_back(l->handler->url + "|" + l->order_key);
  return out;
}

TEST(EventLanes, OneLaneGoesOneRowAtATimeInOrder) {
  Lanes lanes(10, 10);
  lanes.note_row("h", "chat:1", 1);
  lanes.note_row("h", "chat:1", 2);
  lanes.note_row("h", "chat:1", 3);
  auto t = lanes.take(10);
  ASSERT_EQ(t.size(), 1u);  // only the head, never two rows of one lane
  EXPECT_EQ(t[0]->last_done, 0);
  EXPECT_TRUE(lanes.take(10).empty());
  lanes.done(t[0], 1);
  t = lanes.take(10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]->last_done, 1);  // the next head is looked up after row 1
  lanes.done(t[0], 2);
  t = lanes.take(10);
  ASSERT_EQ(t.size(), 1u);
  lanes.done(t[0], 3);
  EXPECT_TRUE(lanes.take(10).empty());  // nothing seen after 3: idle
  EXPECT_EQ(lanes.size(), 1u);          // kept until the deletions are durable
  lanes.committed(t[0]->key, 3);
  EXPECT_EQ(lanes.size(), 0u);
}

TEST(EventLanes, AFailingLaneHoldsBackOnlyItself) {
  Lanes lanes(10, 10);
  lanes.note_row("h", "chat:1", 1);
  lanes.note_row("h", "chat:1", 3);
  lanes.note_row("h", "chat:2", 2);
  auto t = lanes.take(10);
  ASSERT_EQ(t.size(), 2u);
  Lanes::Lane* chat1 = t[0]->order_key == "chat:1" ? t[0] : t[1];
  Lanes::Lane* chat2 = t[0]->order_key == "chat:1" ? t[1] : t[0];
  lanes.wait_until(chat1, 5000);  // row 1 failed: retry at 5 s
  lanes.done(chat2, 2);
  lanes.note_row("h", "chat:2", 4);
  t = lanes.take(10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0], chat2);  // chat:2 goes on; chat:1's row 3 waits behind row 1
  lanes.note_row("h", "chat:1", 5);
  EXPECT_TRUE(lanes.take(10).empty());
  lanes.wake(4999);
  EXPECT_TRUE(lanes.take(10).empty());
  EXPECT_EQ(lanes.next_wake_ms(), 5000);
  lanes.wake(5000);
  t = lanes.take(10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0], chat1);
  EXPECT_EQ(t[0]->last_done, 0);  // row 1 again, not row 3
}

TEST(EventLanes, SameChatDifferentHandlersAreSeparateLanes) {
  Lanes lanes(10, 10);
  lanes.note_row("http://bot-a/", "chat:1", 1);
  lanes.note_row("http://bot-b/", "chat:1", 2);
  auto t = lanes.take(10);
  ASSERT_EQ(t.size(), 2u);
  lanes.wait_until(t[0], 1'000'000);  // bot A is down: bot B's events in the chat still go
  lanes.done(t[1], 2);
  lanes.note_row("http://bot-b/", "chat:1", 3);
  EXPECT_EQ(lanes.take(10).size(), 1u);
}

TEST(EventLanes, PerHandlerCapKeepsSlotsForOthers) {
  Lanes lanes(8, 2);
  for (int i = 1; i <= 20; ++i) lanes.note_row("http://hanging/", "chat:" + std::to_string(i), i);
  lanes.note_row("http://fine/", "chat:1", 21);
  auto t = lanes.take(8);
  auto k = keys(t);
  EXPECT_EQ(std::count_if(k.begin(), k.end(), [](auto& s) { return s.starts_with("http://hanging/"); }), 2);
  EXPECT_EQ(std::count(k.begin(), k.end(), "http://fine/|chat:1"), 1);
  EXPECT_EQ(lanes.busy(), 3u);
  EXPECT_TRUE(lanes.take(8).empty());  // the hanging handler is at its cap
  // One of its requests times out: its slot goes to its next lane, not more.
  Lanes::Lane* hanging = t[0]->handler->url == "http://hanging/" ? t[0] : t[1];
  lanes.wait_until(hanging, 1'000'000);
  EXPECT_EQ(lanes.take(8).size(), 1u);
}

TEST(EventLanes, TotalCapAndHandlersTakeTurns) {
  Lanes lanes(3, 100);
  for (int i = 1; i <= 50; ++i) lanes.note_row("http://busy/", "chat:" + std::to_string(i), i);
  lanes.note_row("http://quiet/", "chat:1", 51);
  auto t = lanes.take(100);
  ASSERT_EQ(t.size(), 3u);  // total cap
  auto k = keys(t);
  EXPECT_EQ(std::count(k.begin(), k.end(), "http://quiet/|chat:1"), 1);  // not starved by the backlog
  EXPECT_EQ(lanes.free_slots(), 0u);
}

TEST(EventLanes, RowsAlreadyDoneDoNotRequeue) {
  Lanes lanes(10, 10);
  lanes.note_row("h", "k", 7);
  auto t = lanes.take(1);
  lanes.done(t[0], 7);
  lanes.note_row("h", "k", 7);  // seen again by a later discovery pass
  EXPECT_TRUE(lanes.take(10).empty());
  lanes.note_row("h", "k", 8);
  EXPECT_EQ(lanes.take(10).size(), 1u);
}

TEST(EventLanes, AbsentHeadForgetsTheLaneAndDiscoveryBringsItBack) {
  Lanes lanes(10, 10);
  lanes.note_row("h", "k", 1);
  auto t = lanes.take(1);
  lanes.head_absent(t[0]);  // someone else deleted the row
  EXPECT_EQ(lanes.size(), 0u);
  EXPECT_EQ(lanes.busy(), 0u);
  lanes.note_row("h", "k", 2);
  t = lanes.take(1);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]->last_done, 0);
}

}  // namespace
}  // namespace imhub

namespace imhub {
namespace {

// Issue 17 item 9: a 2xx from a handler wakes its other lanes parked in backoff at once; the
// lanes of other handlers keep their timers.
TEST(EventLanes, ASuccessWakesTheHandlersParkedLanes) {
  Lanes lanes(100, 100);
  for (int chat = 1; chat <= 4; ++chat) lanes.note_row("h", "chat:" + std::to_string(chat), chat);
  lanes.note_row("other", "chat:9", 9);
  auto t = lanes.take(100);
  ASSERT_EQ(t.size(), 5u);
  Lanes::Lane* ok = nullptr;
  Lanes::Handler* other = nullptr;
  for (Lanes::Lane* l : t) {
    if (l->handler->url == "other") {
      other = l->handler;
      lanes.wait_until(l, 60000);
    } else if (!ok) {
      ok = l;
    } else {
      lanes.wait_until(l, 30000 + l->last_done);  // failed: parked for half a minute
    }
  }
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(lanes.waiting(), 4u);
  EXPECT_EQ(lanes.wake_handler(ok->handler), 3u);
  lanes.done(ok, ok->max_seen);
  auto woken = lanes.take(100);
  ASSERT_EQ(woken.size(), 3u);
  for (Lanes::Lane* l : woken) {
    EXPECT_EQ(l->handler->url, "h");
    EXPECT_TRUE(l->skip_backoff);
  }
  EXPECT_EQ(lanes.waiting(), 1u);  // "other" still waits for its own timer
  EXPECT_EQ(lanes.next_wake_ms(), 60000);
  EXPECT_EQ(lanes.wake_handler(other), 1u);
  EXPECT_EQ(lanes.waiting(), 0u);
  // A lane woken early and parked again waits on its new timer only.
  Lanes::Lane* again = woken.front();
  lanes.wait_until(again, 90000);
  lanes.wake(89999);
  EXPECT_EQ(lanes.take(100).size(), 1u);  // only "other", woken above
  lanes.wake(90000);
  EXPECT_EQ(lanes.take(100).size(), 1u);
}

}  // namespace
}  // namespace imhub
