#include "store/postgres/pg_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/fiber.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_epochs.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/write_unit.hpp"

namespace imhub {
namespace {

// A queued write, as in the SQLite store: `done` runs on a writer thread once the unit is
// durable or has failed; units from write_async own their function and are freed after `done`.
constexpr auto kIdleDrain = std::chrono::seconds(1);
constexpr int kListenWaitMs = 250;
// How long a writer waits for a row lock another transaction holds before its unit gives way
// (commit_group). Longer than a group's usual run and commit, much shorter than PostgreSQL's
// deadlock_timeout (1 s), which would stall both groups of a lock cycle that long.
constexpr const char* kLockTimeout = "SET lock_timeout = '50ms'";
constexpr int kMaxLockRuns = 100;
constexpr int kMaxUniqueRuns = 2;

class PgStore final : public Store {
 public:
  explicit PgStore(const PgOptions& opt) : opt_(opt) {
    {
      PgConn conn(opt_.url);
      version_ = migrate_postgres(conn, opt_.migrate_to);
    }
    // Read connections are opened on first use: a CLI command or a quiet node holds only what it
    // needs (each is a server process on PostgreSQL's side).
    readers_.resize(static_cast<size_t>(std::max(1, opt_.read_connections)));
    for (auto& r : readers_) free_readers_.push_back(&r);
    std::vector<std::unique_ptr<PgConn>> writer_conns;
    for (int i = 0; i < std::max(1, opt_.writer_connections); ++i) writer_conns.push_back(open_writer());
    auto listener = open_listener();
    for (auto& conn : writer_conns)
      writers_.emplace_back([this, c = std::shared_ptr<PgConn>(std::move(conn))]() mutable { writer_loop(c); });
    listener_ = std::thread([this, c = std::shared_ptr<PgConn>(std::move(listener))]() mutable { listen_loop(c); });
  }
  ~PgStore() override { close(); }

  void read(const std::function<void(Conn&)>& fn) override {
    std::unique_ptr<PgConn>* slot;
    {
      std::unique_lock lock(read_mu_);
      read_cv_.wait(lock, [this] { return !free_readers_.empty(); });
      slot = free_readers_.back();
      free_readers_.pop_back();
    }
    struct Release {
      PgStore* self;
      std::unique_ptr<PgConn>* slot;
      ~Release() {
        try {
          if (*slot) (*slot)->run("COMMIT");
        } catch (...) {
        }
        if (*slot && !(*slot)->healthy()) slot->reset();  // opened again by the next read
        std::lock_guard lock(self->read_mu_);
        self->free_readers_.push_back(slot);
        self->read_cv_.notify_one();
      }
    } release{this, slot};
    reconnect_if_lost(*slot);
    if (!*slot) throw StoreError("postgres: no read connection could be opened", StorageFault::kIo);
    // One snapshot for the whole read, as a SQLite read transaction gives.
    (*slot)->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    fn(**slot);
  }

  void write(const std::function<void(Conn&)>& fn) override {
    write_and_wait(fn, [this](WriteUnit* unit) { enqueue(unit); });
  }

  void write_async(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done) override {
    enqueue(heap_write_unit(std::move(fn), std::move(done)));
  }

  void on_durable_commit(std::function<void()> fn) override { writes_.set_commit_listener(std::move(fn)); }

  StoreStats stats() const override { return writes_.stats(); }

  void close() override {
    if (!writes_.close()) return;
    for (auto& w : writers_)
      if (w.joinable()) w.join();
    stop_listening_ = true;
    if (listener_.joinable()) listener_.join();
  }

  int schema_version() override { return version_; }

  uint64_t table_epoch(std::string_view table) const override { return epochs_.current(table); }

 private:
  std::unique_ptr<PgConn> open_writer() {
    auto c = std::make_unique<PgConn>(opt_.url);
    // The promise of write(): answered after the commit is durable, whatever the server's default.
    c->run("SET synchronous_commit = on");
    c->run(kLockTimeout);
    c->run("LISTEN " + std::string(kEpochChannel));
    return c;
  }

