// The Store: the only way domain code reaches durable state.
//
// No backend types leak through it: SQL text is portable between SQLite and PostgreSQL
// ($1 placeholders, RETURNING, ON CONFLICT), arguments and rows are plain values. Reads run on
// a pooled read connection; writes are queued to one writer that commits waiting units together
// (group commit) and returns to each caller only after its commit is durable.
#pragma once

#include <cerrno>

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace imhub {

using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<SqlValue> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols_[i]); }
  int64_t i64(size_t i) const;  // NULL → 0; text parsed
  double f64(size_t i) const;
  const std::string& str(size_t i) const;  // NULL → ""; numbers are rendered
  std::optional<int64_t> opt_i64(size_t i) const;
  // Same columns, same values (a cache compares the row it was built from with today's).
  bool operator==(const Row& other) const { return cols_ == other.cols_; }

 private:
  std::vector<SqlValue> cols_;
  mutable std::vector<std::string> rendered_;
};

using Rows = std::vector<Row>;
using SqlArgs = std::vector<SqlValue>;

class WritePathConn;  // store/write_path.hpp

// One connection, used by one thread at a time. Statements are prepared once and cached.
class Conn {
 public:
  virtual ~Conn() = default;
  // The connection's write-path side (store/write_path.hpp), or null: a virtual, not a
  // dynamic_cast, because the writer asks for it several times per message.
  virtual WritePathConn* write_path_side() { return nullptr; }
  virtual Rows query(std::string_view sql, const SqlArgs& args = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t exec(std::string_view sql, const SqlArgs& args = {}) = 0;
  std::optional<Row> query_one(std::string_view sql, const SqlArgs& args = {}) {
    Rows rows = query(sql, args);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }
};

struct StoreStats {
  // The writer's last commit (COMMIT and fsync): failed with `write_error` at `write_error_at`
  // (unix seconds) when not `writes_ok`.
  bool writes_ok = true;
  std::string write_error;
  int64_t write_error_at = 0;
  uint64_t writer_queue_depth = 0;
  uint64_t commits = 0;
  uint64_t units_committed = 0;
  // Histogram of units per commit: buckets 1, 2, 4, 8, 16, 32, 64, +Inf.
  std::vector<uint64_t> batch_size_buckets;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` on a read connection (a consistent snapshot for its duration).
  virtual void read(const std::function<void(Conn&)>& fn) = 0;
  // Runs `fn` inside a write transaction. Returns after the commit is durable. If `fn` throws,
  // its changes are rolled back (others in the same group commit are unaffected) and the
  // exception is rethrown here.
  // In a request fiber (core/fiber.hpp) only the fiber waits, not the thread.
  virtual void write(const std::function<void(Conn&)>& fn) = 0;
  // Like write(), for an `fn` that may run again from its start after its run was rolled back: it
  // changes nothing but rows of the connection and what it assigns (never appends to) outside. The
  // SQLite store runs such units without the savepoint that keeps one failing unit from undoing
  // the others of its group commit (a statement pair that cost 3.6 % of the writer): when one
  // fails, the whole group is rolled back and run again, each unit in a savepoint.
  virtual void write_repeatable(const std::function<void(Conn&)>& fn) { write(fn); }
  // Queues `fn` like write() without waiting: `done` runs on the writer thread once the unit is
  // durable (null) or has failed. For writes nobody is told about (presence).
  virtual void write_async(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done) = 0;
  virtual StoreStats stats() const = 0;
  // `fn` runs on the store's own thread after every durable commit (keep it short: a wake-up).
  // The event delivery worker uses it to see new outbox rows at once instead of polling.
  virtual void on_durable_commit(std::function<void()> fn) = 0;
  // Finishes queued writes and stops the writer; later calls fail.
  virtual void close() = 0;
  // Schema version after migrations.
  virtual int schema_version() = 0;
  // A counter that moves after every durable commit that wrote `table`, by this process or any
  // other on the same store (the CLI). Caches remember it when they load and trust what they
  // hold only while it is unchanged; the store stays the truth.
  virtual uint64_t table_epoch(std::string_view table) const = 0;

  template <class F>
  auto read_with(F&& fn) -> decltype(fn(std::declval<Conn&>())) {
    using R = decltype(fn(std::declval<Conn&>()));
    if constexpr (std::is_void_v<R>) {
      read([&](Conn& c) { fn(c); });
    } else {
      std::optional<R> out;
      read([&](Conn& c) { out.emplace(fn(c)); });
      return std::move(*out);
    }
  }
  template <class F>
  auto write_with(F&& fn) -> decltype(fn(std::declval<Conn&>())) {
    using R = decltype(fn(std::declval<Conn&>()));
    if constexpr (std::is_void_v<R>) {
      write([&](Conn& c) { fn(c); });
    } else {
      std::optional<R> out;
      write([&](Conn& c) { out.emplace(fn(c)); });
      return std::move(*out);
    }
  }
};

// What kept a write from the disk, so callers answer a clear error (not a generic 500) and
// /healthz can take the node out of a load balancer.
enum class StorageFault { kNone, kFull, kReadOnly, kIo };

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, StorageFault fault = StorageFault::kNone)
      : std::runtime_error(what), fault_(fault) {}
  StorageFault fault() const { return fault_; }

 private:
  StorageFault fault_;
};

// The fault an errno from a write, fsync or rename means (kNone for errors that are not the disk's).
inline StorageFault storage_fault_of_errno(int e) {
  switch (e) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return StorageFault::kFull;
    case EROFS:
    case EACCES:
    case EPERM:
      return StorageFault::kReadOnly;
    case EIO:
      return StorageFault::kIo;
    default:
      return StorageFault::kNone;
  }
}

}  // namespace imhub
