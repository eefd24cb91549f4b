// The push worker's member ids by chat (push/member_ids_cache.hpp) decide whether a message is
// worth reading members for; a stale list would silence a member who just joined, so every way a
// roster changes must reach it, and an unchanged roster must cost no second read.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "core/clock.hpp"
#include "im/change_feed.hpp"
#include "im/message_actions.hpp"
#include "push/channel.hpp"
#include "push/im_push.hpp"
#include "push/im_push_format.hpp"
#include "push/watch.hpp"
#include "temp_store.hpp"

namespace imhub {
namespace {

struct Reachable : PushPublisher {
  std::set<int64_t> users;
  void publish(PushMessage) override {}
  bool may_reach_user(int64_t id) const override { return users.contains(id); }
};

int64_t new_chat(Store& s, const std::string& type, int64_t created_at, std::vector<int64_t> members,
                 std::optional<int64_t> id = std::nullopt) {
  return s.write_with([&](Conn& c) {
    if (id)
      c.exec("INSERT INTO chats (id, type, title, owner_id, author_id, created_at) VALUES ($1, $2, 't', 1, 1, $3)",
             {*id, type, created_at});
    else
      c.exec("INSERT INTO chats (type, title, owner_id, author_id, created_at) VALUES ($1, 't', 1, 1, $2)",
             {type, created_at});
    const int64_t chat = c.query_one("SELECT MAX(id) FROM chats")->i64(0);
    for (int64_t u : members)
      c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, $2, 0)", {chat, u});
    return chat;
  });
}

std::vector<int64_t> ids_of(Store& s, MemberIdsCache& cache, int64_t chat) {
  return s.read_with([&](Conn& c) {
    const auto m = cache.get(c, chat);
    std::vector<int64_t> out = m ? m->ids : std::vector<int64_t>{-1};
    std::sort(out.begin(), out.end());
    return out;
  });
}

}  // namespace

TEST(MemberIdsCache, ReadsARosterOnceAndAgainOnlyWhenItChanges) {
  TempStore t;
  MemberIdsCache cache;
  const int64_t chat = new_chat(*t.store, "C", 100, {1, 2});
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(cache.loads(), 1u);

  // A read mark or a new message does not move the roster.
  t.store->write([&](Conn& c) {
    c.exec("UPDATE chat_members SET last_read_seq = 5 WHERE chat_id = $1", {chat});
    c.exec("UPDATE chats SET last_seq = 5 WHERE id = $1", {chat});
  });
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(cache.loads(), 1u);

  t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 3, 0)", {chat}); });
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{1, 2, 3}));
  t.store->write([&](Conn& c) { c.exec("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = 1", {chat}); });
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(cache.loads(), 3u);
}

TEST(MemberIdsCache, AChatDeletedAndItsIdReusedIsReadAnew) {
  TempStore t;
  MemberIdsCache cache;
  const int64_t chat = new_chat(*t.store, "C", 100, {1, 2});
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{1, 2}));
  t.store->write([&](Conn& c) {
    c.exec("DELETE FROM chat_members WHERE chat_id = $1", {chat});
    c.exec("DELETE FROM chats WHERE id = $1", {chat});
  });
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{-1})) << "a deleted chat has no roster";
  // The same id again, and members_version brought back to what the cached entry holds.
  new_chat(*t.store, "C", 200, {7, 8}, chat);
  t.store->write([&](Conn& c) { c.exec("UPDATE chats SET members_version = 2 WHERE id = $1", {chat}); });
  EXPECT_EQ(ids_of(*t.store, cache, chat), (std::vector<int64_t>{7, 8}));
}

TEST(MemberIdsCache, NobodyToTellUntilAMemberOrAWatcherIsReachable) {
  TempStore t;
  Config config;
  Reachable hub;
  PushWatch watch;
  MemberIdsCache cache;
  const int64_t group = new_chat(*t.store, "C", 100, {1, 2});
  const int64_t open = new_chat(*t.store, "O", 100, {1, 2});
  auto tell = [&](int64_t chat) {
    return t.store->read_with([&](Conn& c) {
      const ImOut out{c, config, "key", hub, &watch, nullptr, {}, nullptr, &cache};
      return anyone_to_tell(out, chat);
    });
  };
  hub.users = {3};
  EXPECT_FALSE(tell(group));
  EXPECT_FALSE(tell(open));
  EXPECT_FALSE(tell(999)) << "no such chat";

  // User 3 joins: the cached roster of {1, 2} must not keep them from hearing it.
  t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 3, 0)", {group}); });
  EXPECT_TRUE(tell(group));

  // User 3 watches the open chat without joining it.
  watch.extend(3, public_chat_tag(open), now_unix_seconds());
  EXPECT_TRUE(tell(open));

  hub.users = {1};
  EXPECT_TRUE(tell(open));
  EXPECT_TRUE(tell(group));

  // Without a cache nothing is decided early.
  t.store->read([&](Conn& c) {
    const ImOut out{c, config, "key", hub, &watch};
    EXPECT_TRUE(anyone_to_tell(out, 999));
  });
}

}  // namespace imhub

