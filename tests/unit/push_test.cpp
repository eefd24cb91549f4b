// src/push: channel ids and signatures, the subscription JWT, and the per-channel message store
// a reconnecting client catches up from.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"
#include "push/jwt.hpp"

namespace imhub {
namespace {

const std::string kKey = push_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

TEST(PushChannel, IdsAreStablePerUserAndTypeAndDistinct) {
  EXPECT_EQ(private_channel(kKey, 1), private_channel(kKey, 1));
  EXPECT_EQ(private_channel(kKey, 1).size(), 32u);
  EXPECT_NE(private_channel(kKey, 1), private_channel(kKey, 2));
  EXPECT_NE(private_channel(kKey, 1), private_channel(kKey, 1, "app.client"));
  EXPECT_NE(shared_channel(kKey), shared_channel(kKey, "app.client"));
  EXPECT_NE(private_channel(kKey, 1), private_channel(push_key("other"), 1));
}

TEST(PushChannel, SignedIdsVerifyAndForgeriesFail) {
  const std::string id = shared_channel(kKey);
  const std::string s = sign_channel(kKey, id);
  EXPECT_EQ(verify_signed(kKey, s), id);
  std::string forged = s;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify_signed(kKey, forged), "");
  EXPECT_EQ(verify_signed(kKey, id), "");
  EXPECT_EQ(verify_signed(push_key("other"), s), "");
}

TEST(PushJwt, RoundTripsAndRefusesTamperedExpiredOrForeign) {
  const int64_t now = now_unix_seconds();
  PushToken t{"example.com", 7, {"aaa", "bbb"}, "private", now, now + 100};
  const std::string jwt = make_push_jwt(kKey, t);
  auto back = verify_push_jwt(kKey, jwt, now);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user_id, 7);
  EXPECT_EQ(back->channels, (std::vector<std::string>{"aaa", "bbb"}));
  EXPECT_EQ(back->type, "private");
  EXPECT_FALSE(verify_push_jwt(kKey, jwt, now + 100));  // expired
  EXPECT_FALSE(verify_push_jwt(push_key("other"), jwt, now));
  std::string tampered = jwt;
  tampered[tampered.find('.') + 3] ^= 1;  // a claim changed, signature kept
  EXPECT_FALSE(verify_push_jwt(kKey, tampered, now));
  EXPECT_FALSE(verify_push_jwt(kKey, "", now));
  EXPECT_FALSE(verify_push_jwt(kKey, "a.b", now));
}

struct Recorder : PushSubscriber {
  std::vector<std::string> frames;
  void deliver(PushFrame f) override { frames.push_back(f->text); }
};

PushMessage msg(std::string channel, std::string command) {
  PushMessage m;
  m.channels.push_back(std::move(channel));
  m.body = Value::object({{"module_id", Value("im")}, {"command", Value(command)}, {"params", Value::empty_object()}});
  return m;
}

std::string mid_of(const std::string& frame) { return (*parse_json(frame))["params"]["mid"].get_string(); }
std::string command_of(const std::string& frame) {
  return (*parse_json(frame))["params"]["body"]["command"].get_string();
}

TEST(PushHub, DeliversOnlyToSubscribersOfTheChannel) {
  PushHub hub({});
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  hub.subscribe({"A"}, a, "");
  hub.subscribe({"B"}, b, "");
  hub.publish(msg("A", "one"));
  ASSERT_EQ(a->frames.size(), 1u);
  EXPECT_TRUE(b->frames.empty());
  const Value frame = *parse_json(a->frames[0]);
  EXPECT_EQ(frame["method"].get_string(), "incoming.message");
  EXPECT_EQ(frame["params"]["body"]["extra"]["revision_web"].get_int(), 19);
  EXPECT_EQ(frame["params"]["sender"]["type"].get_int(), 2);
  EXPECT_EQ(mid_of(a->frames[0]).size(), 26u);
}

