// What a store that can tell which rows this process writes offers beyond Store, for caches that
// drop exactly what changed (views/recent_projection.hpp). SQLite's store implements it; a
// PostgreSQL store does not (a cache asks with dynamic_cast and stays off without it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

// A column watch_rows reports: "rowid" for the row's id.
struct WatchedColumn {
  std::string table;
  std::string column;
};
// One value of a watched column in a written row: `watch` indexes the list given to watch_rows.
struct RowKey {
  int watch = 0;
  int64_t value = 0;
};

class RowReports {
 public:
  virtual ~RowReports() = default;
  // The part of Store::table_epoch(table) that other processes made: it moves only when another
  // process (the CLI, a tool that moves the epoch after writing) wrote `table`.
  virtual uint64_t foreign_epoch(std::string_view table) const = 0;
  // `fn` runs on the writer thread right after every COMMIT (visible to readers, not yet durable,
  // so before any unit of it is answered) with the value of each watched column, before and
  // after, in every row of a watched table the commit inserted, updated or deleted (triggers'
  // writes included; a unit rolled back to its savepoint may still be reported — a cache then
  // drops a little more than needed). Call before the first write the cache depends on.
  virtual void watch_rows(std::vector<WatchedColumn> columns, std::function<void(const std::vector<RowKey>&)> fn) = 0;
};

}  // namespace imhub
