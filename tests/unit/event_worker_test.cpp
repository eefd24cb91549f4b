// The delivery worker in-process, fed through the seam the applications module uses
// (enqueue_event inside a store write) and minting tokens through an EventAuthIssuer, against a
// small Beast HTTP sink on loopback: token slots and the hop budget reach the issuer, the
// delivery id is stable across a retry, a new event committed by the server is seen at once.
#include <gtest/gtest.h>

#include <unistd.h>
#include "temp_store.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/json.hpp"
#include "events/delivery_worker.hpp"
#include "events/outbox.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct SeenRequest {
  std::string body;
  std::string delivery_id;
  std::chrono::steady_clock::time_point at;
};

// Answers each request with the next status of `statuses` (then 200), one connection at a time
// (keep-alive honoured), and records what it got.
class Sink {
 public:
  explicit Sink(std::vector<int> statuses) : statuses_(std::move(statuses)), acceptor_(ioc_, {tcp::v4(), 0}) {
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    thread_ = std::thread([this] { serve(); });
  }
  ~Sink() {
    stopping_ = true;
    boost::system::error_code ec;
    {
      std::lock_guard lock(mu_);
      if (current_) current_->shutdown(tcp::socket::shutdown_both, ec);
    }
    // A blocking accept() is not woken by closing the acceptor from another thread: connect.
    asio::io_context ioc;
    tcp::socket poke(ioc);
    poke.connect({asio::ip::make_address("127.0.0.1"), acceptor_.local_endpoint().port()}, ec);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/h"; }
  std::vector<SeenRequest> wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      {
        std::lock_guard lock(mu_);
        current_ = &socket;
      }
      boost::beast::flat_buffer buffer;
      while (true) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        int status = 200;
        {
          std::lock_guard lock(mu_);
          if (seen_.size() < statuses_.size()) status = statuses_[seen_.size()];
          seen_.push_back({req.body(), std::string(req["X-Imhub-Delivery-Id"]), std::chrono::steady_clock::now()});
        }
        cv_.notify_all();
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.body() = "ok";
        res.prepare_payload();
        http::write(socket, res, ec);
        if (ec) break;
      }
      std::lock_guard lock(mu_);
      current_ = nullptr;
    }
  }

  std::vector<int> statuses_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  tcp::socket* current_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SeenRequest> seen_;
};

class RecordingIssuer : public EventAuthIssuer {
 public:
  Value token_map(int64_t app_id, int64_t user_id, bool with_refresh) override {
    return Value::object({{"access_token", Value("tok-" + std::to_string(user_id))}, {"user_id", Value(user_id)}});
  }
  Value event_token_map(int64_t app_id, int64_t user_id, bool with_refresh, int event_ttl) override {
    std::lock_guard lock(mu);
    calls.push_back({user_id, event_ttl});
    return token_map(app_id, user_id, with_refresh);
  }
  std::string application_token(int64_t) override { return "app-token"; }
  std::mutex mu;
  std::vector<std::pair<int64_t, int>> calls;  // (user, ttl)
};

DeliveryOptions fast_options() {
  DeliveryOptions o;
  o.retry_base_seconds = 0.05;
  o.retry_max_seconds = 0.1;
  o.timeout_ms = 2000;
  o.delivery_id_header = true;
  o.allow_private = true;  // the sinks are on loopback (events/handler_policy.hpp)
  return o;
}

