// The SQLite connections of the store (sqlite_store.cpp's only): the statement cache, the tables
// each statement writes (for TableEpochs and the writer's own write epochs), and the writer
// connection's write path (store/write_path.hpp).
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/table_epochs.hpp"
#include "store/sqlite/wal_write_batch.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"

namespace imhub {

// The storage fault behind an SQLite error (the OS error first: an I/O error may be a full disk).
inline StorageFault fault_of(sqlite3* db, int rc) {
  if (db) {
    const StorageFault by_errno = storage_fault_of_errno(sqlite3_system_errno(db));
    if (by_errno != StorageFault::kNone && (rc & 0xff) != SQLITE_CONSTRAINT) return by_errno;
  }
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return StorageFault::kFull;
    case SQLITE_READONLY:
      return StorageFault::kReadOnly;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
      return StorageFault::kIo;
    default:
      return StorageFault::kNone;
  }
}

class SqliteConn : public Conn {
 public:
  SqliteConn(const std::string& path, const SqliteOptions& opt, bool writer) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    // The writer's WAL writes go out once per commit (wal_write_batch.hpp); readers write no WAL.
    const char* vfs = writer ? wal_write_batch_vfs() : nullptr;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, vfs) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, opt.busy_timeout_ms);
    run("PRAGMA foreign_keys = OFF");
    if (writer) {
      run("PRAGMA journal_mode = WAL");
      // Commits only write the WAL; the store's syncer makes them durable (SqliteStore).
      run("PRAGMA synchronous = NORMAL");
      // The writer's hot pages: the end of the messages table and, in each chat written to, the
      // leaf of messages_by_chat where its next row goes, with the interior pages above them. In
      // SQLite's default 2 MB (500 pages) a store past ~20 MB evicted those leaves under load and
      // the writer read them back from the file: 30,700 preads in 4 s at 100 MB (0.4 a message).
      // 8 MB leaves 2,800 (32 MB: 4); pages are taken only as they are used (RSS +7 MB under load).
      run("PRAGMA cache_size = -8192");
    }
  }
  ~SqliteConn() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st.stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* handle() const { return db_; }

  // From now on, remember which tables the statements run here write (see TableEpochs).
  void track_written_tables() { sqlite3_set_authorizer(db_, &SqliteConn::authorize, this); }
  // Tables written since the last call, as TableEpochs slot bits.
  uint64_t take_written() { return std::exchange(written_, 0); }

  void run(const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    note_writes(std::exchange(compiling_writes_, 0));
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      throw StoreError(std::string("sqlite: ") + msg + " in: " + std::string(sql).substr(0, 80),
                       fault_of(db_, sqlite3_extended_errcode(db_)));
    }
  }

  // See WritePathConn::write_epoch (SqliteWriterConn).
  uint64_t local_epoch(std::string_view table) const {
    return base_ + generation_ + local_[std::countr_zero(TableEpochs::slot_bit(table))];
  }
  // Everything may have changed: a rollback, or another connection's commit.
  void invalidate_all() { ++generation_; }
  // SQLite's own count, which moves when another connection commits (never for this one's).
  int64_t data_version() { return query("PRAGMA data_version", {}).front().i64(0); }

  Rows query(std::string_view sql, const SqlArgs& args) override {
    Cached& st = prepare(sql, args);
    sqlite3_stmt* stmt = st.stmt;
    Rows rows;
    int rc;
    const int ncols = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<SqlValue> cols;
      cols.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            cols.emplace_back(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_NULL:
            cols.emplace_back(nullptr);
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            cols.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows.emplace_back(std::move(cols));
    }
    finish(st, rc, sql);
    return rows;
  }

  int64_t exec(std::string_view sql, const SqlArgs& args) override {
    Cached& st = prepare(sql, args);
    int rc;
    while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
    }
    finish(st, rc, sql);
    return sqlite3_changes64(db_);
  }

 private:
  struct Cached {
    sqlite3_stmt* stmt;
    uint64_t writes;  // TableEpochs slot bits of the tables the statement writes
    // The argument each parameter takes ("$N" → args[N-1], "?" → in order), worked out once.
    std::vector<uint16_t> arg_of;
  };
  // Looked up by the caller's text without copying it into a key.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Every change to a table moves its local counter (see write_epoch).
  void note_writes(uint64_t slot_mask) {
    written_ |= slot_mask;
    while (slot_mask) {
      ++local_[std::countr_zero(slot_mask)];
      slot_mask &= slot_mask - 1;
    }
  }

  // SQLite calls this while compiling a statement (and when it recompiles one after a schema
  // change); it always allows, and notes the targets of writes.
  static int authorize(void* self, int action, const char* a1, const char*, const char*, const char*) {
    if ((action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) && a1)
      static_cast<SqliteConn*>(self)->compiling_writes_ |= TableEpochs::slot_bit(a1);
    return SQLITE_OK;
  }

  // Callers pass string literals, so the same text nearly always comes at the same address: a
  // small table indexed by that address finds the statement with one compare of the text, where
  // the map first hashes all of it (the hash was 2 % of the writer thread). The compare is what
  // makes a hit; an address only picks the slot, so text built at a reused address is safe.
  Cached& prepare(std::string_view sql, const SqlArgs& args) {
    Entry*& by_address = by_address_[(reinterpret_cast<uintptr_t>(sql.data()) >> 3) % by_address_.size()];
    if (by_address && by_address->first == sql) return bind(by_address->second, args);
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      compiling_writes_ = 0;
      sqlite3_stmt* stmt;
      if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                             nullptr) != SQLITE_OK)
        throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) +
                         " in: " + std::string(sql.substr(0, 120)));
      Cached fresh{stmt, std::exchange(compiling_writes_, 0), {}};
      const int count = sqlite3_bind_parameter_count(stmt);
      for (int i = 1; i <= count; ++i) {
        const char* name = sqlite3_bind_parameter_name(stmt, i);
        int idx = i - 1;
        if (name && name[0] == '$') idx = std::atoi(name + 1) - 1;  // "$N" → args[N-1]; a bad N binds NULL
        fresh.arg_of.push_back(static_cast<uint16_t>(idx < 0 ? 65535 : std::min(idx, 65535)));
      }
      it = cache_.emplace(std::string(sql), std::move(fresh)).first;
    }
    by_address = &*it;  // map nodes stay put when the map grows
    return bind(it->second, args);
  }

  Cached& bind(Cached& st, const SqlArgs& args) {
    // Writes the authorizer saw outside a prepare (a statement SQLite recompiled while stepping).
    note_writes(st.writes | std::exchange(compiling_writes_, 0));
    for (size_t i = 0; i < st.arg_of.size(); ++i) {
      const int param = static_cast<int>(i + 1);
      if (st.arg_of[i] >= args.size()) {
        sqlite3_bind_null(st.stmt, param);
        continue;
      }
      const SqlValue& a = args[st.arg_of[i]];
      if (auto p = std::get_if<int64_t>(&a))
        sqlite3_bind_int64(st.stmt, param, *p);
      else if (auto p = std::get_if<double>(&a))
        sqlite3_bind_double(st.stmt, param, *p);
      else if (auto p = std::get_if<std::string>(&a))
        // Not copied: `args` outlives the statement's use, and finish() clears the bindings.
        sqlite3_bind_text64(st.stmt, param, p->data(), p->size(), SQLITE_STATIC, SQLITE_UTF8);
      else
        sqlite3_bind_null(st.stmt, param);
    }
    return st;
  }

  void finish(Cached& st, int rc, std::string_view sql) {
    sqlite3_reset(st.stmt);
    if (!st.arg_of.empty()) sqlite3_clear_bindings(st.stmt);
    if (rc != SQLITE_DONE)
      throw StoreError(std::string("sqlite step: ") + sqlite3_errstr(rc) + " in: " + std::string(sql.substr(0, 120)),
                       fault_of(db_, rc));
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Cached, TextHash, std::equal_to<>> cache_;
  using Entry = std::pair<const std::string, Cached>;
  std::array<Entry*, 256> by_address_{};
  uint64_t compiling_writes_ = 0;
  uint64_t written_ = 0;
  // write_epoch(): a base no other connection of this process shares, a generation moved by
  // invalidate_all(), and a counter per TableEpochs slot moved by each write.
  static inline std::atomic<uint64_t> next_base_{1};
  uint64_t base_ = next_base_.fetch_add(1) << 40;
  uint64_t generation_ = 0;
  uint64_t local_[TableEpochs::kSlots] = {};
};

// The writer's connection: what the write path may ask of it beyond Conn (store/write_path.hpp).
class SqliteWriterConn final : public SqliteConn, public WritePathConn {
 public:
  using SqliteConn::SqliteConn;
  // The rowid SQLite assigned, read back instead of a RETURNING clause (which runs the statement
  // through a temporary table and cost the writer more than the insert itself).
  int64_t last_insert_id() const override { return sqlite3_last_insert_rowid(handle()); }
  uint64_t write_epoch(std::string_view table) const override { return local_epoch(table); }
  WritePathConn* write_path_side() override { return this; }
};

}  // namespace imhub
