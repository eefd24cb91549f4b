#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/base64.hpp"
#include "im/change_feed.hpp"
#include "im/chat_avatar.hpp"
#include "im/chat_change.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

std::string name_of(int64_t id) { return id == 1 ? "Ann Lee" : id == 2 ? "Bob" : "User " + std::to_string(id); }

std::string png(uint32_t w, uint32_t h) {
  std::string b("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (uint32_t v : {w, h})
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xFF);
  b += std::string("\x08\x06\0\0\0", 5);
  return b;
}

std::string gif(uint16_t w, uint16_t h) {
  std::string b = "GIF89a";
  b += static_cast<char>(w & 0xFF);
  b += static_cast<char>(w >> 8);
  b += static_cast<char>(h & 0xFF);
  b += static_cast<char>(h >> 8);
  b += std::string("\0\0\0", 3);
  return b;
}

// SOI, an APP0 segment to skip, then SOF0 with height 48 and width 64.
std::string jpeg() {
  std::string b("\xFF\xD8", 2);
  b += std::string("\xFF\xE0\x00\x06JF\x00\x01", 8);
  b += std::string("\xFF\xC0\x00\x0B\x08\x00\x30\x00\x40\x01\x01\x11\x00", 13);
  return b;
}

TEST(ChatChangeTexts, MentionsAndMessages) {
  EXPECT_EQ(user_mention(503, "Klaus Weber"), "[USER=503 REPLACE]Klaus Weber[/USER]");
  EXPECT_EQ(join_text(1, {2}, name_of),
            "[USER=1 REPLACE]Ann Lee[/USER] invited [USER=2 REPLACE]Bob[/USER] to the chat");
  EXPECT_EQ(join_text(1, {2, 3}, name_of),
            "[USER=1 REPLACE]Ann Lee[/USER] invited [USER=2 REPLACE]Bob[/USER], [USER=3 REPLACE]User 3[/USER] to the "
            "chat");
  EXPECT_EQ(join_text(2, {2}, name_of), "[USER=2 REPLACE]Bob[/USER] joined the chat");
  EXPECT_EQ(leave_text(2, name_of), "[USER=2 REPLACE]Bob[/USER] left the chat");
  EXPECT_EQ(kick_text(1, 2, name_of),
            "[USER=1 REPLACE]Ann Lee[/USER] removed [USER=2 REPLACE]Bob[/USER] from the chat");
  EXPECT_EQ(rename_text(1, "The big chat", name_of),
            "[USER=1 REPLACE]Ann Lee[/USER] changed chat topic to \"The big chat\"");
  EXPECT_EQ(color_text(1, "MINT", name_of), "[USER=1 REPLACE]Ann Lee[/USER] changed the chat color to \"Mint\"");
  EXPECT_EQ(avatar_text(2, name_of), "[USER=2 REPLACE]Bob[/USER] changed the chat avatar");
  EXPECT_EQ(owner_text(1, 2, name_of),
            "[USER=1 REPLACE]Ann Lee[/USER] appointed [USER=2 REPLACE]Bob[/USER] as the chat owner");
}

TEST(ChatChangeTexts, ColorNamesAndParams) {
  EXPECT_EQ(color_display_name("LIGHT_BLUE"), "Light blue");
  EXPECT_EQ(color_display_name("GRAPHITE"), "Graphite");
  EXPECT_EQ(system_params("CHAT_JOIN"), R"({"CODE":["CHAT_JOIN"],"NOTIFY":"N"})");
}

TEST(ChatAvatar, SniffsImageTypeAndSize) {
  auto p = sniff_avatar(png(640, 480));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ext, "png");
  EXPECT_EQ(p->width, 640);
  EXPECT_EQ(p->height, 480);
  auto g = sniff_avatar(gif(300, 2));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->ext, "gif");
  EXPECT_EQ(g->width, 300);
  EXPECT_EQ(g->height, 2);
  auto j = sniff_avatar(jpeg());
  ASSERT_TRUE(j);
  EXPECT_EQ(j->ext, "jpg");
  EXPECT_EQ(j->width, 64);
  EXPECT_EQ(j->height, 48);
  EXPECT_FALSE(sniff_avatar("hello world, not an image"));
  EXPECT_FALSE(sniff_avatar(png(1, 1).substr(0, 20)));
  EXPECT_FALSE(sniff_avatar(std::string("\xFF\xD8\xFF\xDA", 4)));
  EXPECT_FALSE(sniff_avatar(""));
}

