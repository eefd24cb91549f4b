#include "events/delivery_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/clock.hpp"
#include "events/delivery_claims.hpp"
#include "events/event_signature.hpp"
#include "events/handler_policy.hpp"
#include "events/handler_trust.hpp"

namespace imhub {

namespace {

constexpr size_t kDiscoveryPage = 4096;
constexpr int kDiscoveryPagesPerTurn = 16;  // then the loop sends again before discovering more

int64_t now_ms() { return static_cast<int64_t>(std::llround(now_unix() * 1000.0)); }

DeliveryOutcome outcome_of(const PostResult& r) {
  switch (r.outcome) {
    case PostResult::Outcome::kAnswered:
      return r.ok() ? DeliveryOutcome::kDelivered : DeliveryOutcome::kHttpError;
    case PostResult::Outcome::kTimeout:
      return DeliveryOutcome::kTimeout;
    case PostResult::Outcome::kConnect:
      return DeliveryOutcome::kConnect;
    case PostResult::Outcome::kTooLarge:
      return DeliveryOutcome::kTooLarge;
    case PostResult::Outcome::kRefused:
      return DeliveryOutcome::kRefused;
    default:
      return DeliveryOutcome::kOther;
  }
}

Settlement settlement(Settlement::Kind kind, int64_t id, const std::string& lane_key) {
  Settlement s;
  s.kind = kind;
  s.id = id;
  s.lane_key = lane_key;
  return s;
}

Settlement given_up(int64_t id, const std::string& lane_key, int attempts, std::string error, std::string delivery_id,
                    int64_t now) {
  Settlement s = settlement(Settlement::Kind::kFailed, id, lane_key);
  s.attempts = attempts;
  s.last_error = std::move(error);
  s.delivery_id = std::move(delivery_id);
  s.at_ms = now;
  return s;
}

PostOptions post_options(const DeliveryOptions& o) {
  PostOptions p;
  p.connect_timeout_ms = o.connect_timeout_ms;
  p.timeout_ms = o.timeout_ms;
  p.max_response_bytes = o.max_response_bytes;
  p.keep_connections = o.concurrency;
  p.user_agent = o.user_agent;
  p.keep_answer_bytes = o.log_per_handler > 0 ? o.log_answer_bytes : 0;
  return p;
}

}  // namespace

DeliveryWorker::DeliveryWorker(Store& store, DeliveryOptions options, EventAuthIssuer* issuer, PortalIdentity portal,
                               std::string master_key)
    : store_(store),
      options_(std::move(options)),
      issuer_(issuer),
      portal_(std::move(portal)),
      master_key_(std::move(master_key)),
      retry_{options_.retry_base_seconds, options_.retry_max_seconds},
      lanes_(static_cast<size_t>(options_.concurrency), static_cast<size_t>(options_.per_handler_concurrency)),
      poster_(post_options(options_)),
      recorder_(
          store, [this] { poster_.wakeup(); }, options_.log_per_handler, options_.log_request_bytes),
      rng_(std::random_device{}()) {
  if (options_.claims) {
    claim_node_ = make_claim_node();
    claim_lease_ms_ = options_.claim_lease_ms > 0 ? options_.claim_lease_ms
                                                  : options_.connect_timeout_ms + options_.timeout_ms + 10000;
  }
}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  recorder_.start();
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  if (!thread_.joinable()) return;
  stop_requested_ = true;
  poster_.wakeup();
  thread_.join();
  recorder_.stop();
}

void DeliveryWorker::wake() { poster_.wakeup(); }