TEST(PushHub, ReconnectWithMidGetsWhatWasMissedInOrder) {
  PushHub hub({});
  auto first = std::make_shared<Recorder>();
  hub.subscribe({"A", "S"}, first, "");
  hub.publish(msg("A", "one"));
  const std::string last = mid_of(first->frames.back());
  hub.unsubscribe({"A", "S"}, first.get());
  hub.publish(msg("A", "two"));
  hub.publish(msg("B", "not mine"));
  hub.publish(msg("S", "three"));
  auto again = std::make_shared<Recorder>();
  auto missed = hub.subscribe({"A", "S"}, again, last);
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(command_of(missed[0]->text), "two");
  EXPECT_EQ(command_of(missed[1]->text), "three");
  EXPECT_TRUE(hub.subscribe({"A"}, std::make_shared<Recorder>(), "").empty());  // a new client: nothing
  EXPECT_TRUE(hub.since({"A"}, "00000000010000000000000001").empty());          // another run's mid
  EXPECT_EQ(hub.stats().catch_up, 2u);
}

TEST(PushHub, KeepsAtMostTheConfiguredNumberPerChannel) {
  PushHub hub({86400, 3, ""});
  auto r = std::make_shared<Recorder>();
  hub.subscribe({"A"}, r, "");
  hub.publish(msg("A", "c0"));
  const std::string first = mid_of(r->frames[0]);
  for (int i = 1; i < 6; ++i) hub.publish(msg("A", "c" + std::to_string(i)));
  auto missed = hub.since({"A"}, first);
  ASSERT_EQ(missed.size(), 3u);
  EXPECT_EQ(command_of(missed[0]->text), "c3");
  EXPECT_EQ(hub.stats().stored, 3u);
}

