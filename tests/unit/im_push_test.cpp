// The pieces of the im realtime commands that need no server: watch tags, the grouping of equal
// bodies into one published message, the dialog id from each side, and which changes publish.
#include <gtest/gtest.h>
#include <optional>
#include <set>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "push/channel.hpp"
#include "push/im_push_commands.hpp"

using namespace imhub;

namespace {

struct NoConn : Conn {
  Rows query(std::string_view, const SqlArgs&) override { throw std::logic_error("no store here"); }
  int64_t exec(std::string_view, const SqlArgs&) override { throw std::logic_error("no store here"); }
};

struct Recorder : PushPublisher {
  std::vector<PushMessage> sent;
  std::optional<std::set<int64_t>> reachable;  // none: everybody
  void publish(PushMessage m) override { sent.push_back(std::move(m)); }
  bool may_reach_user(int64_t id) const override { return !reachable || reachable->contains(id); }
};

}  // namespace

TEST(ImPushWatch, PublicChatTagsParseOnlyExactly) {
  EXPECT_EQ(public_chat_of("IM_PUBLIC_12"), 12);
  EXPECT_EQ(public_chat_of(public_chat_tag(7)), 7);
  for (const char* bad : {"IM_PUBLIC_", "IM_PUBLIC_x1", "IM_PUBLIC_1x", "IM_PUBLIC_-3", "IM_PUBLIC_0", "IM_PUBLIC_007",
                          "IM_PUBLIC_COMMENT_5", "im_public_5", "IM_PUBLIC_99999999999999999999"})
    EXPECT_EQ(public_chat_of(bad), std::nullopt) << bad;
}

TEST(ImPushFanout, ReceiversWithEqualBodiesShareOneMessage) {
  NoConn conn;
  Config config;
  Recorder rec;
  const ImOut out{conn, config, "key", rec, nullptr};
  Fanout fan(out, 60);
  int built = 0;
  auto body = [&](int n) {
    return [&, n] {
      ++built;
      return im_body("x", Value::object({{"n", Value(n)}}));
    };
  };
  fan.add(1, "a", body(1));
  fan.add(2, "b", body(2));
  fan.add(3, "a", body(1));
  fan.flush();
  EXPECT_EQ(built, 2) << "one body per variant";
  ASSERT_EQ(rec.sent.size(), 2u);
  EXPECT_EQ(rec.sent[0].channels, (std::vector<std::string>{private_channel("key", 1), private_channel("key", 3)}));
  EXPECT_EQ(rec.sent[1].channels, (std::vector<std::string>{private_channel("key", 2)}));
  EXPECT_EQ(rec.sent[0].expiry, 60);
  EXPECT_EQ(rec.sent[0].body["module_id"].to_string(), "im");
  EXPECT_FALSE(rec.sent[0].body["extra"]["is_shared_event"].get_bool());
  EXPECT_TRUE(im_body("x", Value::empty_object(), true)["extra"]["is_shared_event"].get_bool());
}

// One serialization, filled per receiver group: the same text as serializing each group's body.
TEST(ImPushFanout, ATemplateFillsItsSlotsAsEachValueWouldBeWritten) {
  auto body = [](Value dialog, Value counter, Value notify, const std::string& text) {
    return im_body("messageChat",
                   Value::object({{"dialogId", std::move(dialog)},
                                  {"chat", Value::object({{"5", Value::object({{"counter", counter}})}})},
                                  {"message", Value::object({{"text", Value(text)}, {"counter", counter}})},
                                  {"notify", std::move(notify)}}));
  };
  // A text that looks like a slot is only text.
  const std::string text =
      "\"slot\" \x1f"
      "0123456789abcdef:1\" </b>";
  const BodyTemplate t(body(BodyTemplate::slot(0), BodyTemplate::slot(1), BodyTemplate::slot(2), text));
  EXPECT_EQ(t.fill({"\"chat5\"", "7", "true"}), to_json(body(Value("chat5"), Value(7), Value(true), text)));
  EXPECT_EQ(t.fill({"\"12\"", "0", "false"}), to_json(body(Value("12"), Value(0), Value(false), text)));
}