void DeliveryWorker::run() {
  uint64_t seen_epoch = std::numeric_limits<uint64_t>::max();
  int64_t next_table_poll = 0;
  int64_t drain_deadline = 0;
  while (true) {
    int64_t now = now_ms();
    const bool stopping = stop_requested_.load();
    if (stopping) {
      if (!drain_deadline) drain_deadline = now + options_.drain_timeout_ms;
      if (in_flight_.empty() || now >= drain_deadline) break;
    } else {
      try {
        // The epoch is read before the table, so a commit that lands during discovery moves
        // it again and is looked for on the next turn.
        const uint64_t epoch = store_.table_epoch("event_outbox");
        // Several nodes: a row another node's writer committed after a higher id was seen would
        // stay behind the cursor; the table poll looks at the whole outbox again.
        if (options_.claims && now >= next_table_poll && !more_to_discover_) cursor_ = 0;
        if (epoch != seen_epoch || now >= next_table_poll || more_to_discover_) {
          seen_epoch = epoch;
          refresh_trusted();
          discover();
        }
        if (now >= next_table_poll) {
          refresh_depth();
          next_table_poll = now + options_.table_poll_ms;
        }
      } catch (const std::exception& e) {
        spdlog::error("events: reading the outbox failed: {}", e.what());
        next_table_poll = now + options_.table_poll_ms;
      }
    }
    for (const auto& [lane, n] : recorder_.take_committed()) lanes_.committed(lane, n);
    lanes_.wake(now);
    if (!stopping) start_due(now);
    stats_->in_flight = static_cast<int64_t>(in_flight_.size());
    stats_->lanes = static_cast<int64_t>(lanes_.size());

    int64_t wait = options_.epoch_poll_ms;
    if (!stopping) wait = std::min(wait, std::max<int64_t>(0, lanes_.next_wake_ms() - now));
    if (more_to_discover_) wait = 0;
    for (const PostResult& r : poster_.poll(static_cast<int>(wait))) finish(r, now_ms());
  }
  // Past the drain deadline: what is still in flight stays in the outbox (at-least-once).
  const auto abandoned = poster_.abort_all();
  if (!abandoned.empty()) spdlog::info("events: {} deliveries left in the outbox for the next start", abandoned.size());
  in_flight_.clear();
  stats_->in_flight = 0;
}

void DeliveryWorker::discover() {
  more_to_discover_ = false;
  for (int page = 0; page < kDiscoveryPagesPerTurn; ++page) {
    Rows rows = store_.read_with([&](Conn& c) {
      return c.query("SELECT id, handler, order_key FROM event_outbox WHERE id > $1 ORDER BY id LIMIT $2",
                     {cursor_, static_cast<int64_t>(kDiscoveryPage)});
    });
    for (const Row& r : rows) {
      lanes_.note_row(r.str(1), r.str(2), r.i64(0));
      cursor_ = std::max(cursor_, r.i64(0));
    }
    if (rows.size() < kDiscoveryPage) return;
  }
  more_to_discover_ = true;
}

void DeliveryWorker::refresh_trusted() {
  const uint64_t epoch = store_.table_epoch("event_handler_trust");
  if (epoch == trusted_epoch_) return;
  trusted_ = store_.read_with([](Conn& c) { return trusted_handlers(c); });
  trusted_epoch_ = epoch;
}

void DeliveryWorker::refresh_depth() {
  store_.read([&](Conn& c) {
    stats_->outbox_depth = c.query_one("SELECT COUNT(*) FROM event_outbox")->i64(0);
    stats_->failed_depth = c.query_one("SELECT COUNT(*) FROM event_failed")->i64(0);
  });
}

void DeliveryWorker::start_due(int64_t now) {
  const size_t free = lanes_.free_slots();
  if (free == 0) return;
  // Under load, wait until an eighth of the slots is free: one read transaction then loads many
  // heads instead of one per finished request. With little in flight, go at once.
  const size_t batch = std::max<size_t>(1, static_cast<size_t>(options_.concurrency) / 8);
  if (free < batch && in_flight_.size() >= batch) return;
  std::vector<Lanes::Lane*> picked = lanes_.take(free);
  if (picked.empty()) return;
  std::vector<std::optional<OutboxRow>> heads(picked.size());
  if (!load_heads(picked, heads, now)) return;
  for (size_t i = 0; i < picked.size(); ++i) {
    Lanes::Lane* lane = picked[i];
    if (!heads[i]) {
      lanes_.head_absent(lane);
      continue;
    }
    const OutboxRow& row = *heads[i];
    if (row.id != lane->head_id) {
      lane->head_id = row.id;
      lane->head_failures = row.attempts;
    } else {
      lane->head_failures = std::max(lane->head_failures, row.attempts);
    }
    const bool woken = std::exchange(lane->skip_backoff, false);
    if (row.next_attempt_at_ms > now && !woken) {
      lanes_.wait_until(lane, row.next_attempt_at_ms);
      continue;
    }
    send(lane, row, now);
  }
}

