#include "store/store_migrate.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <set>

#include "core/crypto.hpp"

namespace imhub {
namespace {

constexpr std::string_view kProgress = "store_migrate_progress";
// PostgreSQL takes at most 65535 parameters per statement; a multi-row INSERT stays well under.
constexpr size_t kMaxParams = 30000;

std::string ident(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string column_list(const std::vector<std::string>& cols) {
  std::string out;
  for (const std::string& c : cols) out += (out.empty() ? "" : ", ") + ident(c);
  return out;
}

// One row's share of the table checksum. Values are compared as text (Row::str renders numbers
// exactly), so SQLite's affinity and PostgreSQL's types give the same hash for the same data.
uint64_t row_hash(const Row& row, size_t first) {
  std::string enc;
  for (size_t i = first; i < row.size(); ++i) {
    if (row.is_null(i)) {
      enc += "N;";
      continue;
    }
    const std::string& v = row.str(i);
    enc += "V" + std::to_string(v.size()) + ":" + v;
  }
  return std::stoull(sha256_hex(enc).substr(0, 16), nullptr, 16);
}

struct Table {
  std::string name;
  std::vector<std::string> columns;  // the source's order
};

// The source's tables, the migration bookkeeping left out. A row trigger that writes another
// table must not fire into rows already copied: chat_members' trigger bumps chats.members_version,
// so chat_members is copied first, while chats is still empty, and chats then brings its own value.
std::vector<Table> source_tables(Store& from) {
  std::vector<Table> out;
  from.read([&](Conn& c) {
    for (const Row& r : c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                                "AND name <> 'schema_migrations' ORDER BY name")) {
      Table t{r.str(0), {}};
      for (const Row& col : c.query("SELECT name FROM pragma_table_info($1) ORDER BY cid", {t.name}))
        t.columns.push_back(col.str(0));
      out.push_back(std::move(t));
    }
  });
  std::stable_partition(out.begin(), out.end(), [](const Table& t) { return t.name == "chat_members"; });
  return out;
}

std::set<std::string> target_columns(Conn& c, const std::string& table) {
  std::set<std::string> out;
  for (const Row& r : c.query("SELECT column_name FROM information_schema.columns "
                              "WHERE table_schema = current_schema() AND table_name = $1",
                              {table}))
    out.insert(r.str(0));
  return out;
}

bool has_progress(Conn& c) {
  return c
      .query_one("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
                 {std::string(kProgress)})
      .has_value();
}

std::string source_identity(Store& from) {
  return from.read_with([](Conn& c) {
    auto row = c.query_one("SELECT member_id FROM portal WHERE id = 1");
    return row ? row->str(0) : std::string();
  });
}

// Checks the schemas match, then either finds this source's progress (a resumed run) or, on an
// empty target, creates it. Returns whether the run resumes.
bool prepare_target(Store& to, const std::vector<Table>& tables, const std::string& source) {
  return to.write_with([&](Conn& c) {
    for (const Table& t : tables) {
      const std::set<std::string> have = target_columns(c, t.name);
      if (have != std::set<std::string>(t.columns.begin(), t.columns.end()))
        throw StoreError("table " + t.name + " differs between the SQLite and the PostgreSQL schema");
    }
    if (has_progress(c)) {
      for (const Row& r : c.query("SELECT DISTINCT source FROM store_migrate_progress"))
        if (r.str(0) != source)
          throw MigrateRefused("the target holds an unfinished migration of another store (portal " + r.str(0) +
                               "); drop that database or finish that migration");
      return true;
    }
    for (const Table& t : tables)
      if (c.query_one("SELECT 1 FROM " + ident(t.name) + " LIMIT 1"))
        throw MigrateRefused("the target database is not empty (table " + t.name +
                             " has rows); migrate only into a new, empty database");
    c.exec(
        "CREATE TABLE store_migrate_progress (name TEXT PRIMARY KEY, source TEXT NOT NULL, "
        "last_rowid BIGINT NOT NULL, row_count BIGINT NOT NULL, checksum BIGINT NOT NULL, done BIGINT NOT NULL)");
    for (const Table& t : tables)
      c.exec(
          "INSERT INTO store_migrate_progress (name, source, last_rowid, row_count, checksum, done) "
          "VALUES ($1, $2, $3, 0, 0, 0)",
          {t.name, source, int64_t{LLONG_MIN}});
    return false;
  });
}

struct Progress {
  int64_t last_rowid = LLONG_MIN;
  int64_t rows = 0;
  uint64_t checksum = 0;
  bool done = false;
};

Progress load_progress(Store& to, const std::string& table) {
  return to.read_with([&](Conn& c) {
    auto r = c.query_one("SELECT last_rowid, row_count, checksum, done FROM store_migrate_progress WHERE name = $1",
                         {table});
    if (!r) throw StoreError("the migration's progress has no row for table " + table);
    return Progress{r->i64(0), r->i64(1), std::bit_cast<uint64_t>(r->i64(2)), r->i64(3) != 0};
  });
}

// Copies what is left of one table, a batch per write unit; returns the rows copied now.
int64_t copy_table(Store& from, Store& to, const Table& t, Progress& p, const MigrateOptions& o) {
  const std::string cols = column_list(t.columns);
  const std::string select = "SELECT rowid, " + cols + " FROM " + ident(t.name) +
                             " WHERE rowid > $1 ORDER BY rowid LIMIT " + std::to_string(o.batch_rows);
  const size_t per_insert = std::max<size_t>(1, kMaxParams / t.columns.size());
  int64_t copied = 0;
  while (!p.done) {
    Rows batch = from.read_with([&](Conn& c) { return c.query(select, {p.last_rowid}); });
    Progress next = p;
    for (const Row& r : batch) {
      next.checksum += row_hash(r, 1);
      next.last_rowid = r.i64(0);
    }
    next.rows += static_cast<int64_t>(batch.size());
    next.done = batch.size() < static_cast<size_t>(o.batch_rows);
    to.write([&](Conn& c) {
      for (size_t at = 0; at < batch.size(); at += per_insert) {
        const size_t end = std::min(batch.size(), at + per_insert);
        std::string sql = "INSERT INTO " + ident(t.name) + " (" + cols + ") VALUES ";
        SqlArgs args;
        args.reserve((end - at) * t.columns.size());
        for (size_t i = at; i < end; ++i) {
          sql += i == at ? "(" : ", (";
          for (size_t k = 0; k < t.columns.size(); ++k) {
            sql += (k ? ", $" : "$") + std::to_string(args.size() + 1);
            // As text, typed by the column it goes into (docs/postgresql.md "Connections").
            if (batch[i].is_null(k + 1))
              args.emplace_back(nullptr);
            else
              args.emplace_back(batch[i].str(k + 1));
          }
          sql += ")";
        }
        c.exec(sql, args);
      }
      // Guarded by the old position: two runs at once cannot both commit the same batch.
      const int64_t moved = c.exec(
          "UPDATE store_migrate_progress SET last_rowid = $1, row_count = $2, checksum = $3, done = $4 "
          "WHERE name = $5 AND last_rowid = $6",
          {next.last_rowid, next.rows, std::bit_cast<int64_t>(next.checksum), int64_t{next.done}, t.name,
           p.last_rowid});
      if (moved != 1) throw StoreError("another migration run is copying table " + t.name);
    });
    copied += static_cast<int64_t>(batch.size());
    p = next;
    if (o.on_batch && !batch.empty()) o.on_batch(t.name, p.rows);
  }
  return copied;
}

// The source's count and checksum of a table now, read in batches by rowid as copy_table reads.
std::pair<int64_t, uint64_t> source_sum_now(Store& from, const Table& t, int64_t batch_rows) {
  const std::string select = "SELECT rowid, " + column_list(t.columns) + " FROM " + ident(t.name) +
                             " WHERE rowid > $1 ORDER BY rowid LIMIT " + std::to_string(batch_rows);
  int64_t rows = 0, last = LLONG_MIN;
  uint64_t sum = 0;
  for (;;) {
    Rows batch = from.read_with([&](Conn& c) { return c.query(select, {last}); });
    for (const Row& r : batch) sum += row_hash(r, 1);
    rows += static_cast<int64_t>(batch.size());
    if (batch.size() < static_cast<size_t>(batch_rows)) return {rows, sum};
    last = batch.back().i64(0);
  }
}

// The target's count and checksum of a table, read in batches by its primary key.
std::pair<int64_t, uint64_t> target_sum(Store& to, const Table& t, int64_t batch_rows) {
  std::vector<std::string> key = to.read_with([&](Conn& c) {
    std::vector<std::string> out;
    for (const Row& r :
         c.query("SELECT kcu.column_name FROM information_schema.table_constraints tc "
                 "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
                 "AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name "
                 "WHERE tc.table_schema = current_schema() AND tc.table_name = $1 AND tc.constraint_type = "
                 "'PRIMARY KEY' ORDER BY kcu.ordinal_position",
                 {t.name}))
      out.push_back(r.str(0));
    return out;
  });
  int64_t rows = 0;
  uint64_t sum = 0;
  const std::string cols = column_list(t.columns);
  if (key.empty()) {  // no key to page by: every imhub table has one, so this is a small odd table
    to.read([&](Conn& c) {
      for (const Row& r : c.query("SELECT " + cols + " FROM " + ident(t.name))) {
        sum += row_hash(r, 0);
        ++rows;
      }
    });
    return {rows, sum};
  }
  std::vector<size_t> key_at;
  for (const std::string& k : key)
    key_at.push_back(static_cast<size_t>(std::find(t.columns.begin(), t.columns.end(), k) - t.columns.begin()));
  std::string order = column_list(key), after = "(", params = "(";
  for (size_t i = 0; i < key.size(); ++i) {
    after += (i ? ", " : "") + ident(key[i]);
    params += (i ? ", $" : "$") + std::to_string(i + 1);
  }
  const std::string head = "SELECT " + cols + " FROM " + ident(t.name);
  const std::string tail = " ORDER BY " + order + " LIMIT " + std::to_string(batch_rows);
  const std::string next_sql = head + " WHERE " + after + ") > " + params + ")" + tail;
  SqlArgs last;
  for (;;) {
    Rows batch = to.read_with([&](Conn& c) { return last.empty() ? c.query(head + tail) : c.query(next_sql, last); });
    for (const Row& r : batch) sum += row_hash(r, 0);
    rows += static_cast<int64_t>(batch.size());
    if (batch.size() < static_cast<size_t>(batch_rows)) break;
    last.clear();
    for (size_t i : key_at) last.emplace_back(batch.back().str(i));
  }
  return {rows, sum};
}

// Moves every identity sequence past the highest id its table holds or ever handed out: by
// SQLite's AUTOINCREMENT record (sqlite_sequence) or, for the ids the writer hands out itself
// (messages, migration 31), by id_floors.
int64_t set_sequences(Store& from, Store& to) {
  std::vector<std::pair<std::string, std::string>> identity = to.read_with([](Conn& c) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Row& r : c.query("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name"))
      out.emplace_back(r.str(0), r.str(1));
    return out;
  });
  int64_t set = 0;
  for (const auto& [table, column] : identity) {
    const int64_t handed_out = from.read_with([&](Conn& c) -> int64_t {
      struct Record {
        const char* table;
        const char* sql;
      };
      int64_t out = 0;
      for (const Record& r : {Record{"sqlite_sequence", "SELECT seq FROM sqlite_sequence WHERE name = $1"},
                              Record{"id_floors", "SELECT id FROM id_floors WHERE name = $1"}}) {
        if (!c.query_one("SELECT 1 FROM sqlite_master WHERE name = $1", {std::string(r.table)})) continue;
        if (auto row = c.query_one(r.sql, {table})) out = std::max(out, row->i64(0));
      }
      return out;
    });
    to.write([&](Conn& c) {
      const int64_t highest = std::max(
          handed_out, c.query_one("SELECT COALESCE(MAX(" + ident(column) + "), 0) FROM " + ident(table))->i64(0));
      if (highest <= 0) return;
      c.query("SELECT setval(pg_get_serial_sequence($1, $2), $3)", {ident(table), column, highest});
      ++set;
    });
  }
  return set;
}

}  // namespace