namespace imhub {

TEST(MemberIdsCache, HeldAnswersOnlyForTheExactStamp) {
  TempStore t;
  MemberIdsCache cache;
  const int64_t chat = new_chat(*t.store, "C", 100, {1, 2});
  EXPECT_EQ(cache.held(chat, 2, 100), nullptr) << "nothing read yet";
  ids_of(*t.store, cache, chat);
  const int64_t version = t.store->read_with(
      [&](Conn& c) { return c.query_one("SELECT members_version FROM chats WHERE id = $1", {chat})->i64(0); });
  ASSERT_NE(cache.held(chat, version, 100), nullptr);
  EXPECT_EQ(cache.held(chat, version, 100)->ids.size(), 2u);
  EXPECT_EQ(cache.held(chat, version + 1, 100), nullptr);
  EXPECT_EQ(cache.held(chat, version, 101), nullptr);
}

// The push worker trusts the stamp a message carries to be its chat's roster stamp in the
// transaction that wrote it.
TEST(MemberIdsCache, AMessageCarriesTheRosterStampItWasWrittenWith) {
  TempStore t;
  ChangeFeed feed;
  std::vector<int64_t> stamps;
  feed.after_commit([&](uint64_t, const Cause&, const Changes& changes) {
    for (const Change& c : changes)
      if (const auto* added = std::get_if<MessageAdded>(&c)) stamps.push_back(added->members_version);
  });
  const int64_t chat = new_chat(*t.store, "C", 100, {1, 2});
  auto send = [&] {
    Send s;
    s.author = 1;
    s.to = DialogRef{true, chat};
    s.text = "hello";
    feed.write(*t.store, Cause{1, 0, ""}, [&](Tx& tx) { return send_message(tx, s); });
  };
  auto stored = [&] {
    return t.store->read_with(
        [&](Conn& c) { return c.query_one("SELECT members_version FROM chats WHERE id = $1", {chat})->i64(0); });
  };
  send();
  send();
  t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 3, 0)", {chat}); });
  send();
  ASSERT_EQ(stamps.size(), 3u);
  EXPECT_EQ(stamps[0], stamps[1]);
  EXPECT_EQ(stamps[2], stored());
  EXPECT_NE(stamps[2], stamps[1]) << "a join moves the stamp the next message carries";
}

}  // namespace imhub

namespace imhub {

// End to end through the worker: messages into a chat nobody can hear are dropped before they are
// queued, and the first message after a member comes online is published to them.
TEST(MemberIdsCache, TheFirstMessageAfterAMemberComesOnlineReachesThem) {
  TempStore t;
  Config config;
  struct Recording : PushPublisher {
    mutable std::mutex mu;
    mutable std::condition_variable asked_cv;
    mutable std::set<int64_t> asked;  // whom the worker or on_commit asked about
    std::vector<PushMessage> sent;
    std::set<int64_t> users;
    void publish(PushMessage m) override {
      std::lock_guard lock(mu);
      sent.push_back(std::move(m));
    }
    bool may_reach_user(int64_t id) const override {
      std::lock_guard lock(mu);
      asked.insert(id);
      asked_cv.notify_all();
      return users.contains(id);
    }
  } hub;
  ChangeFeed feed;
  ImPush push(*t.store, config, hub, "key", "");
  subscribe_im_push(feed, push);
  push.start();
  const int64_t chat = new_chat(*t.store, "C", 100, {1, 2});
  auto send = [&](const std::string& text) {
    Send s;
    s.author = 1;
    s.to = DialogRef{true, chat};
    s.text = text;
    feed.write(*t.store, Cause{1, 0, ""}, [&](Tx& tx) { return send_message(tx, s); });
  };
  send("first");  // nobody online: the worker reads the roster once and publishes nothing
  {
    // The worker has decided "first" once it has asked about both members; only then may anyone
    // come online, or "first" could reach them.
    std::unique_lock lock(hub.mu);
    ASSERT_TRUE(hub.asked_cv.wait_for(lock, std::chrono::seconds(10), [&] { return hub.asked.size() == 2; }));
  }
  send("second");  // the roster is held now: dropped before the queue
  {
    std::lock_guard lock(hub.mu);
    hub.users = {2};
  }
  send("third");
  push.stop();  // publishes what is queued
  ASSERT_EQ(hub.sent.size(), 1u);
  EXPECT_EQ(hub.sent[0].channels, (std::vector<std::string>{private_channel("key", 2)}));
  EXPECT_NE(hub.sent[0].body_json.find("third"), std::string::npos);
}

}  // namespace imhub