  std::unique_ptr<PgConn> open_listener() {
    auto c = std::make_unique<PgConn>(opt_.url);
    c->run("LISTEN " + std::string(kEpochChannel));
    return c;
  }

  void reconnect_if_lost(std::unique_ptr<PgConn>& c) {
    if (c && c->healthy()) return;
    try {
      c = std::make_unique<PgConn>(opt_.url);
    } catch (const std::exception& e) {
      spdlog::warn("store: cannot reconnect to PostgreSQL: {}", e.what());
    }
  }

  void enqueue(WriteUnit* unit) { writes_.push(unit); }

  void writer_loop(std::shared_ptr<PgConn> conn) {
    while (true) {
      std::vector<WriteUnit*> group;
      {
        std::unique_lock lock(writes_.mu);
        if (!writes_.cv.wait_for(lock, kIdleDrain, [this] { return writes_.closed || !writes_.units.empty(); })) {
          lock.unlock();
          // Other nodes' notifications reach this listening connection too; read them while idle
          // so they never pile up in the socket (they are bumps this node's listener also makes).
          bump_from(*conn);
          continue;
        }
        if (writes_.units.empty() && writes_.closed) return;
        while (!writes_.units.empty() && group.size() < static_cast<size_t>(opt_.max_group)) {
          group.push_back(writes_.units.front());
          writes_.units.pop_front();
        }
      }
      if (!conn->healthy()) {
        try {
          conn = open_writer();
          epochs_.bump_all();
        } catch (...) {
          fail_group(group, std::current_exception());
          continue;
        }
      }
      commit_group(*conn, group);
    }
  }

  void fail_group(std::vector<WriteUnit*>& group, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      writes_.note_write_result(e.what());
    } catch (...) {
      writes_.note_write_result("unknown error");
    }
    ResumeBatch hand_back;  // one post per io thread for all these units (core/fiber.hpp)
    for (WriteUnit* u : group) u->finish(error);
  }

  // One transaction for the group, a savepoint per unit: a unit that throws is rolled back to
  // its savepoint and the others commit. A group of one needs no savepoint (its failure rolls the
  // whole transaction back). Savepoint commands ride with their neighbours in one simple-protocol
  // round trip ("BEGIN; SAVEPOINT unit", "RELEASE unit; SAVEPOINT unit", "RELEASE unit; COMMIT"), so
  // a unit costs one round trip of bookkeeping, not two.
  //
  // Writers of this node and of other nodes run concurrently, and a group holds the row locks of
  // all its units until its commit: two groups that lock the same rows in different orders would
  // wait for each other. A writer's lock waits are therefore bounded (kLockTimeout), and a unit that
  // collides with another transaction (the bound, a deadlock, a key inserted by another writer
  // after this unit looked for it) is rolled back to its savepoint and runs again first in the next
  // group, after this group's commit has released its locks, as if it had come after the other
  // transaction: what SQLite's single writer gives by running units one after another.
  void commit_group(PgConn& conn, std::vector<WriteUnit*>& group) {
    std::vector<std::exception_ptr> failures(group.size());
    std::vector<WriteUnit*> again;  // collided: run in the next group
    const bool savepoints = group.size() > 1;
    std::string_view next = savepoints ? "BEGIN; SAVEPOINT unit" : "BEGIN";
    bool broken = false;  // a savepoint could not be set or rolled back: the transaction is lost
    for (size_t i = 0; i < group.size() && !broken; ++i) {
      try {
        conn.run(next);
      } catch (...) {
        if (i == 0) {
          fail_group(group, std::current_exception());
          return;
        }
        broken = true;
        break;
      }
      if (run_unit(conn, *group[i], failures[i])) {
        next = "RELEASE unit; SAVEPOINT unit";
        continue;
      }
      if (!failures[i]) again.push_back(group[i]);
      if (!savepoints) {
        broken = true;
        break;
      }
      try {
        conn.run("ROLLBACK TO unit; RELEASE unit");
        next = "SAVEPOINT unit";
      } catch (...) {
        broken = true;
      }
    }
    if (broken) {
      try {
        conn.run("ROLLBACK");
      } catch (...) {
      }
      if (group.size() == 1 && !again.empty()) return writes_.push_front(again);
      if (group.size() == 1 && failures[0]) {  // the unit's own error, as SQLite's store gives it
        group[0]->finish(failures[0]);
        return;
      }
      fail_group(group,
                 std::make_exception_ptr(StoreError("postgres: the write transaction was lost", StorageFault::kIo)));
      return;
    }
    try {
      // synchronous_commit on: durable (and replicated, if so configured) when this returns
      conn.run(!savepoints ? "COMMIT" : next.starts_with("RELEASE") ? "RELEASE unit; COMMIT" : "COMMIT");
    } catch (...) {
      fail_group(group, std::current_exception());
      return;
    }
    writes_.note_write_result("");
    bump_from(conn);  // before answering: the writer's caches must see the new rows
    writes_.run_commit_listener();
    writes_.count_commit(group.size() - again.size());
    writes_.push_front(again);  // queued before the others are answered: their callers may write next
    ResumeBatch hand_back;
    for (size_t i = 0; i < group.size(); ++i)
      if (std::find(again.begin(), again.end(), group[i]) == again.end()) group[i]->finish(failures[i]);
  }

