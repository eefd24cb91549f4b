// push/cluster: two hubs joined by an in-memory broadcast that, like NOTIFY, hands every payload
// to every node (the sender included) in one order. What a client on one node receives, and
// what it catches up after reconnecting to the other, must be the same frames with the same mids.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "push/cluster.hpp"
#include "push/hub.hpp"

namespace imhub {
namespace {

// Like NOTIFY: every payload reaches every node, the sender included, in one order, later than
// send() (from the bus's own thread; a hub sends with its lock held, so delivery inside send()
// could come back into that hub). settle() waits until everything sent has been delivered.
struct Bus {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::function<void(std::string_view)>> nodes;
  std::vector<std::string> sent;
  std::deque<std::string> queue;
  bool delivering = false, stopping = false;
  std::thread thread{[this] { run(); }};

  ~Bus() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    cv.notify_all();
    thread.join();
  }
  void send(std::string payload) {
    {
      std::lock_guard lock(mu);
      sent.push_back(payload);
      queue.push_back(std::move(payload));
    }
    cv.notify_all();
  }
  void settle() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return queue.empty() && !delivering; });
  }
  void run() {
    std::unique_lock lock(mu);
    while (true) {
      cv.wait(lock, [this] { return stopping || !queue.empty(); });
      if (stopping) return;
      std::string payload = std::move(queue.front());
      queue.pop_front();
      delivering = true;
      auto receivers = nodes;
      lock.unlock();
      for (auto& node : receivers) node(payload);
      lock.lock();
      delivering = false;
      cv.notify_all();
    }
  }
};

class BusBroadcast final : public Broadcast {
 public:
  explicit BusBroadcast(Bus& bus) : bus_(bus) {}
  void send(std::string payload) override { bus_.send(std::move(payload)); }
  void start(std::function<void(std::string_view)> on_payload, std::function<void()>) override {
    std::lock_guard lock(bus_.mu);
    bus_.nodes.push_back(std::move(on_payload));
  }
  void stop() override {}

 private:
  Bus& bus_;
};

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

