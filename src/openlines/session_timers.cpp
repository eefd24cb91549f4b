#include "openlines/session_timers.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "apps/event_chain.hpp"
#include "core/clock.hpp"
#include "openlines/session.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

constexpr auto kTick = std::chrono::seconds(1);
constexpr int kPerTick = 200;  // sessions moved on per tick at most; the rest wait for the next

}  // namespace

void SessionTimers::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, kTick, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      try {
        tick();
      } catch (const std::exception& e) {
        spdlog::warn("open lines: session timers: {}", e.what());
      }
      lock.lock();
    }
  });
}

void SessionTimers::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int SessionTimers::tick() {
  const int64_t now = now_unix_seconds();
  const std::vector<int64_t> due = store_.read_with([&](Conn& c) { return due_sessions(c, now, kPerTick); });
  for (int64_t id : due)
    // Nobody in particular moves a session on: a fresh event chain, no user.
    feed_.write(store_, Cause{0, kEventSessionTtl, ""}, [&](Tx& tx) { run_session_timers(tx, id, now); });
  return static_cast<int>(due.size());
}

}  // namespace imhub
