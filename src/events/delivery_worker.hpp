// The delivery worker: takes events out of the outbox and POSTs them to their handlers, on its
// own thread, so no REST request ever waits for a handler (design.md "Events and bots").
//
// - At-least-once: a row is deleted only after a 2xx. A failure (connect error, timeout, non-2xx,
//   oversize answer) schedules the row again with exponential backoff and jitter, or after the
//   handler's Retry-After; a row still failing `expire_after` after it was enqueued moves to the
//   failed list (event_failed), from where `imhub events retry` puts it back.
// - Order: per (handler, order key) lane, strictly in id order (see lanes.hpp).
// - Wake-up: the outbox's table epoch is looked at every few ms (a commit by this server or by
//   the CLI moves it) and the table itself at least once a second (writers that bump no epoch).
//   New rows are found with an id cursor: event_outbox ids only grow (AUTOINCREMENT, migration 12).
// - Throughput: libcurl multi (many requests in flight, keep-alive reuse); results are written
//   back in batches by the DeliveryRecorder's thread.
// - Loop protection: a row whose hop budget (event_ttl) is spent is not sent (protocol.md §6.3).
// - Address policy (handler_policy.hpp): every connection is checked after DNS; a refused row
//   goes to the failed list at once with the reason, without a socket being opened.
// - Recovery: a 2xx from a handler wakes its lanes parked in backoff, so a handler that comes
//   back gets its whole backlog at once rather than lane by lane as each timer runs out.
// - Delivery log: every attempt is logged at debug level and kept in event_delivery_log.
// - Several nodes (a PostgreSQL store): every node runs a worker; each head is claimed before it
//   is sent (delivery_claims.hpp), and discovery rescans the outbox at each table poll, since ids
//   committed by two nodes' writers can become visible out of order.
// - Stop: no new requests; those in flight get up to drain_timeout to finish; what has not
//   finished stays in the outbox and goes out after the restart.
#pragma once

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "events/backoff.hpp"
#include "events/delivery_options.hpp"
#include "events/delivery_recorder.hpp"
#include "events/delivery_stats.hpp"
#include "events/event_auth.hpp"
#include "events/event_body.hpp"
#include "events/http_poster.hpp"
#include "events/lanes.hpp"
#include "store/store.hpp"

namespace imhub {

class DeliveryWorker {
 public:
  // `issuer` may be null: every event then carries the no-user `auth` form. `master_key` keys
  // the optional signature header.
  DeliveryWorker(Store& store, DeliveryOptions options, EventAuthIssuer* issuer, PortalIdentity portal,
                 std::string master_key);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Finishes or abandons what is in flight (see above), records it, and joins the threads.
  void stop();
  // Something was committed: look at the outbox now rather than at the next poll. Any thread.
  void wake();
  std::shared_ptr<const DeliveryStats> stats() const { return stats_; }

 private:
  struct InFlight {
    Lanes::Lane* lane = nullptr;
    int64_t id = 0;
    int64_t created_at_ms = 0;
    std::string delivery_id;
    int64_t app_id = 0;
    std::string event;
    std::string sent;  // the body, for the delivery log (which redacts it); "" when there is no log
  };

  void run();
  void discover();
  void refresh_depth();
  void start_due(int64_t now_ms);
  // The heads of `picked`, read (one worker per store) or claimed (several nodes: options_.claims);
  // false when the store could not be reached. Lanes whose head is held elsewhere wait here.
  bool load_heads(std::vector<Lanes::Lane*>& picked, std::vector<std::optional<OutboxRow>>& heads, int64_t now_ms);
  void send(Lanes::Lane* lane, const OutboxRow& row, int64_t now_ms);
  void finish(const PostResult& result, int64_t now_ms);
  void fail(Lanes::Lane* lane, int64_t id, int64_t created_at_ms, const std::string& delivery_id,
            const std::string& error, const std::string& retry_after, int64_t now_ms);
  void settle_gone(Lanes::Lane* lane, Settlement s);
  void refresh_trusted();
  void log_attempt(InFlight& f, const PostResult& r, int64_t now_ms);

  Store& store_;
  DeliveryOptions options_;
  EventAuthIssuer* issuer_;
  PortalIdentity portal_;
  std::string master_key_;
  RetryPolicy retry_;
  std::shared_ptr<DeliveryStats> stats_ = std::make_shared<DeliveryStats>();
  Lanes lanes_;
  HttpPoster poster_;
  DeliveryRecorder recorder_;
  std::unordered_map<uint64_t, InFlight> in_flight_;
  uint64_t next_tag_ = 1;
  int64_t cursor_ = 0;  // highest outbox id discovery has seen
  // Handler URLs registered by an administrator or the CLI (handler_trust.hpp), reloaded when
  // their table's epoch moves.
  std::unordered_set<std::string> trusted_;
  uint64_t trusted_epoch_ = UINT64_MAX;
  bool more_to_discover_ = false;
  std::string claim_node_;  // this run's name in event_outbox.claimed_by (options_.claims)
  int64_t claim_lease_ms_ = 0;
  std::mt19937_64 rng_;
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace imhub