struct TwoNodes {
  Bus bus;
  PushHub a{{}}, b{{}};
  PushCluster ca{a, std::make_unique<BusBroadcast>(bus)}, cb{b, std::make_unique<BusBroadcast>(bus)};
  // Clusters stop (their heartbeat threads) before the bus and the hubs go.
  ~TwoNodes() {
    ca.stop();
    cb.stop();
    bus.settle();
  }
  void settle() { bus.settle(); }
  TwoNodes() {
    ca.start();
    cb.start();
    // The first heartbeats go out at start, from the clusters' threads: wait for both, so none
    // arrives in the middle of a test.
    for (int i = 0; i < 500; ++i) {
      size_t beats = 0;
      {
        std::lock_guard lock(bus.mu);
        for (const auto& p : bus.sent) beats += p.starts_with("H ");
      }
      if (beats >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
};

TEST(PushCluster, MessagePublishedOnOneNodeReachesSubscribersOfBothWithOneMid) {
  TwoNodes n;
  auto on_a = std::make_shared<Recorder>();
  auto on_b = std::make_shared<Recorder>();
  n.a.subscribe({"C"}, on_a, "");
  n.settle();
  n.b.subscribe({"C"}, on_b, "");
  n.settle();
  n.b.publish(msg("C", "one"));
  n.settle();
  ASSERT_EQ(on_a->frames.size(), 1u);
  ASSERT_EQ(on_b->frames.size(), 1u);
  EXPECT_EQ(on_a->frames[0], on_b->frames[0]);  // the same text, built once by the publisher
  EXPECT_EQ(command_of(on_a->frames[0]), "one");
  EXPECT_EQ(mid_of(on_a->frames[0]).size(), 26u);
  n.a.publish(msg("C", "two"));
  n.settle();
  ASSERT_EQ(on_b->frames.size(), 2u);
  EXPECT_NE(mid_of(on_b->frames[0]), mid_of(on_b->frames[1]));
  EXPECT_EQ(n.a.last_mid(), mid_of(on_b->frames[1]));
}

TEST(PushCluster, ReconnectingToTheOtherNodeCatchesUpAfterTheSameMid) {
  TwoNodes n;
  auto first = std::make_shared<Recorder>();
  n.a.subscribe({"C", "S"}, first, "", 7);
  n.settle();
  n.b.publish(msg("C", "one"));
  n.settle();
  const std::string last = mid_of(first->frames.back());
  n.a.unsubscribe({"C", "S"}, first.get());
  n.a.publish(msg("C", "two"));
  n.settle();
  n.b.publish(msg("X", "not mine"));
  n.settle();
  n.b.publish(msg("S", "three"));
  n.settle();
  for (PushHub* hub : {&n.a, &n.b}) {
    auto again = std::make_shared<Recorder>();
    auto missed = hub->subscribe({"C", "S"}, again, last, 7);
    ASSERT_EQ(missed.size(), 2u);
    EXPECT_EQ(command_of(missed[0]->text), "two");
    EXPECT_EQ(command_of(missed[1]->text), "three");
  }
  EXPECT_TRUE(n.b.since({"C"}, "12345678900000000000000001").empty());  // a mid no node chose
}

TEST(PushCluster, AUserReachedOnOneNodeMayBeReachedFromTheOther) {
  TwoNodes n;
  EXPECT_FALSE(n.b.may_reach_user(7));
  n.a.subscribe({"C"}, std::make_shared<Recorder>(), "", 7);
  n.settle();
  EXPECT_TRUE(n.b.may_reach_user(7));
  EXPECT_FALSE(n.b.may_reach_user(8));
  // Told once, not at every connection.
  n.a.subscribe({"C"}, std::make_shared<Recorder>(), "", 7);
  n.settle();
  size_t told = 0;
  {
    std::lock_guard lock(n.bus.mu);
    for (const auto& p : n.bus.sent) told += p == PushCluster::encode_reached(7);
  }
  EXPECT_EQ(told, 1u);
}

TEST(PushCluster, AStatusFrameMidResolvesOnEveryNode) {
  TwoNodes n;
  auto watcher = std::make_shared<Recorder>();
  n.a.subscribe({"C"}, watcher, "", 7);
  n.settle();
  n.a.watch_status(9, watcher);
  n.b.publish(msg("C", "before"));
  n.settle();
  n.a.seen(9, true);  // a status frame made on node A only
  n.settle();
  ASSERT_EQ(watcher->frames.size(), 2u);
  const std::string status_mid = mid_of(watcher->frames[1]);
  EXPECT_EQ(status_mid.size(), 26u);
  n.b.publish(msg("C", "after"));
  n.settle();
  for (PushHub* hub : {&n.a, &n.b}) {
    auto missed = hub->since({"C"}, status_mid);
    ASSERT_EQ(missed.size(), 1u);
    EXPECT_EQ(command_of(missed[0]->text), "after");
  }
}

std::vector<std::string> statuses(const Recorder& r) {
  std::vector<std::string> out;
  for (const auto& f : r.frames) {
    const Value v = *parse_json(f);
    if (v["params"]["body"]["command"].get_string() != "userStatusChange") continue;
    const Value& p = v["params"]["body"]["params"];
    out.push_back(std::to_string(p["user_id"].get_int()) + (p["online"].get_bool() ? " on" : " off"));
  }
  return out;
}

TEST(PushCluster, PresenceIsTheUnionOfTheNodes) {
  TwoNodes n;
  auto watcher = std::make_shared<Recorder>();
  n.a.subscribe({"C"}, watcher, "", 7);
  n.settle();
  n.a.watch_status(9, watcher);
  n.b.seen(9, true);  // user 9 connects to node B only
  n.settle();
  EXPECT_EQ(statuses(*watcher), std::vector<std::string>{"9 on"});
  EXPECT_EQ(n.a.last_seen({9}).at(9), 0);
  n.a.seen(9, true);  // and to A: still online, nothing to tell
  n.settle();
  n.b.seen(9, false);
  n.settle();
  EXPECT_EQ(statuses(*watcher), std::vector<std::string>{"9 on"});
  n.a.seen(9, false);
  n.settle();
  EXPECT_EQ(statuses(*watcher), (std::vector<std::string>{"9 on", "9 off"}));
  // A node that goes silent (killed) is forgotten with its users.
  n.b.seen(9, true);
  n.settle();
  EXPECT_EQ(statuses(*watcher).size(), 3u);
  n.a.forget_silent_nodes(now_unix_seconds() + 1);
  EXPECT_EQ(statuses(*watcher), (std::vector<std::string>{"9 on", "9 off", "9 on", "9 off"}));
  // Its next heartbeat brings them back.
  n.a.remote_snapshot(n.cb.node_token(), {9});
  EXPECT_EQ(statuses(*watcher).size(), 5u);
}

TEST(PushCluster, PayloadsRoundTrip) {
  Bus bus;
  PushHub hub{{}};
  PushCluster c{hub, std::make_unique<BusBroadcast>(bus)};
  auto r = std::make_shared<Recorder>();
  hub.subscribe({"aa", "bb"}, r, "");
  std::string big(20000, 'x');  // far past NOTIFY's limit: the broadcast's business, not the codec's
  c.receive(PushCluster::encode_message("00000000010000000000000001", {"aa", "bb"}, 4102444800, big));
  ASSERT_EQ(r->frames.size(), 1u);  // on both channels, once
  EXPECT_EQ(r->frames[0], big);
  c.receive("M garbage");
  c.receive("");
  EXPECT_EQ(r->frames.size(), 1u);
}

}  // namespace
}  // namespace imhub
