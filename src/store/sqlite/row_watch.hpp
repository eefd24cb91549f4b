// RowReports::watch_rows for SQLite: a pre-update hook on the writer's connection notes the watched
// columns of every row a statement inserts, updates or deletes (a trigger's writes too), and the
// store hands what a transaction wrote to the watcher once its COMMIT has returned. Only the
// writer thread touches it (under the store's lock of the writer connection).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/row_reports.hpp"

struct sqlite3;

namespace imhub {

class RowWatch {
 public:
  using Watcher = std::function<void(const std::vector<RowKey>&)>;
  // Resolves `columns` against the schema of `db` (a column a table lacks is an error) and
  // installs the hook on `db`.
  void install(sqlite3* db, std::vector<WatchedColumn> columns, Watcher fn);
  // After a COMMIT returned: hands the rows it wrote to the watcher.
  void committed();
  // After a ROLLBACK of the whole transaction: nothing it wrote is visible.
  void rolled_back() { pending_.clear(); }

 private:
  // SQLite's callback type: its 64-bit integers are long long.
  static void hook(void* self, sqlite3* db, int op, const char* db_name, const char* table, long long old_rowid,
                   long long new_rowid);
  void note(int watch, int64_t value);

  struct Column {
    int watch;  // index into the list given to install
    int index;  // the column's position in the table; -1 for the row id
  };
  struct Table {
    std::string name;  // compared by length first: the hook runs for every row the writer writes
    std::vector<Column> columns;
  };
  std::vector<Table> tables_;
  Watcher fn_;
  std::vector<RowKey> pending_;
};

}  // namespace imhub
