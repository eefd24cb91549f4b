// Routing application events (src/apps/event_route.*): which subscriptions get an outbox row,
// whose tokens go with it, the offline queue with its latest-state rule, and nothing at all for
// an application that is not installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "app.hpp"
#include "apps/event_binding.hpp"
#include "apps/event_route.hpp"
#include "apps/lifecycle.hpp"
#include "apps/offline_queue.hpp"
#include "core/json.hpp"
#include "im/change_feed.hpp"
#include "users/portal.hpp"

namespace imhub {
namespace {

class AppEventsTest : public ::testing::Test {
 protected:
  AppEventsTest()
      : dir_(std::filesystem::temp_directory_path() / ("imhub-appevents-unit-" + std::to_string(::getpid()))),
        store_(open_store(dir_.string(), Config{})) {
    init_portal(*store_, std::string(64, 'e'));
    store_->write([&](Conn& w) {
      app_id_ = create_app(w, NewApp{"Bot", "https://bot.example.com/h", {"im", "imbot"}, ""}).app.id;
      install_app(w, app_id_, 1);
    });
  }
  ~AppEventsTest() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  void bind(const std::string& event, const std::string& handler, int64_t user = 0, bool offline = false) {
    store_->write([&](Conn& w) {
      EventBinding b;
      b.app_id = app_id_;
      b.event = event;
      b.handler = handler;
      b.user_id = user;
      b.offline = offline;
      ASSERT_TRUE(add_binding(w, b));
    });
  }
  std::vector<EventTarget> route(const AppEvent& e) {
    return store_->write_with([&](Conn& w) { return route_app_event(w, e); });
  }
  AppEvent event(const std::string& name, Value data = Value::map()) {
    AppEvent e;
    e.app_id = app_id_;
    e.event = name;
    e.data = std::move(data);
    e.user_id = 5;
    e.event_ttl = 7;
    return e;
  }
  int64_t offline_rows() {
    return store_->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM offline_events")->i64(0); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int64_t app_id_ = 0;
};

TEST_F(AppEventsTest, OnlineBindingsInOrderWithTheirTokenUser) {
  bind("ONIMBOTMESSAGEADD", "https://a.example.com/");
  bind("ONIMBOTMESSAGEADD", "https://b.example.com/", 3);
  bind("ONIMBOTJOINCHAT", "https://c.example.com/");
  auto targets = route(event("ONIMBOTMESSAGEADD"));
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].handler, "https://a.example.com/");
  EXPECT_EQ(targets[0].auth_user_id, 5) << "no auth_type: the user who caused the event";
  EXPECT_EQ(targets[1].auth_user_id, 3) << "auth_type: that user";
  EXPECT_TRUE(targets[0].send_refresh_token) << "ONIMBOTMESSAGEADD is a sendRefreshToken event";
  EXPECT_GT(targets[0].binding_id, 0);
  auto join = route(event("ONIMBOTJOINCHAT"));
  ASSERT_EQ(join.size(), 1u);
  EXPECT_FALSE(join[0].send_refresh_token);
}

TEST_F(AppEventsTest, UninstallEventsCarryNoUser) {
  bind("ONAPPUNINSTALL", "https://a.example.com/", 3);
  auto targets = route(event("ONAPPUNINSTALL"));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].auth_user_id, 0);
  EXPECT_FALSE(targets[0].send_refresh_token);
}

TEST_F(AppEventsTest, RaiseWritesOutboxRowsWithSlotsOrderAndBudget) {
  bind("ONIMCOMMANDADD", "https://a.example.com/");
  AppEvent e = event("ONIMCOMMANDADD", Value::object({{"COMMAND", Value::map()}}));
  e.order_key = "chat:12";
  e.token_slots = {TokenSlot{{"BOT", "17"}, 17}};
  e.event_ttl = 4;
  EXPECT_EQ(store_->write_with([&](Conn& w) { return raise_app_event(w, e); }), 1);
  auto row = store_->read_with([](Conn& c) {
    return *c.query_one(
        "SELECT handler, event, order_key, payload, app_id FROM event_outbox WHERE event = 'ONIMCOMMANDADD'");
  });
  EXPECT_EQ(row.str(0), "https://a.example.com/");
  EXPECT_EQ(row.str(1), "ONIMCOMMANDADD");
  EXPECT_EQ(row.str(2), "chat:12");
  EXPECT_EQ(row.i64(4), app_id_);
  Value payload = *parse_json(row.str(3));
  EXPECT_EQ(payload["event_ttl"].get_int(), 4);
  EXPECT_EQ(payload["auth_user_id"].get_int(), 5);
  EXPECT_EQ(payload["send_refresh_token"].get_bool(), true);
  EXPECT_EQ(payload["token_slots"].size(), 1u);
}

TEST_F(AppEventsTest, OfflineQueueKeepsTheLatestStatePerObject) {
  bind("ONAPPTEST", "", 0, true);
  bind("ONOFFLINEEVENT", "https://n.example.com/");
  store_->write([](Conn& w) { w.exec("UPDATE event_bindings SET min_timeout = 3600 WHERE event = 'ONOFFLINEEVENT'"); });
  auto v1 = Value::object({{"ID", Value(int64_t{1})}});
  auto v2 = Value::object({{"ID", Value(int64_t{2})}});
  EXPECT_TRUE(route(event("ONAPPTEST", v1)).empty()) << "offline bindings get no outbox row";
  route(event("ONAPPTEST", v1));
  route(event("ONAPPTEST", v2));
  EXPECT_EQ(offline_rows(), 2);
  auto notices = store_->read_with(
      [](Conn& c) { return c.query_one("SELECT COUNT(*) FROM event_outbox WHERE event = 'ONOFFLINEEVENT'")->i64(0); });
  EXPECT_EQ(notices, 1) << "minTimeout: one notice for three events";
}

TEST_F(AppEventsTest, NothingForAnApplicationThatIsNotInstalled) {
  bind("ONAPPTEST", "https://a.example.com/");
  bind("ONAPPTEST", "", 0, true);
  store_->write([&](Conn& w) {
    // The bindings would go with an uninstall; keep them to show the application state alone decides.
    w.exec("UPDATE apps SET installed = 0, active = 0 WHERE id = $1", {app_id_});
  });
  EXPECT_TRUE(route(event("ONAPPTEST")).empty());
  EXPECT_EQ(offline_rows(), 0);
  AppEvent other = event("ONAPPTEST");
  other.app_id = 999;
  EXPECT_TRUE(route(other).empty());
}

TEST_F(AppEventsTest, UninstallRemovesBindingsAndQueue) {
  bind("ONAPPTEST", "https://a.example.com/");
  bind("ONAPPTEST", "", 0, true);
  route(event("ONAPPTEST"));
  ASSERT_EQ(offline_rows(), 1);
  ChangeFeed feed;
  feed.write(*store_, Cause{}, [&](Tx& tx) { uninstall_app(tx, app_id_, true); });
  EXPECT_EQ(offline_rows(), 0);
  EXPECT_TRUE(store_->read_with([&](Conn& c) { return app_bindings(c, app_id_); }).empty());
}

}  // namespace
}  // namespace imhub
