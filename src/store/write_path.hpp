// What a writer connection may offer the write path beyond Conn, found with write_path(conn).
//
// The SQLite writer connection offers it; read connections and backends without it return null,
// and callers then do what any Conn allows (RETURNING, reading the rows again). Kept out of
// store.hpp so the Store interface stays as small as every backend needs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace imhub {

class WritePathConn {
 public:
  virtual ~WritePathConn() = default;

  // The id of the row the last INSERT on this connection added (SQLite's rowid), read back for
  // nothing instead of through RETURNING.
  virtual int64_t last_insert_id() const = 0;

  // For caches the writer keeps between units (im/write_path_cache.hpp): a counter that moves
  // whenever `table` may have changed under this connection — a statement run on it wrote the table
  // (its triggers included), its changes were rolled back, or another connection committed. Values
  // of different connections never meet, so an entry stamped on one is never trusted on another.
  virtual uint64_t write_epoch(std::string_view table) const = 0;

  // Where such a cache lives: owned by the connection, so it dies with it.
  struct Attachment {
    virtual ~Attachment() = default;
  };
  std::unique_ptr<Attachment>& attachment() { return attachment_; }

 private:
  std::unique_ptr<Attachment> attachment_;
};

// The connection's write-path side, or null when it has none.
inline WritePathConn* write_path(Conn& c) { return c.write_path_side(); }

// Runs an INSERT of one row into a table keyed by `id` and returns the new row's id.
inline int64_t insert_returning_id(Conn& c, std::string_view sql, const SqlArgs& args) {
  if (WritePathConn* w = write_path(c)) {
    c.exec(sql, args);
    return w->last_insert_id();
  }
  auto row = c.query_one(std::string(sql) + " RETURNING id", args);
  if (!row) throw StoreError("insert returned no id");
  return row->i64(0);
}

}  // namespace imhub