TEST(ChatAvatar, ParsesBase64FormsAndLimitsSize) {
  const std::string b64 = base64_encode(png(10, 10));
  EXPECT_TRUE(parse_avatar(Value(b64)));
  EXPECT_TRUE(parse_avatar(Value("data:image/png;base64," + b64)));
  Value pair = Value::list();
  pair.push_back("a.png");
  pair.push_back(b64);
  EXPECT_TRUE(parse_avatar(pair));
  EXPECT_FALSE(parse_avatar(Value()));
  EXPECT_FALSE(parse_avatar(Value("!!!")));
  EXPECT_FALSE(parse_avatar(Value(base64_encode("plain text"))));
  EXPECT_FALSE(parse_avatar(Value(base64_encode(png(5001, 10)))));
  EXPECT_FALSE(parse_avatar(Value(base64_encode(png(0, 10)))));
  EXPECT_TRUE(parse_avatar(Value(base64_encode(png(5000, 5000)))));
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("imhub-chat-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(ChatAvatar, StoresUnderContentNameAndReturnsUrl) {
  TempDir d;
  auto image = parse_avatar(Value(base64_encode(gif(4, 4))));
  ASSERT_TRUE(image);
  const std::string name = avatar_file_name(7, *image);
  EXPECT_EQ(name.rfind("chat7-", 0), 0u);
  EXPECT_EQ(name.size(), std::string("chat7-12345678.gif").size());
  const std::string url = store_avatar(d.path.string(), "http://h:1", 7, *image);
  EXPECT_EQ(url, "http://h:1/avatar/" + name);
  std::ifstream in(d.path / "avatars" / name, std::ios::binary);
  std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(stored, image->bytes);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(d.path / "avatars")) ++files;
  EXPECT_EQ(files, 1u);  // no temporary file left behind
}

// The domain operations against a real store.
class ChatChangeStore : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.path = (dir.path / "t.db").string();
    store = open_sqlite_store(o);
  }
  ChangeFeed feed;  // no subscribers: the domain rules alone
  int64_t make_chat(const std::string& type, std::vector<int64_t> members) {
    return feed.write(*store, Cause{}, [&](Tx& tx) {
      Chat chat;
      chat.type = type;
      chat.title = "T";
      chat.color = "MINT";
      chat.owner_id = members.front();
      chat.author_id = members.front();
      return insert_chat(tx, chat, members);
    });
  }
  template <class F>
  ChangeStatus write(F f) {
    return feed.write(*store, Cause{}, [&](Tx& tx) { return f(tx); });
  }
  int64_t scalar(const std::string& sql, const SqlArgs& args) {
    return store->read_with([&](Conn& c) { return c.query_one(sql, args)->i64(0); });
  }
  int64_t unread(int64_t chat, int64_t user) {
    return scalar(
        "SELECT c.last_seq - m.last_read_seq FROM chats c JOIN chat_members m ON m.chat_id = c.id "
        "WHERE c.id = $1 AND m.user_id = $2",
        {chat, user});
  }
  TempDir dir;
  std::unique_ptr<Store> store;
  NameOf names = name_of;
};

TEST_F(ChatChangeStore, AddMembersWritesJoinMessageAndHidesHistoryOnRequest) {
  const int64_t chat = make_chat("C", {1, 2});
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, chat, 1, {3}, false, names); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT first_visible_id FROM chat_members WHERE chat_id = $1 AND user_id = 3", {chat}), 0);
  const int64_t last = scalar("SELECT last_message_id FROM chats WHERE id = $1", {chat});
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, chat, 2, {4}, true, names); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT first_visible_id FROM chat_members WHERE chat_id = $1 AND user_id = 4", {chat}), last + 1);
  // The join message is the only unread message of the newcomer; the actor has read it.
  EXPECT_EQ(unread(chat, 4), 1);
  EXPECT_EQ(unread(chat, 2), 0);
  EXPECT_EQ(unread(chat, 1), 1);  // read up to its own join message, not the second one
  auto row = store->read_with([&](Conn& c) {
    return *c.query_one("SELECT author_id, system, params, text FROM messages WHERE chat_id = $1 ORDER BY id DESC",
                        {chat});
  });
  EXPECT_EQ(row.i64(0), 0);
  EXPECT_EQ(row.i64(1), 1);
  EXPECT_EQ(row.str(2), R"({"CODE":["CHAT_JOIN"],"NOTIFY":"N"})");
  EXPECT_EQ(row.str(3), "[USER=2 REPLACE]Bob[/USER] invited [USER=4 REPLACE]User 4[/USER] to the chat");
  EXPECT_EQ(write([&](Tx& tx) {
              return add_chat_members(tx, chat, 1, {2, 3}, false, names);
            }),
            ChangeStatus::kAlreadyMember);
}

