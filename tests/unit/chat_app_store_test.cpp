// Chat apps, commands and placements in the store (src/bots/chat_app.cpp, command.cpp,
// placement.cpp): what goes with a bot (imbot.unregister) and with an application (uninstall), and
// the single ONIMCOMMANDADD binding per application.
#include <gtest/gtest.h>

#include <filesystem>

#include "app.hpp"
#include "apps/application.hpp"
#include "apps/event_binding.hpp"
#include "bots/chat_app.hpp"
#include "bots/command.hpp"
#include "bots/placement.hpp"
#include "users/portal.hpp"

namespace imhub {
namespace {

class BotSurfaceStoreTest : public ::testing::Test {
 protected:
  BotSurfaceStoreTest()
      : dir_(std::filesystem::temp_directory_path() / ("imhub-botsurface-unit-" + std::to_string(::getpid()))),
        store_(open_store(dir_.string(), Config{})) {
    init_portal(*store_, std::string(64, 'b'));
    store_->write([&](Conn& w) {
      app_id_ = create_app(w, NewApp{"Bot", "https://bot.example.com/h", {"im", "imbot", "placement"}, ""}).app.id;
    });
  }
  ~BotSurfaceStoreTest() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  int64_t count(const std::string& table) {
    return store_->read_with([&](Conn& c) { return c.query_one("SELECT COUNT(*) FROM " + table)->i64(0); });
  }
  void add_surface(int64_t bot_id, const std::string& owner) {
    ChangeFeed().write(*store_, Cause{}, [&](Tx& tx) {
      ChatApp app;
      app.owner = owner;
      app.bot_id = bot_id;
      app.code = "frame";
      app.iframe = "https://x.example/";
      insert_chat_app(tx, app);
      Command cmd;
      cmd.bot_id = bot_id;
      cmd.command = "echo";
      cmd.handler = "https://x.example/c";
      cmd.owner = owner;
      insert_command(tx, cmd);
    });
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int64_t app_id_ = 0;
};

TEST_F(BotSurfaceStoreTest, ABotTakesItsAppsAndCommandsAlong) {
  add_surface(100, "app:1");
  add_surface(200, "app:1");
  store_->write([&](Conn& w) { remove_bot_surface(w, 100); });
  EXPECT_EQ(count("chat_apps"), 1);
  EXPECT_EQ(count("bot_commands"), 1);
}

TEST_F(BotSurfaceStoreTest, AnApplicationTakesEverythingAlong) {
  const std::string owner = "app:" + std::to_string(app_id_);
  add_surface(100, owner);
  add_surface(300, "customwh");
  store_->write([&](Conn& w) {
    PlacementBinding b;
    b.app_id = app_id_;
    b.placement = "IM_SIDEBAR";
    b.handler = "https://x.example/s";
    ASSERT_TRUE(insert_placement(w, b));
    ASSERT_FALSE(insert_placement(w, b)) << "the same handler twice";
    remove_app_bot_surface(w, app_id_);
  });
  EXPECT_EQ(count("chat_apps"), 1);
  EXPECT_EQ(count("bot_commands"), 1);
  EXPECT_EQ(count("app_placements"), 0);
}

TEST_F(BotSurfaceStoreTest, OneCommandHandlerPerApplication) {
  const std::string owner = "app:" + std::to_string(app_id_);
  add_surface(100, owner);
  store_->write([&](Conn& w) {
    set_command_handler(w, owner, app_id_, "https://x.example/one");
    set_command_handler(w, owner, app_id_, "https://x.example/two");
  });
  store_->read([&](Conn& c) {
    auto bindings = event_bindings(c, app_id_, "ONIMCOMMANDADD");
    ASSERT_EQ(bindings.size(), 1u);
    EXPECT_EQ(bindings[0].handler, "https://x.example/two");
    EXPECT_EQ(commands_of_owner(c, owner).front().handler, "https://x.example/two");
  });
}

}  // namespace
}  // namespace imhub