bool DeliveryWorker::load_heads(std::vector<Lanes::Lane*>& picked, std::vector<std::optional<OutboxRow>>& heads,
                                int64_t now) {
  std::vector<LaneClaim> claims;
  try {
    if (!options_.claims) {
      store_.read([&](Conn& c) {
        const std::string sql =
            "SELECT " + outbox_row().list() +
            " FROM event_outbox WHERE order_key = $1 AND handler = $2 AND id > $3 ORDER BY id LIMIT 1";
        for (size_t i = 0; i < picked.size(); ++i) {
          auto row = c.query_one(sql, {picked[i]->order_key, picked[i]->handler->url, picked[i]->last_done});
          if (row) heads[i] = read_outbox_row(*row);
        }
      });
      return true;
    }
    store_.write([&](Conn& c) {
      claims.clear();
      for (Lanes::Lane* lane : picked)
        claims.push_back(claim_lane_head(c, lane->handler->url, lane->order_key, lane->last_done, claim_node_, now,
                                         now + claim_lease_ms_));
    });
  } catch (const std::exception& e) {
    spdlog::error("events: loading events failed: {}", e.what());
    for (Lanes::Lane* lane : picked) lanes_.wait_until(lane, now + 1000);
    return false;
  }
  // Lanes whose head another node holds wait for its lease; the rest go on as without claims.
  size_t kept = 0;
  for (size_t i = 0; i < picked.size(); ++i) {
    if (claims[i].state == LaneClaim::State::kHeld) {
      lanes_.wait_until(picked[i], claims[i].look_again_ms);
      continue;
    }
    picked[kept] = picked[i];
    heads[kept] = std::move(claims[i].row);
    ++kept;
  }
  picked.resize(kept);
  heads.resize(kept);
  return true;
}

void DeliveryWorker::send(Lanes::Lane* lane, const OutboxRow& row, int64_t now) {
  auto payload = parse_event_payload(row.payload);
  if (!payload) {
    stats_->count(DeliveryOutcome::kBadRow);
    stats_->moved_to_failed.fetch_add(1);
    spdlog::warn("events: outbox row {} ({}) has an unreadable payload: moved to the failed list", row.id, row.event);
    settle_gone(lane, given_up(row.id, lane->key, lane->head_failures, "payload is not a JSON object",
                               fallback_delivery_id(master_key_, row.id), now));
    return;
  }
  const std::string delivery_id =
      payload->delivery_id.empty() ? fallback_delivery_id(master_key_, row.id) : payload->delivery_id;
  if (payload->event_ttl <= 0) {
    // protocol.md §6.3: the chain of handler → REST call → event has used its hops.
    stats_->count(DeliveryOutcome::kLoopDropped);
    spdlog::debug("events: {} for app {} not sent: event_ttl spent (loop protection)", row.event, row.app_id);
    settle_gone(lane, settlement(Settlement::Kind::kDropped, row.id, lane->key));
    return;
  }
  const std::string application_token = payload->application_token;
  PostRequest request;
  try {
    request.body = event_body(row, std::move(*payload), issuer_, portal_, now / 1000);
  } catch (const std::exception& e) {
    // Minting tokens can fail (the store is busy); that is a failed attempt like any other.
    stats_->count(DeliveryOutcome::kOther);
    fail(lane, row.id, row.created_at_ms, delivery_id, std::string("could not build the event: ") + e.what(), "", now);
    return;
  }
  if (options_.signature) {
    const std::string secret = event_signing_secret(master_key_, row.app_id, application_token);
    request.headers.push_back(std::string(kSignatureHeader) + ": " + event_signature(secret, request.body));
  }
  if (options_.delivery_id_header) request.headers.push_back(std::string(kDeliveryIdHeader) + ": " + delivery_id);
  request.tag = next_tag_++;
  request.url = row.handler;
  request.rules.allow_private = options_.allow_private;
  request.rules.trusted = trusted_.count(row.handler) > 0;
  InFlight& f = in_flight_[request.tag];
  f = InFlight{lane, row.id, row.created_at_ms, delivery_id, row.app_id, row.event, {}};
  if (options_.log_per_handler > 0) f.sent = request.body;
  poster_.start(std::move(request));
}

