// The bytes of request bodies the server holds at once, across every connection
// (server.body_memory_limit). A request reserves its declared length before its body is read and
// gives it back when its answer has been written; a request that does not fit is refused with
// 503 and Retry-After, so a flood of large bodies costs a bounded amount of memory.
#pragma once

#include <atomic>
#include <cstdint>

namespace imhub {

class BodyBudget {
 public:
  explicit BodyBudget(int64_t limit) : limit_(limit) {}
  bool try_take(int64_t bytes) {
    int64_t held = held_.load(std::memory_order_relaxed);
    do {
      if (held + bytes > limit_) return false;
    } while (!held_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    return true;
  }
  void give_back(int64_t bytes) { held_.fetch_sub(bytes, std::memory_order_relaxed); }
  int64_t held() const { return held_.load(std::memory_order_relaxed); }

 private:
  const int64_t limit_;
  std::atomic<int64_t> held_{0};
};

// One request's share of the budget, returned when it goes out of scope.
class BodyReservation {
 public:
  BodyReservation() = default;
  BodyReservation(BodyBudget* budget, int64_t bytes) : budget_(budget), bytes_(bytes) {}
  BodyReservation(BodyReservation&& o) noexcept : budget_(o.budget_), bytes_(o.bytes_) { o.budget_ = nullptr; }
  BodyReservation& operator=(BodyReservation&& o) noexcept {
    if (this != &o) {
      release();
      budget_ = o.budget_;
      bytes_ = o.bytes_;
      o.budget_ = nullptr;
    }
    return *this;
  }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  ~BodyReservation() { release(); }
  void release() {
    if (budget_) budget_->give_back(bytes_);
    budget_ = nullptr;
  }

 private:
  BodyBudget* budget_ = nullptr;
  int64_t bytes_ = 0;
};

}  // namespace imhub