TEST_F(ChatChangeStore, OutsidersJoinOnlyOpenChatsAndOnlyThemselves) {
  const int64_t closed = make_chat("C", {1, 2});
  const int64_t open = make_chat("O", {1, 2});
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, closed, 5, {5}, false, names); }), ChangeStatus::kNoChat);
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, open, 5, {6}, false, names); }), ChangeStatus::kNotMember);
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, open, 5, {5}, false, names); }), ChangeStatus::kOk);
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, 999, 1, {5}, false, names); }), ChangeStatus::kNoChat);
  const int64_t priv = make_chat("P", {1, 2});
  EXPECT_EQ(write([&](Tx& tx) { return add_chat_members(tx, priv, 1, {3}, false, names); }),
            ChangeStatus::kPrivateChat);
}

TEST_F(ChatChangeStore, RemovingMembersFollowsTheOwnerRule) {
  const int64_t chat = make_chat("C", {1, 2, 3});
  EXPECT_EQ(write([&](Tx& tx) { return remove_chat_member(tx, chat, 2, 3, names); }), ChangeStatus::kForbidden);
  EXPECT_EQ(write([&](Tx& tx) { return remove_chat_member(tx, chat, 1, 9, names); }), ChangeStatus::kNotInChat);
  EXPECT_EQ(write([&](Tx& tx) { return remove_chat_member(tx, chat, 1, 3, names); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM chat_members WHERE chat_id = $1 AND user_id = 3", {chat}), 0);
  // The owner leaves: the earliest remaining member owns the chat.
  EXPECT_EQ(write([&](Tx& tx) { return remove_chat_member(tx, chat, 1, 1, names); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT owner_id FROM chats WHERE id = $1", {chat}), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE chat_id = $1 AND params LIKE '%CHAT_LEAVE%'", {chat}), 2);
  EXPECT_EQ(write([&](Tx& tx) { return remove_chat_member(tx, chat, 1, 1, names); }), ChangeStatus::kNoChat);
}

TEST_F(ChatChangeStore, LookOwnerAndMute) {
  const int64_t chat = make_chat("C", {1, 2});
  EXPECT_EQ(write([&](Tx& tx) { return rename_chat(tx, chat, 2, "New", names); }), ChangeStatus::kOk);
  EXPECT_EQ(write([&](Tx& tx) { return rename_chat(tx, chat, 2, "New", names); }), ChangeStatus::kUnchanged);
  EXPECT_EQ(write([&](Tx& tx) { return recolor_chat(tx, chat, 2, "MINT", names); }), ChangeStatus::kUnchanged);
  EXPECT_EQ(write([&](Tx& tx) { return recolor_chat(tx, chat, 2, "RED", names); }), ChangeStatus::kOk);
  EXPECT_EQ(write([&](Tx& tx) { return set_chat_avatar(tx, chat, 2, "http://x/a.png", names); }), ChangeStatus::kOk);
  EXPECT_EQ(write([&](Tx& tx) { return set_chat_owner(tx, chat, 2, 2, names); }), ChangeStatus::kForbidden);
  EXPECT_EQ(write([&](Tx& tx) { return set_chat_owner(tx, chat, 1, 7, names); }), ChangeStatus::kNotInChat);
  EXPECT_EQ(write([&](Tx& tx) { return set_chat_owner(tx, chat, 1, 2, names); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT owner_id FROM chats WHERE id = $1", {chat}), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE chat_id = $1 AND author_id = 0 AND system = 1", {chat}), 4);
  EXPECT_EQ(write([&](Tx& tx) { return rename_chat(tx, chat, 7, "X", names); }), ChangeStatus::kNoChat);
  EXPECT_EQ(write([&](Tx& tx) { return mute_chat(tx, chat, 2, true); }), ChangeStatus::kOk);
  EXPECT_EQ(scalar("SELECT muted FROM chat_members WHERE chat_id = $1 AND user_id = 2", {chat}), 1);
  EXPECT_EQ(write([&](Tx& tx) { return mute_chat(tx, chat, 7, true); }), ChangeStatus::kNoChat);
}

}  // namespace
}  // namespace imhub
