#include "store/postgres/pg_broadcast.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "store/postgres/pg_conn.hpp"

namespace imhub {
namespace {

constexpr int kListenWaitMs = 250;
constexpr int kSendAttempts = 3;
constexpr auto kRetryPause = std::chrono::milliseconds(200);
constexpr size_t kMaxBatch = 512;
constexpr int64_t kSpillSweepEvery = 10;  // seconds between two removals of old spill rows

// Every notification says how to read it: '=' then the payload itself, or '@' then the id of the
// spill row that holds it. (So a payload may begin with any character.)
constexpr char kInline = '=';
constexpr char kSpilled = '@';

class PgBroadcast final : public Broadcast {
 public:
  PgBroadcast(std::string url, std::string topic) : url_(std::move(url)), topic_(std::move(topic)) {}
  ~PgBroadcast() override { stop(); }

  void send(std::string payload) override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      queue_.push_back(std::move(payload));
    }
    cv_.notify_one();
  }

  void start(std::function<void(std::string_view)> on_payload, std::function<void()> on_gap) override {
    on_payload_ = std::move(on_payload);
    on_gap_ = std::move(on_gap);
    // Both connections are made here, so a store that cannot be reached fails the start.
    auto listener = open_listener();
    auto sender = std::make_unique<PgConn>(url_);
    sender->run("SET synchronous_commit = off");
    listen_thread_ =
        std::thread([this, c = std::shared_ptr<PgConn>(std::move(listener))]() mutable { listen_loop(c); });
    send_thread_ = std::thread([this, c = std::shared_ptr<PgConn>(std::move(sender))]() mutable { send_loop(c); });
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (send_thread_.joinable()) send_thread_.join();
    if (listen_thread_.joinable()) listen_thread_.join();
  }

 private:
  std::unique_ptr<PgConn> open_listener() {
    auto c = std::make_unique<PgConn>(url_);
    c->run("LISTEN " + topic_);
    return c;
  }

  bool stopping() {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  void send_loop(std::shared_ptr<PgConn> conn) {
    while (true) {
      std::vector<std::string> batch;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      for (int attempt = 1;; ++attempt) {
        try {
          if (!conn->healthy()) {
            auto fresh = std::make_unique<PgConn>(url_);
            fresh->run("SET synchronous_commit = off");
            conn = std::move(fresh);
          }
          send_batch(*conn, batch);
          break;
        } catch (const std::exception& e) {
          try {
            if (conn->healthy()) conn->run("ROLLBACK");
          } catch (...) {
          }
          if (attempt >= kSendAttempts || stopping()) {
            spdlog::warn("broadcast {}: {} payloads dropped: {}", topic_, batch.size(), e.what());
            break;
          }
          std::this_thread::sleep_for(kRetryPause);
        }
      }
    }
  }

  // One transaction: its notifications are delivered together, in this order, after COMMIT.
  void send_batch(PgConn& conn, const std::vector<std::string>& batch) {
    conn.run("BEGIN");
    const int64_t now = now_unix_seconds();
    bool spilled = false;
    for (const std::string& payload : batch) {
      std::string note;
      if (payload.size() + 1 <= kNotifyPayloadMax) {
        note.reserve(payload.size() + 1);
        note.push_back(kInline);
        note.append(payload);
      } else {
        Rows id = conn.query("INSERT INTO imhub_broadcast_spill (payload, created) VALUES ($1, $2) RETURNING id",
                             {payload, now});
        note = std::string(1, kSpilled) + id.at(0).str(0);
        spilled = true;
      }
      conn.query("SELECT pg_notify($1, $2)", {topic_, note});
    }
    if (spilled && now - last_sweep_ >= kSpillSweepEvery) {
      conn.exec("DELETE FROM imhub_broadcast_spill WHERE created < $1", {now - kSpillKeepSeconds});
      last_sweep_ = now;
    }
    conn.run("COMMIT");
  }

  void listen_loop(std::shared_ptr<PgConn> conn) {
    while (!stopping()) {
      if (!conn->healthy()) {
        try {
          conn = open_listener();
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(kListenWaitMs));
          continue;
        }
        spdlog::warn("broadcast {}: the listening connection was replaced; payloads may have been missed", topic_);
        if (on_gap_) on_gap_();
      }
      for (std::string& note : conn->take_notifications(kListenWaitMs)) deliver(*conn, note);
    }
  }

  void deliver(PgConn& conn, std::string_view note) {
    if (note.empty()) return;
    if (note.front() == kInline) {
      on_payload_(note.substr(1));
      return;
    }
    if (note.front() != kSpilled) return;  // not ours
    const std::string id(note.substr(1));
    try {
      auto row = conn.query_one("SELECT payload FROM imhub_broadcast_spill WHERE id = $1", {id});
      if (!row) {
        spdlog::warn("broadcast {}: spilled payload {} is gone (this node lagged more than {} s)", topic_, id,
                     kSpillKeepSeconds);
        return;
      }
      on_payload_(row->str(0));
    } catch (const std::exception& e) {
      spdlog::warn("broadcast {}: cannot read spilled payload {}: {}", topic_, id, e.what());
    }
  }

  const std::string url_, topic_;
  std::function<void(std::string_view)> on_payload_;
  std::function<void()> on_gap_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  int64_t last_sweep_ = 0;
  std::thread send_thread_, listen_thread_;
};

}  // namespace

std::unique_ptr<Broadcast> open_pg_broadcast(const std::string& url, const std::string& topic) {
  return std::make_unique<PgBroadcast>(url, topic);
}

}  // namespace imhub