std::map<std::string, std::string> form_pairs(const std::string& body) {
  std::map<std::string, std::string> out;
  for (const std::string& kv : [&] {
         std::vector<std::string> parts;
         size_t start = 0;
         while (start <= body.size()) {
           size_t amp = body.find('&', start);
           if (amp == std::string::npos) amp = body.size();
           parts.push_back(body.substr(start, amp - start));
           start = amp + 1;
         }
         return parts;
       }()) {
    auto eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  return out;
}

TEST(EventWorker, EnqueuedEventsReachTheHandlerWithMintedTokensAndAStableDeliveryId) {
  TempStore t;
  Sink sink({500});  // the first attempt fails
  RecordingIssuer issuer;
  DeliveryWorker worker(*t.store, fast_options(), &issuer, portal_identity("http://im.test", "m1"),
                        std::string(64, 'k'));
  worker.start();

  OutboxEvent e;
  e.app_id = 3;
  e.handler = sink.url();
  e.event = "ONIMBOTMESSAGEADD";
  e.event_handler_id = 11;
  e.data = Value::map();
  e.data["BOT"]["39"]["BOT_CODE"] = "echo";
  e.data["PARAMS"]["MESSAGE"] = "hello world";
  e.auth_user_id = 5;
  e.send_refresh_token = true;
  e.token_slots = {TokenSlot{{"BOT", "39"}, 39}};
  e.order_key = "chat:1";
  e.event_ttl = 6;
  const auto t0 = std::chrono::steady_clock::now();
  t.store->write([&](Conn& c) { enqueue_event(c, e); });

  auto seen = sink.wait_for(2);
  ASSERT_EQ(seen.size(), 2u);
  // Committed through the store: the epoch moves and the worker looks at once, not after its
  // one-second table poll.
  EXPECT_LT(seen[0].at - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(seen[0].delivery_id.size(), 32u);
  EXPECT_EQ(seen[1].delivery_id, seen[0].delivery_id);  // the retry carries the same id
  auto form = form_pairs(seen[1].body);
  EXPECT_EQ(form["event"], "ONIMBOTMESSAGEADD");
  EXPECT_EQ(form["event_handler_id"], "11");
  EXPECT_EQ(form["data%5BBOT%5D%5B39%5D%5Baccess_token%5D"], "tok-39");
  EXPECT_EQ(form["data%5BBOT%5D%5B39%5D%5BAUTH%5D%5Baccess_token%5D"], "tok-39");
  EXPECT_EQ(form["data%5BBOT%5D%5B39%5D%5BBOT_CODE%5D"], "echo");
  EXPECT_EQ(form["data%5BPARAMS%5D%5BMESSAGE%5D"], "hello+world");
  EXPECT_EQ(form["auth%5Baccess_token%5D"], "tok-5");
  {
    std::lock_guard lock(issuer.mu);
    ASSERT_FALSE(issuer.calls.empty());
    for (auto& [user, ttl] : issuer.calls) EXPECT_EQ(ttl, 6);  // the hop budget travels into every token
  }

  // A second event: another delivery id; and the outbox ends empty.
  e.data["PARAMS"]["MESSAGE"] = "second";
  t.store->write([&](Conn& c) { enqueue_event(c, e); });
  seen = sink.wait_for(3);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_NE(seen[2].delivery_id, seen[0].delivery_id);
  for (int i = 0; i < 100; ++i) {
    if (t.store->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM event_outbox")->i64(0); }) == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(t.store->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM event_outbox")->i64(0); }), 0);
  worker.stop();
  auto stats = worker.stats();
  EXPECT_EQ(stats->outcomes[static_cast<size_t>(DeliveryOutcome::kDelivered)].load(), 2u);
  EXPECT_EQ(stats->outcomes[static_cast<size_t>(DeliveryOutcome::kHttpError)].load(), 1u);
}

TEST(EventWorker, OutboxIdsAreNeverReused) {
  // The worker's discovery cursor relies on it (migration 12: AUTOINCREMENT).
  TempStore t;
  OutboxEvent e;
  e.handler = "http://127.0.0.1:9/";
  e.event = "ONAPPTEST";
  e.event_ttl = 7;
  t.store->write([&](Conn& c) { enqueue_event(c, e); });
  const int64_t first =
      t.store->read_with([](Conn& c) { return c.query_one("SELECT MAX(id) FROM event_outbox")->i64(0); });
  t.store->write([&](Conn& c) { c.exec("DELETE FROM event_outbox"); });
  t.store->write([&](Conn& c) { enqueue_event(c, e); });
  const int64_t second =
      t.store->read_with([](Conn& c) { return c.query_one("SELECT MAX(id) FROM event_outbox")->i64(0); });
  EXPECT_GT(second, first);
}

}  // namespace
}  // namespace imhub