void DeliveryWorker::finish(const PostResult& r, int64_t now) {
  auto it = in_flight_.find(r.tag);
  if (it == in_flight_.end()) return;
  InFlight f = std::move(it->second);
  in_flight_.erase(it);
  stats_->count(outcome_of(r));
  log_attempt(f, r, now);
  if (r.ok()) {
    stats_->observe_latency(static_cast<double>(now - f.created_at_ms) / 1000.0);
    const size_t woken = lanes_.wake_handler(f.lane->handler);
    if (woken)
      spdlog::debug("events: {} answered: {} of its lanes in backoff go again now",
                    loggable_handler(f.lane->handler->url), woken);
    settle_gone(f.lane, settlement(Settlement::Kind::kDelivered, f.id, f.lane->key));
    return;
  }
  if (r.outcome == PostResult::Outcome::kRefused) {
    // Retrying cannot help until the configuration or the registration changes: the row goes to
    // the failed list now, from where `imhub events retry` puts it back.
    stats_->moved_to_failed.fetch_add(1);
    spdlog::warn("events: {} for app {} to {} not sent: {}", f.event, f.app_id, loggable_handler(f.lane->handler->url),
                 r.error);
    settle_gone(f.lane, given_up(f.id, f.lane->key, f.lane->head_failures + 1, r.error, f.delivery_id, now));
    return;
  }
  fail(f.lane, f.id, f.created_at_ms, f.delivery_id, r.error, r.retry_after, now);
}

void DeliveryWorker::log_attempt(InFlight& f, const PostResult& r, int64_t now) {
  const DeliveryOutcome outcome = outcome_of(r);
  const std::string& handler = f.lane->handler->url;
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("events: {} (row {}, attempt {}) to {}: {} {} in {} ms{}{}", f.event, f.id, f.lane->head_failures + 1,
                  loggable_handler(handler), outcome_name(outcome), r.status, r.duration_ms,
                  r.error.empty() ? "" : ": ", r.error);
  if (options_.log_per_handler <= 0) return;
  DeliveryLogEntry e;
  e.at_ms = now;
  e.app_id = f.app_id;
  e.handler = handler;
  e.event = f.event;
  e.outbox_id = f.id;
  e.delivery_id = f.delivery_id;
  e.attempt = f.lane->head_failures + 1;
  e.outcome = outcome_name(outcome);
  e.status = r.status;
  e.duration_ms = r.duration_ms;
  e.answer = answer_excerpt(r.answer, options_.log_answer_bytes);
  e.error = r.error;
  recorder_.log(std::move(e), std::move(f.sent));
}

void DeliveryWorker::fail(Lanes::Lane* lane, int64_t id, int64_t created_at_ms, const std::string& delivery_id,
                          const std::string& error, const std::string& retry_after, int64_t now) {
  const int failures = ++lane->head_failures;
  const int64_t expire_ms = options_.expire_after_seconds * 1000;
  if (now - created_at_ms >= expire_ms) {
    stats_->moved_to_failed.fetch_add(1);
    spdlog::warn("events: outbox row {} moved to the failed list after {} attempts: {}", id, failures, error);
    settle_gone(lane, given_up(id, lane->key, failures, error, delivery_id, now));
    return;
  }
  const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  double delay = retry_delay_seconds(retry_, failures, unit, parse_retry_after(retry_after, now / 1000));
  // Never later than one attempt past the expiry, whatever Retry-After asks.
  delay = std::min(delay, static_cast<double>(std::max<int64_t>(created_at_ms + expire_ms - now, 0)) / 1000.0 + 1);
  const int64_t retry_at = now + static_cast<int64_t>(delay * 1000.0);
  Settlement retry = settlement(Settlement::Kind::kRetry, id, lane->key);
  retry.attempts = failures;
  retry.next_attempt_at_ms = retry_at;
  retry.last_error = error;
  retry.at_ms = now;
  recorder_.add(std::move(retry));
  lanes_.wait_until(lane, retry_at);
}

void DeliveryWorker::settle_gone(Lanes::Lane* lane, Settlement s) {
  const int64_t id = s.id;
  recorder_.add(std::move(s));
  lanes_.done(lane, id);
}

}  // namespace imhub
