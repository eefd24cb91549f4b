#include "store/postgres/pg_conn.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cstdio>
#include <cstring>

namespace imhub {
namespace {

// Type OIDs of pg_type (stable across PostgreSQL versions; the server headers that name them are
// not part of libpq-dev).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// SQLSTATE → the storage fault a caller reports (store.hpp). A server that is gone, restarting or
// failing over (a lost connection, SQLSTATE class 08, 57P01-57P03) is a storage that is away for
// now: 503 as for an I/O fault, not an internal error. Everything else is a plain error.
StorageFault fault_of(const PGconn* conn, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return conn && PQstatus(conn) == CONNECTION_OK ? StorageFault::kNone : StorageFault::kIo;
  const std::string_view s(state);
  if (s == "53100") return StorageFault::kFull;      // disk_full
  if (s == "25006") return StorageFault::kReadOnly;  // read_only_sql_transaction (a standby)
  if (s == "58030") return StorageFault::kIo;        // io_error
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03") return StorageFault::kIo;
  return StorageFault::kNone;
}

std::string excerpt(std::string_view sql) { return std::string(sql.substr(0, 120)); }

// SQLSTATEs of a collision with a concurrent transaction (writers of one node or of several):
// lock_not_available (the writer's lock_timeout), deadlock_detected, serialization_failure; and
// unique_violation, which a read-then-insert unit meets when another writer inserted the same key
// after its read (the first private message between two users sent through two nodes at once).
PgConn::Conflict conflict_of(const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return PgConn::Conflict::kNone;
  const std::string_view s(state);
  if (s == "55P03" || s == "40P01" || s == "40001") return PgConn::Conflict::kLock;
  if (s == "23505") return PgConn::Conflict::kUnique;
  return PgConn::Conflict::kNone;
}

// Integers come back as int64 (as SQLite's INTEGER), real numbers as double; a numeric with no
// fraction (SUM over BIGINT is numeric in PostgreSQL, an integer in SQLite) as int64; booleans
// (a comparison in a select list) as 0/1 like SQLite's.
SqlValue value_of(const PGresult* r, int row, int col, Oid type) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* text = PQgetvalue(r, row, col);
  const size_t len = static_cast<size_t>(PQgetlength(r, row, col));
  switch (type) {
    case kInt8:
    case kInt4:
    case kInt2:
    case kOid: {
      int64_t n = 0;
      std::from_chars(text, text + len, n);
      return n;
    }
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(text, text + len, n);
      if (ec == std::errc{} && end == text + len) return n;
      return std::strtod(text, nullptr);
    }
    case kBool:
      return int64_t{text[0] == 't'};
    default:
      return std::string(text, len);
  }
}

// An argument in PostgreSQL's text form (every parameter is sent as text, its type inferred).
void render(const SqlValue& v, std::string& out) {
  if (auto p = std::get_if<int64_t>(&v)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p);
    out.assign(buf, end);
  } else if (auto p = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *p);
    out = buf;
  } else if (auto p = std::get_if<std::string>(&v)) {
    out = *p;
  }
}

}  // namespace

struct PgConn::Result {
  PGresult* r = nullptr;
  Result() = default;
  explicit Result(PGresult* res) : r(res) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { PQclear(r); }
};

PgConn::PgConn(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw StoreError("cannot connect to PostgreSQL: " + msg, StorageFault::kIo);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  run("SET client_encoding = 'UTF8'");
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::healthy() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void PgConn::run(std::string_view sql) {
  PGresult* r = PQexec(conn_, std::string(sql).c_str());
  Result hold(r);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) fail("postgres: ", r, sql);
}

void PgConn::fail(const char* what, const PGresult* r, std::string_view sql) {
  if (const Conflict c = conflict_of(r); c != Conflict::kNone) conflict_ = c;
  throw StoreError(what + std::string(PQresultErrorMessage(r)) + " in: " + excerpt(sql), fault_of(conn_, r));
}

std::unique_ptr<PgConn::Result> PgConn::execute(std::string_view sql, const SqlArgs& args) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // Types unspecified: PostgreSQL infers each parameter's type from where it is used, as
    // SQLite's affinity converts a bound value to its column's type.
    std::string name = "s" + std::to_string(cache_.size());
    PGresult* r = PQprepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr);
    Result hold(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("postgres prepare: ", r, sql);
    it = cache_.emplace(std::string(sql), Prepared{std::move(name)}).first;
  }
  std::vector<std::string> texts(args.size());
  std::vector<const char*> values(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::holds_alternative<std::nullptr_t>(args[i])) continue;  // NULL
    render(args[i], texts[i]);
    values[i] = texts[i].c_str();
  }
  PGresult* r =
      PQexecPrepared(conn_, it->second.name.c_str(), static_cast<int>(args.size()), values.data(), nullptr, nullptr, 0);
  auto out = std::make_unique<Result>();  // owns r from here (a temporary Result would free it)
  out->r = r;
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail("postgres: ", r, sql);
  return out;
}

Rows PgConn::query(std::string_view sql, const SqlArgs& args) {
  auto res = execute(sql, args);
  const int nrows = PQntuples(res->r);
  const int ncols = PQnfields(res->r);
  std::vector<Oid> types(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) types[static_cast<size_t>(c)] = PQftype(res->r, c);
  Rows rows;
  rows.reserve(static_cast<size_t>(nrows));
  for (int i = 0; i < nrows; ++i) {
    std::vector<SqlValue> cols;
    cols.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) cols.push_back(value_of(res->r, i, c, types[static_cast<size_t>(c)]));
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

int64_t PgConn::exec(std::string_view sql, const SqlArgs& args) {
  auto res = execute(sql, args);
  const char* n = PQcmdTuples(res->r);
  int64_t changed = 0;
  if (n && *n) std::from_chars(n, n + std::strlen(n), changed);
  return changed;
}

std::vector<std::string> PgConn::take_notifications(int wait_ms) {
  std::vector<std::string> out;
  auto drain = [&] {
    PQconsumeInput(conn_);
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
  };
  drain();
  if (out.empty() && wait_ms > 0) {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (p.fd >= 0 && ::poll(&p, 1, wait_ms) > 0) drain();
  }
  return out;
}

}  // namespace imhub