  // Runs one unit. True when it succeeded; false when it failed, with its error in `failure`, or
  // collided with another writer and is to run again (`failure` left empty).
  bool run_unit(PgConn& conn, WriteUnit& unit, std::exception_ptr& failure) {
    try {
      (*unit.fn)(conn);
      // A unit that caught a collision's error itself still left the transaction aborted.
      if (conn.take_conflict() == PgConn::Conflict::kNone) return true;
      if (run_again_allowed(unit, PgConn::Conflict::kLock)) return false;
      failure = collided_too_often();
      return false;
    } catch (...) {
      const PgConn::Conflict conflict = conn.take_conflict();
      if (conflict != PgConn::Conflict::kNone && run_again_allowed(unit, conflict)) return false;
      failure = conflict == PgConn::Conflict::kLock ? collided_too_often() : std::current_exception();
      return false;
    }
  }

  // A unit runs again after a collision a bounded number of times: lock collisions while the
  // other writers make progress (kMaxLockRuns × kLockTimeout bounds its wait), a unique key twice
  // (a key that is still taken after the other writer's commit is the unit's own error).
  static bool run_again_allowed(WriteUnit& unit, PgConn::Conflict conflict) {
    const int limit = conflict == PgConn::Conflict::kUnique ? kMaxUniqueRuns : kMaxLockRuns;
    if (unit.collisions >= limit) return false;
    ++unit.collisions;
    return true;
  }

  static std::exception_ptr collided_too_often() {
    return std::make_exception_ptr(
        StoreError("postgres: the write kept colliding with other writers' locks", StorageFault::kIo));
  }

  void bump_from(PgConn& conn) {
    for (const std::string& table : conn.take_notifications()) epochs_.bump(table);
  }

  // Commits of other nodes and of the CLI, told by their notifications.
  void listen_loop(std::shared_ptr<PgConn> conn) {
    while (!stop_listening_) {
      if (!conn->healthy()) {
        epochs_.bump_all();  // what was missed while away is unknown
        try {
          conn = open_listener();
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(kListenWaitMs));
          continue;
        }
      }
      for (const std::string& table : conn->take_notifications(kListenWaitMs)) epochs_.bump(table);
    }
  }

  PgOptions opt_;
  int version_ = 0;
  PgTableEpochs epochs_;

  std::vector<std::unique_ptr<PgConn>> readers_;
  std::vector<std::unique_ptr<PgConn>*> free_readers_;
  std::mutex read_mu_;
  std::condition_variable read_cv_;

  WriteQueue writes_;
  std::vector<std::thread> writers_;

  std::atomic<bool> stop_listening_{false};
  std::thread listener_;
};

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::unique_ptr<Store> open_postgres_store(const PgOptions& options) { return std::make_unique<PgStore>(options); }

}  // namespace imhub
