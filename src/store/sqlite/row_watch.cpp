// The pre-update hook is compiled into Debian's libsqlite3 (PRAGMA compile_options lists
// ENABLE_PREUPDATE_HOOK); its declarations need the macro before the header.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "store/sqlite/row_watch.hpp"

#include <sqlite3.h>
#include <strings.h>

#include <cstring>
#include <stdexcept>

namespace imhub {
namespace {

// The position of `column` in `table`, from PRAGMA table_info (-1 when there is no such column).
int column_index(sqlite3* db, const std::string& table, const std::string& column) {
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT cid FROM pragma_table_info(?1) WHERE name = ?2";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("row watch: ") + sqlite3_errmsg(db));
  sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt, 2, column.c_str(), -1, SQLITE_TRANSIENT);
  const int index = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return index;
}

}  // namespace

void RowWatch::install(sqlite3* db, std::vector<WatchedColumn> columns, Watcher fn) {
  std::vector<Table> tables;
  for (size_t i = 0; i < columns.size(); ++i) {
    const WatchedColumn& w = columns[i];
    int index = -1;
    if (w.column != "rowid") {
      index = column_index(db, w.table, w.column);
      if (index < 0) throw std::runtime_error("row watch: no column " + w.table + "." + w.column);
    }
    Table* t = nullptr;
    for (Table& have : tables)
      if (have.name == w.table) t = &have;
    if (!t) t = &tables.emplace_back(Table{w.table, {}});
    t->columns.push_back(Column{static_cast<int>(i), index});
  }
  tables_ = std::move(tables);
  fn_ = std::move(fn);
  sqlite3_preupdate_hook(db, &RowWatch::hook, this);
}

void RowWatch::note(int watch, int64_t value) {
  // A statement often writes the same key many times in a row (a chat's row, then its messages).
  if (!pending_.empty() && pending_.back().watch == watch && pending_.back().value == value) return;
  pending_.push_back(RowKey{watch, value});
}

void RowWatch::hook(void* self, sqlite3* db, int op, const char* db_name, const char* table, long long old_rowid,
                    long long new_rowid) {
  auto* w = static_cast<RowWatch*>(self);
  if (!table || !db_name || std::strcmp(db_name, "main") != 0) return;  // temp tables are nobody's
  const size_t length = std::strlen(table);
  for (const Table& t : w->tables_) {
    if (t.name.size() != length || strcasecmp(t.name.c_str(), table) != 0) continue;
    for (const Column& col : t.columns) {
      if (col.index < 0) {
        if (op != SQLITE_INSERT) w->note(col.watch, old_rowid);
        if (op != SQLITE_DELETE) w->note(col.watch, new_rowid);
        continue;
      }
      sqlite3_value* v = nullptr;
      if (op != SQLITE_INSERT && sqlite3_preupdate_old(db, col.index, &v) == SQLITE_OK && v)
        w->note(col.watch, sqlite3_value_int64(v));
      if (op != SQLITE_DELETE && sqlite3_preupdate_new(db, col.index, &v) == SQLITE_OK && v)
        w->note(col.watch, sqlite3_value_int64(v));
    }
    return;
  }
}

void RowWatch::committed() {
  if (pending_.empty() || !fn_) {
    pending_.clear();
    return;
  }
  std::vector<RowKey> keys;
  keys.swap(pending_);
  fn_(keys);
}

}  // namespace imhub
