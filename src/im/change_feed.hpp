// The one interface every domain change travels through (design.md "The change feed").
//
// A domain function that changes state takes a Tx: the write connection, the Cause (who set the
// change off, for the tokens and hop budget of the events it causes) and the feed. It calls
// Tx::raise once per change. Subscribers of two kinds are wired in app.cpp:
//   - in-transaction (bots, applications): run inside the raise, on the same connection, so the
//     outbox rows they write are durable exactly when the change is and vanish with it on rollback;
//   - after-commit (the realtime push): get the unit's changes once its commit is durable, in the
//     order they were raised.
// No domain file knows who listens.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "im/change.hpp"
#include "store/store.hpp"

namespace imhub {

// Why a change happened: the person whose action it was (0: nobody, e.g. an uninstall), the
// event-chain hop budget (protocol.md §6.3) and the calling application's offline-queue
// connector, which events it causes are never fed back to.
struct Cause {
  int64_t user_id = 0;
  int event_ttl = 0;
  std::string connector;
};

class ChangeFeed;
// A deque: a subscriber may raise more changes while one is being delivered, and a deque keeps
// the delivered one where it is.
using Changes = std::deque<Change>;

// One write transaction as the domain sees it.
class Tx {
 public:
  Tx(Conn& conn, const ChangeFeed& feed, Cause cause) : conn(conn), feed_(feed), cause_(std::move(cause)) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  Conn& conn;
  const Cause& cause() const { return cause_; }
  // Changes raised from now on are caused by `user_id` (a client writing through a connector, on
  // whose behalf the call acts); returns who caused them before.
  int64_t act_as(int64_t user_id) {
    std::swap(cause_.user_id, user_id);
    return user_id;
  }

  // Hands `change` to the in-transaction subscribers now and keeps it for the after-commit ones.
  void raise(Change change);
  // What this transaction raised, in order (for the after-commit subscribers).
  const Changes& raised() const { return raised_; }
  // The same, moved out once the transaction's work is done (no copy of each change on the writer).
  Changes take_raised() { return std::move(raised_); }

 private:
  const ChangeFeed& feed_;
  Cause cause_;
  Changes raised_;
};

class ChangeFeed {
 public:
  using InTransaction = std::function<void(Tx&, const Change&)>;
  // `commit` numbers durable units in this process, so a subscriber can tell changes of one
  // commit from the next.
  using AfterCommit = std::function<void(uint64_t commit, const Cause&, const Changes&)>;

  // Wiring, before the first write.
  void on_change(InTransaction fn) { in_tx_.push_back(std::move(fn)); }
  void after_commit(AfterCommit fn) { after_.push_back(std::move(fn)); }

  // Runs `fn(Tx&)` in one write transaction of `store` (returns after its commit is durable, as
  // Store::write does), then publishes what it raised. Returns what `fn` returns.
  template <class F>
  auto write(Store& store, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>()));
  // The same through Store::write_repeatable, for an `fn` that writes only through its Tx and hands
  // out only what it returns, so that it can run again from its start. The Tx, the changes it
  // raised and the result are made anew by each run.
  template <class F>
  auto write_repeatable(Store& store, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>()));

  // A change that writes nothing (typing): published to the after-commit subscribers at once.
  void announce(const Cause& cause, Change change) const;

  // Calls the in-transaction subscribers (Tx::raise does this).
  void deliver(Tx& tx, const Change& change) const;
  void publish(const Cause& cause, const Changes& changes) const;

 private:
  template <class F>
  auto run(Store& store, bool repeatable, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>()));

  std::vector<InTransaction> in_tx_;
  std::vector<AfterCommit> after_;
  mutable std::atomic<uint64_t> commits_{0};
};

inline void Tx::raise(Change change) {
  raised_.push_back(std::move(change));
  feed_.deliver(*this, raised_.back());
}

template <class F>
auto ChangeFeed::write(Store& store, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>())) {
  return run(store, false, std::move(cause), std::forward<F>(fn));
}

template <class F>
auto ChangeFeed::write_repeatable(Store& store, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>())) {
  return run(store, true, std::move(cause), std::forward<F>(fn));
}

template <class F>
auto ChangeFeed::run(Store& store, bool repeatable, Cause cause, F&& fn) const -> decltype(fn(std::declval<Tx&>())) {
  using R = decltype(fn(std::declval<Tx&>()));
  Changes raised;
  auto write = [&](const std::function<void(Conn&)>& unit) {
    repeatable ? store.write_repeatable(unit) : store.write(unit);
  };
  if constexpr (std::is_void_v<R>) {
    write([&](Conn& c) {
      Tx tx(c, *this, cause);
      fn(tx);
      raised = tx.take_raised();
    });
    publish(cause, raised);
  } else {
    std::optional<R> out;
    write([&](Conn& c) {
      Tx tx(c, *this, cause);
      out.emplace(fn(tx));
      raised = tx.take_raised();
    });
    publish(cause, raised);
    return std::move(*out);
  }
}

}  // namespace imhub
