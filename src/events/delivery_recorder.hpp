// Writes what happened to delivered and failed events back to the outbox, off the worker's
// thread: everything that piled up since the last write goes into one store.write (one group
// commit for hundreds of deliveries), so the curl loop never waits for an fsync.
//
// Settlements are applied in the order they were added; the worker adds a lane's rows in id
// order, so if a row's removal is durable, so is the removal of every earlier row of its lane.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "events/delivery_log.hpp"
#include "store/store.hpp"

namespace imhub {

struct Settlement {
  enum class Kind {
    kDelivered,  // 2xx: the row is deleted
    kDropped,    // not to be sent (hop budget spent): deleted
    kRetry,      // failed: attempts, next_attempt_at and last_error are updated
    kFailed,     // given up: moved to event_failed
  };
  Kind kind = Kind::kDelivered;
  int64_t id = 0;
  std::string lane_key;
  int attempts = 0;
  int64_t next_attempt_at_ms = 0;
  std::string last_error;
  std::string delivery_id;
  int64_t at_ms = 0;  // when it happened (failed_at; last_attempt_at of a retry)
};

class DeliveryRecorder {
 public:
  // `on_commit` runs on the recorder's thread after each write (the worker wakes up on it).
  // `log_per_handler`: delivery log rows kept per handler (0: no log is written);
  // `log_request_bytes`: of each request body, this many bytes are kept (redacted).
  DeliveryRecorder(Store& store, std::function<void()> on_commit, int log_per_handler = 0,
                   size_t log_request_bytes = 0);
  ~DeliveryRecorder();
  void start();
  // Writes what is queued, then stops.
  void stop();
  void add(Settlement s);
  // One attempt for the delivery log, written with the next batch. `sent` is the body as it was
  // sent, credentials and all: the recorder's thread redacts it (keep_request) before the write.
  void log(DeliveryLogEntry e, std::string sent = {});
  // Lanes whose rows left the outbox durably since the last call, with the number of rows.
  std::vector<std::pair<std::string, int>> take_committed();

 private:
  struct Attempt {
    DeliveryLogEntry entry;
    std::string sent;
  };

  void run();
  // The entries the log keeps of `attempts` (the newest log_per_handler of each handler), each
  // with its request redacted.
  std::vector<DeliveryLogEntry> log_entries(std::vector<Attempt> attempts) const;
  void write(const std::vector<Settlement>& batch, std::vector<DeliveryLogEntry> log);
  // Trims the handlers' delivery logs in a unit of its own, not waited for (delivery_log.hpp).
  void trim(std::vector<std::string> handlers);

  Store& store_;
  std::function<void()> on_commit_;
  int log_per_handler_;
  size_t log_request_bytes_;
  std::vector<Attempt> log_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Settlement> queue_;
  std::vector<std::pair<std::string, int>> committed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace imhub
