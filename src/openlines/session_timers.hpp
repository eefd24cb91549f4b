// The clock of open-line sessions (protocol-openlines.md §3.2 step 4, the platform's
// SessionCheck): once a second, every open session whose queue_at, no_answer_at or close_at has
// come is moved on in its own write transaction (openlines/session_flow.hpp run_session_timers):
// the welcome bot's time is up (WELCOME_BOT_TIME), the operator offered it did not answer in
// QUEUE_TIME, the no-answer text is due (NO_ANSWER_TIME), the client stayed silent after the
// operator's reply (AUTO_CLOSE_TIME). Due sessions come from partial indexes,
// so a tick costs nothing when none is due, whatever the number of sessions.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

class SessionTimers {
 public:
  SessionTimers(Store& store, const ChangeFeed& feed) : store_(store), feed_(feed) {}
  ~SessionTimers() { stop(); }
  SessionTimers(const SessionTimers&) = delete;
  SessionTimers& operator=(const SessionTimers&) = delete;

  void start();
  void stop();
  // One pass over the due sessions (what each tick does); returns how many were moved on.
  int tick();

 private:
  Store& store_;
  const ChangeFeed& feed_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace imhub
