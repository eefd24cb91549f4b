// Webhook bots are bound to the user whose webhook registered them (issue 17): the owner key,
// what is read back from it, and migration 18, which binds the bots of older stores.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "bots/bot.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

TEST(BotOwner, WebhookKeyNamesUserAndClientId) {
  Bot b;
  b.owner = bot_owner_for_client(7, "my:secret");
  EXPECT_EQ(b.owner, "user:7:custommy:secret");
  EXPECT_EQ(b.owner_user_id(), 7);
  EXPECT_EQ(b.client_id(), "my:secret");
  EXPECT_EQ(b.platform_app_id(), "custommy:secret");
  // Two users with the same CLIENT_ID are two owners.
  EXPECT_NE(bot_owner_for_client(7, "x"), bot_owner_for_client(8, "x"));
}

TEST(BotOwner, ApplicationBotsHaveNoClientId) {
  Bot b;
  b.app_id = 3;
  b.owner = bot_owner_for_app(3);
  EXPECT_EQ(b.client_id(), "");
  EXPECT_EQ(b.platform_app_id(), "");
  EXPECT_EQ(b.owner_user_id(), 0);
}

struct Dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("imhub-unit-owner-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<Store> open_at(const Dir& d, int migrate_to) {
  SqliteOptions o;
  o.path = (d.path / "t.db").string();
  o.synchronous_full = false;
  o.migrate_to = migrate_to;
  return open_sqlite_store(o);
}

// A store at version 16 with one webhook bot (with a command and a chat app) and one
// application bot; `webhooks` are (user id, scopes) rows.
void seed_v16(Store& s, const std::vector<std::pair<int64_t, std::string>>& webhooks) {
  s.write([&](Conn& c) {
    c.exec("INSERT INTO users (id, name, is_admin, date_register, timestamp_x) VALUES (1, 'Admin', 1, 1, 1)");
    c.exec("INSERT INTO users (id, name, date_register, timestamp_x) VALUES (2, 'Ann', 1, 1)");
    c.exec("INSERT INTO users (id, name, date_register, timestamp_x) VALUES (3, 'Bob', 1, 1)");
    for (const auto& [user, scopes] : webhooks)
      c.exec("INSERT INTO webhooks (user_id, secret_hash, scopes, created_at) VALUES ($1, 'h', $2, 1)", {user, scopes});
    c.exec("INSERT INTO bots (id, code, app_id, owner, created_at) VALUES (10, 'wh', 0, 'customabc', 1)");
    c.exec("INSERT INTO bots (id, code, app_id, owner, created_at) VALUES (11, 'ap', 4, 'app:4', 1)");
    c.exec(
        "INSERT INTO bot_commands (bot_id, command, handler, owner, created_at) VALUES (10, 'help', 'http://h/', "
        "'customabc', 1)");
    c.exec("INSERT INTO chat_apps (owner, bot_id, code, created_at) VALUES ('customabc', 10, 'calc', 1)");
  });
}

std::vector<std::string> owners(Store& s) {
  return s.read_with([](Conn& c) {
    return std::vector<std::string>{c.query_one("SELECT owner FROM bots WHERE id = 10")->str(0),
                                    c.query_one("SELECT owner FROM bots WHERE id = 11")->str(0),
                                    c.query_one("SELECT owner FROM bot_commands WHERE bot_id = 10")->str(0),
                                    c.query_one("SELECT owner FROM chat_apps WHERE bot_id = 10")->str(0)};
  });
}

TEST(BotOwnerMigration, BindsToTheOnlyUserWithImbotWebhooks) {
  Dir d;
  {
    auto s = open_at(d, 16);
    seed_v16(*s, {{1, "im,user"}, {2, "im,imbot"}, {2, "imbot"}, {3, "imbotx"}});
    s->close();
  }
  auto s = open_at(d, 0);
  EXPECT_EQ(owners(*s),
            (std::vector<std::string>{"user:2:customabc", "app:4", "user:2:customabc", "user:2:customabc"}));
  s->close();
}

TEST(BotOwnerMigration, AmbiguousOrUnknownGoesToTheFirstAdministrator) {
  Dir d;
  {
    auto s = open_at(d, 16);
    seed_v16(*s, {{2, "imbot"}, {3, "im,imbot"}});
    s->close();
  }
  auto s = open_at(d, 0);
  EXPECT_EQ(owners(*s)[0], "user:1:customabc");
  EXPECT_EQ(owners(*s)[2], "user:1:customabc");
  s->close();
}

}  // namespace
}  // namespace imhub
