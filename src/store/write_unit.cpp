#include "store/write_unit.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "core/fiber.hpp"

namespace imhub {

void write_and_wait(const std::function<void(Conn&)>& fn, const std::function<void(WriteUnit*)>& enqueue,
                    bool repeatable) {
  std::exception_ptr error;
  WriteUnit unit;
  unit.fn = &fn;
  unit.repeatable = repeatable;
  fiber_wait([&](std::function<void()> resume) {
    unit.done = [&error, resume = std::move(resume)](std::exception_ptr e) mutable {
      error = e;
      auto wake = std::move(resume);  // the unit (and this lambda) may vanish once woken
      wake();
    };
    enqueue(&unit);
  });
  if (error) std::rethrow_exception(error);
}

WriteUnit* heap_write_unit(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done) {
  auto* unit = new WriteUnit;
  unit->owned = std::move(fn);
  unit->fn = &unit->owned;
  unit->done = std::move(done);
  unit->heap = true;
  return unit;
}

void WriteQueue::push(WriteUnit* unit) {
  {
    std::lock_guard lock(mu);
    if (!closed) {
      units.push_back(unit);
      unit = nullptr;
    }
  }
  if (unit) {
    unit->finish(std::make_exception_ptr(StoreError("store is closed")));
    return;
  }
  cv.notify_one();
}

void WriteQueue::push_front(const std::vector<WriteUnit*>& again) {
  if (again.empty()) return;
  {
    std::lock_guard lock(mu);
    for (auto it = again.rbegin(); it != again.rend(); ++it) units.push_front(*it);
  }
  cv.notify_one();
}

bool WriteQueue::close() {
  {
    std::lock_guard lock(mu);
    if (closed) return false;
    closed = true;
  }
  cv.notify_all();
  return true;
}

void WriteQueue::count_commit(size_t committed) {
  std::lock_guard lock(mu);
  ++commits_;
  units_ += committed;
  ++batch_buckets_[batch_size_bucket(committed)];
}

void WriteQueue::note_write_result(const std::string& error) {
  std::lock_guard lock(mu);
  if (!error.empty() && write_error_.empty()) spdlog::error("store: writes are failing: {}", error);
  if (error.empty() && !write_error_.empty()) spdlog::info("store: writes succeed again");
  write_error_ = error;
  if (!error.empty()) write_error_at_ = static_cast<int64_t>(std::time(nullptr));
}

StoreStats WriteQueue::stats() const {
  std::lock_guard lock(mu);
  StoreStats s;
  s.writes_ok = write_error_.empty();
  s.write_error = write_error_;
  s.write_error_at = write_error_at_;
  s.writer_queue_depth = units.size();
  s.commits = commits_;
  s.units_committed = units_;
  s.batch_size_buckets = batch_buckets_;
  return s;
}

void WriteQueue::set_commit_listener(std::function<void()> fn) {
  std::lock_guard lock(listener_mu_);
  commit_listener_ = std::move(fn);
}

void WriteQueue::run_commit_listener() const {
  std::function<void()> listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = commit_listener_;
  }
  if (listener) listener();
}

}  // namespace imhub