TEST(PushHub, ExpiredMessagesAreNotCaughtUp) {
  PushHub hub({86400, 100, ""});
  auto r = std::make_shared<Recorder>();
  hub.subscribe({"A"}, r, "");
  hub.publish(msg("A", "first"));
  PushMessage gone = msg("A", "gone");
  gone.expiry = 1;  // seconds
  hub.publish(std::move(gone));
  hub.publish(msg("A", "kept"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto missed = hub.since({"A"}, mid_of(r->frames[0]));
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(command_of(missed[0]->text), "kept");
}

TEST(PushHub, LastSeenIsZeroWhileConnected) {
  PushHub hub({});
  hub.seen(5, true);
  EXPECT_EQ(hub.last_seen({5, 6}), (std::map<int64_t, int64_t>{{5, 0}}));
  hub.seen(5, false);
  EXPECT_EQ(hub.last_seen({5}).count(5), 1u);
}

TEST(PushHub, TheMidBeforeTheFirstMessageCatchesItUp) {
  PushHub hub({});
  const std::string before = hub.last_mid();  // what a long poll hands out before anything is published
  hub.publish(msg("A", "first"));
  auto missed = hub.since({"A"}, before);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(command_of(missed[0]->text), "first");
  EXPECT_EQ(missed[0]->mid, mid_of(missed[0]->text));
  EXPECT_EQ(hub.last_mid(), missed[0]->mid);
}

TEST(PushHub, StatusWatchersHearTheFirstConnectionAndTheLastClose) {
  PushHub hub({});
  auto watcher = std::make_shared<Recorder>();
  hub.watch_status(7, watcher);
  hub.watch_status(7, watcher);  // once is enough
  hub.seen(7, true);
  hub.seen(7, true);   // a second tab: no news
  hub.seen(7, false);  // one tab left: still online
  hub.seen(7, false);
  ASSERT_EQ(watcher->frames.size(), 2u);
  const Value on = *parse_json(watcher->frames[0]);
  EXPECT_EQ(on["params"]["body"]["module_id"].get_string(), "online");
  EXPECT_EQ(on["params"]["body"]["command"].get_string(), "userStatusChange");
  EXPECT_EQ(on["params"]["body"]["params"]["user_id"].get_int(), 7);
  EXPECT_TRUE(on["params"]["body"]["params"]["online"].truthy());
  EXPECT_FALSE((*parse_json(watcher->frames[1]))["params"]["body"]["params"]["online"].truthy());
  EXPECT_EQ(hub.stats().status_watchers, 1u);
  hub.unwatch_status(7, watcher.get());
  hub.seen(7, true);
  EXPECT_EQ(watcher->frames.size(), 2u);
  EXPECT_EQ(hub.stats().status_watchers, 0u);
}

// A body handed over serialized (PushMessage::body_json) makes the frame the Value would: the
// pull module's extra members are appended inside its `extra`.
TEST(PushHub, ASerializedBodyMakesTheSameFrameAsItsValue) {
  PushHub hub({86400, 100, "example.com"});
  auto r = std::make_shared<Recorder>();
  hub.subscribe({"A", "B"}, r, "");
  PushMessage as_value = msg("A", "same");
  as_value.body["extra"] = Value::object({{"is_shared_event", Value(false)}, {"text", Value("</a> & \"q\" é")}});
  PushMessage as_text;
  as_text.channels = {"B", "A", "B"};
  as_text.body_json = to_json(as_value.body);
  hub.publish(std::move(as_value));
  hub.publish(std::move(as_text));
  ASSERT_EQ(r->frames.size(), 2u) << "one frame per message for a connection on both channels";
  auto strip = [](const std::string& frame) {
    Value v = *parse_json(frame);
    v["params"]["mid"] = Value();
    v["params"]["body"]["extra"]["server_time"] = Value();
    v["params"]["body"]["extra"]["server_time_unix"] = Value();
    return to_json(v);
  };
  EXPECT_EQ(strip(r->frames[0]), strip(r->frames[1]));
  const Value extra = (*parse_json(r->frames[1]))["params"]["body"]["extra"];
  EXPECT_EQ(extra["server_name"].get_string(), "example.com");
  EXPECT_EQ(extra["revision_web"].get_int(), 19);
  EXPECT_EQ(extra.get_map().key_at(0), "is_shared_event") << "the body's own extra comes first";
}

// The WebSocket header the transport writes in front of a frame's text (RFC 6455 section 5.2).
TEST(PushHub, FramesCarryTheirWebSocketHeader) {
  for (size_t n : {size_t{0}, size_t{125}, size_t{126}, size_t{65535}, size_t{65536}, size_t{70000}}) {
    const PushFrame f = make_push_frame(std::string(n, 'x'));
    ASSERT_EQ(f->ws_header[0], 0x81) << "FIN, text";
    if (n < 126) {
      EXPECT_EQ(f->ws_header_size, 2);
      EXPECT_EQ(f->ws_header[1], n);
    } else if (n < 65536) {
      EXPECT_EQ(f->ws_header_size, 4);
      EXPECT_EQ(f->ws_header[1], 126);
      EXPECT_EQ(size_t{f->ws_header[2]} << 8 | f->ws_header[3], n);
    } else {
      EXPECT_EQ(f->ws_header_size, 10);
      EXPECT_EQ(f->ws_header[1], 127);
      uint64_t len = 0;
      for (int i = 2; i < 10; ++i) len = len << 8 | f->ws_header[i];
      EXPECT_EQ(len, n);
    }
  }
}

TEST(PushHub, APollingUserIsPresentUntilItsPollEnds) {
  PushHub hub({});
  hub.present_until(9, now_unix_seconds() + 30);
  EXPECT_EQ(hub.last_seen({9}), (std::map<int64_t, int64_t>{{9, 0}}));
  hub.present_until(9, now_unix_seconds() - 4);
  EXPECT_GE(hub.last_seen({9})[9], 4);
}

TEST(PushHub, ReachesOnlyUsersWhoSubscribedInThisRun) {
  PushHub hub({});
  EXPECT_FALSE(hub.may_reach_user(7));
  hub.subscribe({"A"}, std::make_shared<Recorder>(), "", 7);
  EXPECT_TRUE(hub.may_reach_user(7));
  EXPECT_FALSE(hub.may_reach_user(8));
  hub.subscribe({"APP"}, std::make_shared<Recorder>(), "");  // an application's connection: no user
  EXPECT_FALSE(hub.may_reach_user(0));
  EXPECT_TRUE(hub.may_reach_any({1, 7, 9}));
  EXPECT_FALSE(hub.may_reach_any({1, 8, 0}));
  EXPECT_FALSE(hub.may_reach_any({}));
}

}  // namespace
}  // namespace imhub
