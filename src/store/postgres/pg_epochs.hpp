// Table epochs for a PostgreSQL store, shared by every node on the database.
//
// Every table carries a statement trigger (installed by the store at start, pg_store.cpp) that
// sends NOTIFY imhub_epochs with the table's name. PostgreSQL delivers a notification only once
// its transaction has committed, folds duplicates within a transaction, and delivers it to every
// listening session, the committing one included. So each node keeps its counters in memory: the
// writer connections bump them from their own notifications after COMMIT and before answering
// their units (a write is visible to this node's caches when write() returns, as on SQLite), and
// one listening connection bumps them for the other nodes' and the CLI's commits — those reach a
// node's caches a network round trip after their commit, not before it returns.
//
// Why not a counter row per table bumped in the writing transaction: every message would update
// the same `messages` row, and that row's lock would serialise all writers of every node until
// commit. A notification costs no row lock (PostgreSQL takes a short global lock at commit for
// transactions that notify; docs/postgresql.md).
//
// Tables hash into 64 slots, as the SQLite store's do: a collision only refreshes a cache early.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace imhub {

inline constexpr std::string_view kEpochChannel = "imhub_epochs";

class PgTableEpochs {
 public:
  static constexpr int kSlots = 64;
  uint64_t current(std::string_view table) const;
  void bump(std::string_view table);
  // After a lost listening connection: notifications may have been missed, so every cache reloads.
  void bump_all();

 private:
  std::array<std::atomic<uint64_t>, kSlots> slots_{};
};

}  // namespace imhub