TEST(ImPushFanout, GroupsBuiltAsTextArePublishedAsText) {
  NoConn conn;
  Config config;
  Recorder rec;
  PrivateChannels channels("key");
  const ImOut out{conn, config, "key", rec, nullptr, &channels};
  Fanout fan(out);
  fan.add_json(1, "a", [] { return std::string(R"({"module_id":"im","extra":{"x":1}})"); });
  fan.add_json(2, "a", [] { return std::string("unused"); });
  fan.flush();
  ASSERT_EQ(rec.sent.size(), 1u);
  EXPECT_EQ(rec.sent[0].body_json, R"({"module_id":"im","extra":{"x":1}})");
  EXPECT_EQ(rec.sent[0].channels, (std::vector<std::string>{private_channel("key", 1), private_channel("key", 2)}));
  EXPECT_EQ(channels.of(2), private_channel("key", 2));
}

TEST(ImPushFormat, DialogIdIsTheOtherUserInPrivateAndChatNElsewhere) {
  Chat priv;
  priv.id = 5;
  priv.type = "P";
  EXPECT_EQ(dialog_id_for(priv, {10, 20}, 10), "20");
  EXPECT_EQ(dialog_id_for(priv, {10, 20}, 20), "10");
  Chat group = priv;
  group.type = "O";
  EXPECT_EQ(dialog_id_for(group, {10, 20}, 10), "chat5");
}

TEST(ImPushWatch, OnlyNonMemberWatchersOfOpenChats) {
  NoConn conn;
  Config config;
  Recorder rec;
  PushWatch watch;
  const int64_t now = now_unix_seconds();
  watch.extend(1, public_chat_tag(5), now);
  watch.extend(2, public_chat_tag(5), now);
  watch.extend(3, public_chat_tag(6), now);
  const ImOut out{conn, config, "key", rec, &watch};
  Chat open;
  open.id = 5;
  open.type = "O";
  EXPECT_EQ(out.watchers(open, {2, 9}), std::vector<int64_t>{1});
  Chat closed = open;
  closed.type = "C";
  EXPECT_TRUE(out.watchers(closed, {}).empty()) << "a closed chat has no watchers";
}

TEST(ImPushCommands, OnlyChangesWithCommandsAreQueued) {
  EXPECT_TRUE(has_im_commands(Change{MessageLiked{}}));
  EXPECT_TRUE(has_im_commands(Change{NotificationChanged{}}));
  EXPECT_TRUE(has_im_commands(Change{ChatMuted{}}));
  EXPECT_FALSE(has_im_commands(Change{CommandPressed{}}));
  EXPECT_FALSE(has_im_commands(Change{BotRegistered{}}));
  EXPECT_FALSE(has_im_commands(Change{FileCommitted{}}));
}

TEST(ImPushFanout, UsersNeverOnlineCostNothing) {
  NoConn conn;
  Config config;
  Recorder rec;
  rec.reachable = std::set<int64_t>{2};
  const ImOut out{conn, config, "key", rec, nullptr};
  Fanout fan(out);
  int built = 0;
  for (int64_t user : {1, 2, 3})
    fan.add(user, std::to_string(user), [&] {
      ++built;
      return im_body("x", Value::empty_object());
    });
  fan.flush();
  EXPECT_EQ(built, 1) << "no body for a user who cannot read it";
  ASSERT_EQ(rec.sent.size(), 1u);
  EXPECT_EQ(rec.sent[0].channels, (std::vector<std::string>{private_channel("key", 2)}));
  out.to_users({1, 3}, im_body("y", Value::empty_object()));
  EXPECT_EQ(rec.sent.size(), 1u) << "nothing published to nobody";
}
