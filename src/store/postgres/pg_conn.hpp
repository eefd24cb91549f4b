// One libpq connection behind the Conn interface: statements prepared once per connection and
// found again by their text, arguments sent as text with their type left to the statement
// (so an integer written into a TEXT column or compared with one behaves as it does on SQLite),
// row values read back as the SqlValue a SQLite column of the same declared type gives.
//
// libpq's types stay in pg_conn.cpp: this header names the connection only by a forward
// declaration.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/store.hpp"

struct pg_conn;
struct pg_result;

namespace imhub {

class PgConn final : public Conn {
 public:
  // Throws StoreError when the server cannot be reached or refuses the login.
  explicit PgConn(const std::string& url);
  ~PgConn() override;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  Rows query(std::string_view sql, const SqlArgs& args = {}) override;
  int64_t exec(std::string_view sql, const SqlArgs& args = {}) override;

  // Runs one or more statements without arguments through the simple protocol (migrations,
  // BEGIN/COMMIT, SET).
  void run(std::string_view sql);

  // Asynchronous notifications received so far on LISTENed channels: their payloads, in order.
  // `wait_ms` > 0 first waits that long for one to arrive (0: only what is already here).
  std::vector<std::string> take_notifications(int wait_ms = 0);

  // False once the connection is lost; a pool replaces such a connection.
  bool healthy() const;

  // How the last failed statement collided with another transaction, if it did: a lock it waited
  // for too long or a deadlock (kLock), or a unique key another writer took first (kUnique). The
  // writer runs such a unit again once the other transaction has ended. Reading clears it.
  enum class Conflict { kNone, kLock, kUnique };
  Conflict take_conflict() { return std::exchange(conflict_, Conflict::kNone); }

 private:
  struct Prepared {
    std::string name;
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Runs `sql` (prepared on first use) and returns libpq's result, checked.
  struct Result;
  std::unique_ptr<Result> execute(std::string_view sql, const SqlArgs& args);

  // Throws the StoreError of a failed result `r` of `sql`, noting its conflict first.
  [[noreturn]] void fail(const char* what, const struct pg_result* r, std::string_view sql);

  pg_conn* conn_ = nullptr;
  Conflict conflict_ = Conflict::kNone;
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> cache_;
};

}  // namespace imhub