MigrateReport migrate_store(Store& from, Store& to, const MigrateOptions& options) {
  if (from.schema_version() != to.schema_version())
    throw StoreError("schema versions differ: source " + std::to_string(from.schema_version()) + ", target " +
                     std::to_string(to.schema_version()));
  MigrateReport report;
  const std::vector<Table> tables = source_tables(from);
  report.resumed = prepare_target(to, tables, source_identity(from));
  std::vector<Progress> progress;
  for (const Table& t : tables) {
    Progress p = load_progress(to, t.name);
    report.rows_copied += copy_table(from, to, t, p, options);
    progress.push_back(p);
  }
  // Verified against the source as it is now, read again: a resumed run whose source was changed
  // in between (served between the runs) is caught, not only a bad copy.
  std::string mismatched, changed;
  for (size_t i = 0; i < tables.size(); ++i) {
    const auto [rows, sum] = target_sum(to, tables[i], options.batch_rows);
    const auto [source_rows, source_sum] = source_sum_now(from, tables[i], options.batch_rows);
    TableCopy copy{tables[i].name, source_rows, source_sum, false};
    copy.verified = rows == source_rows && sum == source_sum;
    if (source_rows != progress[i].rows || source_sum != progress[i].checksum) changed += " " + tables[i].name;
    if (!copy.verified)
      mismatched += " " + tables[i].name + " (source " + std::to_string(source_rows) + " rows, target " +
                    std::to_string(rows) + ")";
    report.tables.push_back(std::move(copy));
  }
  if (!changed.empty())
    throw StoreError("the source changed while it was being migrated (" + changed.substr(1) +
                     "); migrate again into a new, empty database with no server on the source");
  if (!mismatched.empty()) throw StoreError("the copy differs from the source in:" + mismatched);
  report.sequences_set = set_sequences(from, to);
  if (options.before_finish) options.before_finish();
  to.write([&](Conn& c) {
    if (!options.master_key.empty())
      c.exec(
          "INSERT INTO portal_secrets (name, value, created_at) "
          "VALUES ('master_key', $1, EXTRACT(EPOCH FROM now())::BIGINT) ON CONFLICT (name) DO NOTHING",
          {options.master_key});
    c.exec("DROP TABLE store_migrate_progress");
  });
  return report;
}

}  // namespace imhub
