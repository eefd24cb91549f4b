#include "events/delivery_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace imhub {

DeliveryRecorder::DeliveryRecorder(Store& store, std::function<void()> on_commit, int log_per_handler,
                                   size_t log_request_bytes)
    : store_(store),
      on_commit_(std::move(on_commit)),
      log_per_handler_(log_per_handler),
      log_request_bytes_(log_request_bytes) {}

DeliveryRecorder::~DeliveryRecorder() { stop(); }

void DeliveryRecorder::start() {
  thread_ = std::thread([this] { run(); });
}

void DeliveryRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryRecorder::add(Settlement s) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(s));
  }
  // The recorder sleeps only on an empty queue: waking it once per batch, not once per
  // delivery, saves a futex call per event.
  if (was_empty) cv_.notify_one();
}

void DeliveryRecorder::log(DeliveryLogEntry e, std::string sent) {
  if (log_per_handler_ <= 0) return;
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty() && log_.empty();
    log_.push_back(Attempt{std::move(e), std::move(sent)});
  }
  if (was_empty) cv_.notify_one();
}

std::vector<std::pair<std::string, int>> DeliveryRecorder::take_committed() {
  std::lock_guard lock(mu_);
  return std::exchange(committed_, {});
}

void DeliveryRecorder::run() {
  while (true) {
    std::vector<Settlement> batch;
    std::vector<Attempt> log;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty() || !log_.empty(); });
      if (queue_.empty() && log_.empty()) return;  // stopping, nothing left
      batch.swap(queue_);
      log.swap(log_);
    }
    write(batch, log_entries(std::move(log)));
    std::unordered_map<std::string, int> gone;
    for (const Settlement& s : batch)
      if (s.kind != Settlement::Kind::kRetry) ++gone[s.lane_key];
    {
      std::lock_guard lock(mu_);
      for (auto& [lane, n] : gone) committed_.emplace_back(lane, n);
    }
    if (on_commit_) on_commit_();
  }
}

std::vector<DeliveryLogEntry> DeliveryRecorder::log_entries(std::vector<Attempt> attempts) const {
  // Newest first, so the first log_per_handler of each handler are the ones kept: only those are
  // redacted (under load most of a batch is older than what the log keeps).
  std::unordered_map<std::string, int> seen;
  std::vector<DeliveryLogEntry> out;
  for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {
    if (++seen[it->entry.handler] > log_per_handler_) continue;
    keep_request(it->entry, it->sent, log_request_bytes_);
    out.push_back(std::move(it->entry));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void DeliveryRecorder::write(const std::vector<Settlement>& batch, std::vector<DeliveryLogEntry> log) {
  std::vector<std::string> logged;
  auto apply = [&](Conn& c) {
    logged = insert_delivery_log(c, log, log_per_handler_);
    for (const Settlement& s : batch) {
      switch (s.kind) {
        case Settlement::Kind::kDelivered:
        case Settlement::Kind::kDropped:
          c.exec("DELETE FROM event_outbox WHERE id = $1", {s.id});
          break;
        case Settlement::Kind::kRetry:
          c.exec(
              "UPDATE event_outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, last_attempt_at = $5 "
              "WHERE id = $1",
              {s.id, int64_t{s.attempts}, s.next_attempt_at_ms, s.last_error, s.at_ms});
          break;
        case Settlement::Kind::kFailed:
          c.exec(
              "INSERT INTO event_failed (id, app_id, handler, event, event_handler_id, payload, order_key, "
              "created_at, attempts, last_error, failed_at, delivery_id) SELECT id, app_id, handler, event, "
              "event_handler_id, payload, order_key, created_at, $2, $3, $4, $5 FROM event_outbox WHERE id = $1 "
              "ON CONFLICT (id) DO NOTHING",
              {s.id, int64_t{s.attempts}, s.last_error, s.at_ms, s.delivery_id});
          c.exec("DELETE FROM event_outbox WHERE id = $1", {s.id});
          break;
      }
    }
  };
  // A failed write leaves the rows in the outbox: they are delivered again after a restart
  // (at-least-once), never lost. A few tries ride out a busy database.
  for (int attempt = 1;; ++attempt) {
    try {
      store_.write(apply);
      trim(std::move(logged));
      return;
    } catch (const std::exception& e) {
      if (attempt >= 3) {
        spdlog::error("events: could not record {} deliveries: {}", batch.size() + log.size(), e.what());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
  }
}

void DeliveryRecorder::trim(std::vector<std::string> handlers) {
  if (handlers.empty()) return;
  const int keep = log_per_handler_;
  // A trim that fails leaves a few rows more until the next one: nothing to retry or report.
  store_.write_async([handlers = std::move(handlers), keep](Conn& c) { trim_delivery_log(c, handlers, keep); },
                     [](std::exception_ptr) {});
}

}  // namespace imhub
