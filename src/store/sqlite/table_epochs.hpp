// Per-table change counters shared by every process that opens the same database.
//
// The writer learns which tables a statement writes when it prepares it (SQLite's authorizer
// reports every INSERT/UPDATE/DELETE target, triggers included) and, after each durable
// commit, bumps those tables' counters. The counters live in a small memory-mapped file beside
// the database, so a change committed by the CLI in another process is visible to the server's
// caches as soon as the CLI's commit returns. Reading one is an atomic load.
//
// Tables hash into 64 slots: a collision only makes a cache refresh more often than needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imhub {

class TableEpochs {
 public:
  static constexpr int kSlots = 64;
  explicit TableEpochs(const std::string& path);
  ~TableEpochs();
  TableEpochs(const TableEpochs&) = delete;
  TableEpochs& operator=(const TableEpochs&) = delete;

  static uint64_t slot_bit(std::string_view table);
  uint64_t current(std::string_view table) const;
  // Bumps every slot whose bit is set. Call only after the commit is durable: a reader that
  // sees the new value must also see the new rows.
  void bump(uint64_t slot_mask);

 private:
  uint64_t* slots_ = nullptr;
};

}  // namespace imhub
