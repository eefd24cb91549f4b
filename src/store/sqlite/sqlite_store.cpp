#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include "core/clock.hpp"
#include "core/fiber.hpp"

#include <ctime>

#include "store/migrations.hpp"
#include "store/row_reports.hpp"
#include "store/sqlite/row_watch.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/sqlite/table_epochs.hpp"
#include "store/write_unit.hpp"

namespace imhub {
namespace {

// A queued write. `done` runs on the writer thread once the unit is durable or has failed;
// units from write_async own their function and are freed after `done`.
class SqliteStore final : public Store, public RowReports {
 public:
  explicit SqliteStore(const SqliteOptions& opt)
      : opt_(opt),
        restart_frames_(std::max(kCheckpointFrames, opt.wal_restart_mb * 256)),  // 4 KB frames
        writer_conn_(opt.path, opt, true),
        epochs_(opt.path + "-epochs") {
    migrate();
    open_wal_for_sync();
    sqlite3_wal_hook(writer_conn_.handle(), &SqliteStore::on_wal_commit, this);
    writer_conn_.track_written_tables();
    data_version_ = writer_conn_.data_version();
    for (int i = 0; i < opt.read_connections; ++i)
      readers_.push_back(std::make_unique<SqliteConn>(opt.path, opt, false));
    for (auto& r : readers_) free_readers_.push_back(r.get());
    // Named, so a profile or /proc/PID/task/*/comm tells them apart (bench/writer_cpu.sh).
    writer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "imhub-writer");
      writer_loop();
    });
    syncer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "imhub-syncer");
      syncer_loop();
    });
    checkpointer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "imhub-ckpt");
      checkpointer_loop();
    });
  }
  ~SqliteStore() override {
    close();
    if (wal_fd_ >= 0) ::close(wal_fd_);
  }

  void read(const std::function<void(Conn&)>& fn) override {
    SqliteConn* conn;
    {
      std::unique_lock lock(read_mu_);
      read_cv_.wait(lock, [this] { return !free_readers_.empty(); });
      conn = free_readers_.back();
      free_readers_.pop_back();
    }
    struct Release {
      SqliteStore* self;
      SqliteConn* conn;
      ~Release() {
        try {
          conn->exec("COMMIT", {});
        } catch (...) {
        }
        std::lock_guard lock(self->read_mu_);
        self->free_readers_.push_back(conn);
        self->read_cv_.notify_one();
      }
    };
    conn->exec("BEGIN", {});  // one snapshot for the whole read
    Release release{this, conn};
    fn(*conn);
  }

  void write(const std::function<void(Conn&)>& fn) override {
    write_and_wait(fn, [this](WriteUnit* unit) { enqueue(unit); });
  }

  void write_repeatable(const std::function<void(Conn&)>& fn) override {
    write_and_wait(
        fn, [this](WriteUnit* unit) { enqueue(unit); }, /*repeatable=*/true);
  }

  void write_async(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done) override {
    enqueue(heap_write_unit(std::move(fn), std::move(done)));
  }

  void on_durable_commit(std::function<void()> fn) override { writes_.set_commit_listener(std::move(fn)); }

  StoreStats stats() const override { return writes_.stats(); }

  void close() override {
    if (!writes_.close()) return;
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(sync_mu_);
      sync_closed_ = true;
    }
    sync_cv_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_closed_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    try {
      writer_conn_.run("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {
    }
  }

  uint64_t table_epoch(std::string_view table) const override { return epochs_.current(table); }

  // The shared counter less this process's own bumps (made local-first, so a read between the
  // two sees the foreign part too low for a moment, never a foreign move hidden for long).
  uint64_t foreign_epoch(std::string_view table) const override {
    const int slot = std::countr_zero(TableEpochs::slot_bit(table));
    const uint64_t own = own_bumps_[static_cast<size_t>(slot)].load(std::memory_order_acquire);
    return epochs_.current(table) - own;
  }

  void watch_rows(std::vector<WatchedColumn> columns, std::function<void(const std::vector<RowKey>&)> fn) override {
    std::lock_guard mlock(migrate_mu_);
    row_watch_.install(writer_conn_.handle(), std::move(columns), std::move(fn));
  }

  int schema_version() override {
    auto row = writer_query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return static_cast<int>(row);
  }

 private:
  // A closed store fails the unit at once (through `done`, like any other failure).
  void enqueue(WriteUnit* unit) { writes_.push(unit); }

  int64_t writer_query_one(std::string_view sql) {
    std::lock_guard lock(migrate_mu_);
    Rows rows = writer_conn_.query(sql, {});
    return rows.empty() ? 0 : rows[0].i64(0);
  }

  void migrate() {
    writer_conn_.run(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at BIGINT NOT NULL)");
    for (const Migration& m : migrations()) {
      if (opt_.migrate_to && m.version > opt_.migrate_to) break;
      writer_conn_.run("BEGIN IMMEDIATE");
      try {
        Rows done = writer_conn_.query("SELECT 1 FROM schema_migrations WHERE version = $1", {int64_t{m.version}});
        if (done.empty()) {
          writer_conn_.run(std::string(m.sql).c_str());
          writer_conn_.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                            {int64_t{m.version}, std::string(m.name), now_unix_seconds()});
        }
        writer_conn_.run("COMMIT");
      } catch (...) {
        writer_conn_.run("ROLLBACK");
        throw;
      }
    }
  }

  // The open group. Units run inside one transaction, each in its own savepoint. While the
  // syncer's fdatasync is in flight the transaction stays open and keeps taking units (that fsync
  // could not cover them anyway); it commits as soon as the syncer is free, so one COMMIT and one
  // fsync serve everything that arrived meanwhile, and a page many units touch (the chats' rows,
  // the end of the messages table) goes to the WAL once per commit instead of once per group.
  //
  // Repeatable units (Store::write_repeatable) skip the savepoint while every unit before them in
  // the group is repeatable too and none has failed. When such a bare unit fails, its writes cannot
  // be told from the others': the transaction is rolled back and the group runs again from its
  // first unit, each in a savepoint now, which leaves the store as if the failed unit had run in
  // its own savepoint from the start.
  struct OpenGroup {
    std::vector<WriteUnit*> units;
    std::vector<std::exception_ptr> failures;
    bool open = false;
    bool bare_allowed = true;
  };

  void writer_loop() {
    OpenGroup group;
    std::vector<WriteUnit*> batch;
    const size_t max_group = static_cast<size_t>(std::max(1, opt_.max_group));
    while (true) {
      bool closing;
      {
        std::unique_lock lock(writes_.mu);
        writes_.cv.wait(
            lock, [&] { return writes_.closed || !writes_.units.empty() || (group.open && !syncer_busy_.load()); });
        while (!writes_.units.empty() && group.units.size() + batch.size() < max_group) {
          batch.push_back(writes_.units.front());
          writes_.units.pop_front();
        }
        closing = writes_.closed;
        if (batch.empty() && !group.open && closing) return;
      }
      if (!batch.empty()) run_units(group, batch);
      batch.clear();
      if (group.open && (closing || !syncer_busy_.load() || group.units.size() >= max_group)) commit_group(group);
    }
  }

  // Every unit of `batch` joins the open group before it commits: they were all waiting already,
  // and running the rest of a batch (microseconds a unit) before the COMMIT costs less than a COMMIT
  // and an fsync each. (Committing between units whenever the syncer was free made every unit commit
  // alone on a disk whose fdatasync is quick.)
  void run_units(OpenGroup& group, std::vector<WriteUnit*>& batch) {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!group.open) {
        if (std::exception_ptr err = begin_group(group)) {
          for (size_t j = i; j < batch.size(); ++j) batch[j]->finish(err);
          return;
        }
      }
      if (!run_unit(group, batch[i])) run_group_again(group, batch[i]);
    }
  }

  std::exception_ptr begin_group(OpenGroup& group) {
    restart_wal_if_long();
    std::lock_guard mlock(migrate_mu_);
    writer_conn_.take_written();
    try {
      writer_conn_.exec("BEGIN IMMEDIATE", {});
      // Another process (the CLI) committed since this connection last looked: nothing the
      // write path cached can be trusted (WritePathConn::write_epoch).
      if (const int64_t v = writer_conn_.data_version(); v != data_version_) {
        writer_conn_.invalidate_all();
        data_version_ = v;
      }
    } catch (...) {
      auto err = std::current_exception();
      try {
        writer_conn_.exec("ROLLBACK", {});
      } catch (...) {
      }
      return err;
    }
    group.open = true;
    return nullptr;
  }

  // Savepoints go through the statement cache: parsing them anew for every unit showed up in the
  // writer's profile. False when a unit that ran bare failed: the group has to run again.
  bool run_unit(OpenGroup& group, WriteUnit* unit) {
    std::lock_guard mlock(migrate_mu_);
    if (unit->repeatable && group.bare_allowed) {
      try {
        (*unit->fn)(writer_conn_);
      } catch (...) {
        return false;
      }
      group.units.push_back(unit);
      group.failures.emplace_back();
      return true;
    }
    group.bare_allowed = false;
    std::exception_ptr failure;
    writer_conn_.exec("SAVEPOINT unit", {});
    try {
      (*unit->fn)(writer_conn_);
      writer_conn_.exec("RELEASE unit", {});
    } catch (...) {
      failure = std::current_exception();
      writer_conn_.exec("ROLLBACK TO unit", {});
      writer_conn_.exec("RELEASE unit", {});
      writer_conn_.invalidate_all();
    }
    group.units.push_back(unit);
    group.failures.push_back(std::move(failure));
    return true;
  }

  // A bare unit (`failed`) failed: everything since BEGIN is rolled back and the group's units,
  // then `failed`, run again in a new transaction, each in its own savepoint (bare_allowed stays
  // off for the rest of the group), so `failed` fails alone and the others are written once.
  void run_group_again(OpenGroup& group, WriteUnit* failed) {
    std::vector<WriteUnit*> again = std::move(group.units);
    again.push_back(failed);
    {
      std::lock_guard mlock(migrate_mu_);
      try {
        writer_conn_.exec("ROLLBACK", {});
      } catch (...) {
      }
      row_watch_.rolled_back();
      writer_conn_.invalidate_all();
    }
    group = OpenGroup{};
    group.bare_allowed = false;
    if (std::exception_ptr err = begin_group(group)) {
      for (WriteUnit* u : again) u->finish(err);
      return;
    }
    for (WriteUnit* u : again) run_unit(group, u);
  }

  void commit_group(OpenGroup& group) {
    std::vector<WriteUnit*> units = std::move(group.units);
    std::vector<std::exception_ptr> failures = std::move(group.failures);
    group = OpenGroup{};
    std::string unit_fault;
    {
      std::lock_guard mlock(migrate_mu_);
      try {
        writer_conn_.exec("COMMIT", {});  // durable once the syncer's fdatasync returns
      } catch (const std::exception& e) {
        writes_.note_write_result(e.what());
        auto err = std::current_exception();
        try {
          writer_conn_.exec("ROLLBACK", {});
        } catch (...) {
        }
        row_watch_.rolled_back();
        writer_conn_.invalidate_all();
        ResumeBatch hand_back;
        for (WriteUnit* u : units) u->finish(err);
        return;
      }
      // Visible now and answered only after the syncer's fdatasync: the watchers drop what this
      // commit changed before any unit of it is answered.
      try {
        row_watch_.committed();
      } catch (const std::exception& e) {
        spdlog::error("store: a row watcher failed: {}", e.what());
      }
    }
    // A unit stopped by the disk (a full WAL, a read-only file) is a failed write even when the
    // (then empty) COMMIT succeeds.
    for (const auto& f : failures) {
      if (!f) continue;
      try {
        std::rethrow_exception(f);
      } catch (const StoreError& e) {
        if (e.fault() != StorageFault::kNone) unit_fault = e.what();
      } catch (...) {
      }
    }
    // Committed but not yet durable: the syncer answers the units after the WAL is on disk,
    // while this thread goes on with the next group.
    {
      std::lock_guard lock(sync_mu_);
      synced_.push_back(
          Committed{std::move(units), std::move(failures), writer_conn_.take_written(), std::move(unit_fault)});
      syncer_busy_.store(true);
    }
    sync_cv_.notify_one();
  }

  // Pipelined durability. SQLite with synchronous=FULL would fsync inside COMMIT, and the writer
  // would sit idle for every fsync. Here COMMIT only writes the WAL (synchronous=NORMAL) and this
  // thread makes everything committed so far durable with one fdatasync of the WAL, then answers
  // those units. The fsync of group N overlaps the execution of group N+1; a unit is answered only
  // after an fdatasync that began after its COMMIT, which is what FULL guarantees. (Readers may
  // see a committed row a few milliseconds before it is durable.)
  void syncer_loop() {
    while (true) {
      std::vector<Committed> batch;
      {
        std::unique_lock lock(sync_mu_);
        sync_cv_.wait(lock, [this] { return sync_closed_ || !synced_.empty(); });
        if (synced_.empty() && sync_closed_) return;
        batch.swap(synced_);
      }
      std::exception_ptr sync_error;
      const int sync_rc = wal_fd_ >= 0 ? ::fdatasync(wal_fd_) : 0;
      const int sync_errno = errno;
      // Free again: the writer may commit its open group now, while these units are answered.
      {
        std::lock_guard lock(sync_mu_);
        if (synced_.empty()) syncer_busy_.store(false);
      }
      { std::lock_guard lock(writes_.mu); }
      writes_.cv.notify_one();
      if (sync_rc != 0) {
        const int e = sync_errno;
        sync_error = std::make_exception_ptr(
            StoreError(std::string("fdatasync of the WAL: ") + std::strerror(e), storage_fault_of_errno(e)));
        writes_.note_write_result(std::string("fdatasync of the WAL: ") + std::strerror(e));
      } else {
        std::string fault;
        for (const Committed& c : batch)
          if (!c.unit_fault.empty()) fault = c.unit_fault;
        writes_.note_write_result(fault);
      }
      uint64_t written = 0;
      for (const Committed& c : batch) written |= c.written;
      // Durable now: let caches (here and in other processes) see which tables moved.
      if (!sync_error) {
        for (uint64_t m = written; m; m &= m - 1)
          own_bumps_[static_cast<size_t>(std::countr_zero(m))].fetch_add(1, std::memory_order_acq_rel);
        epochs_.bump(written);
        writes_.run_commit_listener();
      }
      for (const Committed& c : batch) writes_.count_commit(c.group.size());
      ResumeBatch hand_back;  // one post per io thread for all these units (core/fiber.hpp)
      for (Committed& c : batch)
        for (size_t i = 0; i < c.group.size(); ++i) c.group[i]->finish(sync_error ? sync_error : c.failures[i]);
    }
  }

  // The syncer's handle on the WAL: fdatasync through any descriptor flushes the file. Without
  // it (durability "normal", or a WAL that cannot be opened) commits are answered unsynced, or
  // SQLite syncs inside COMMIT again.
  // Checkpoints copy the WAL back into the database and fsync it. SQLite's automatic checkpoint
  // runs inside a COMMIT on the writer thread, stalling every waiting write for that long (the
  // p99 of im.message.add showed it). Here the writer only notices the WAL has grown (a WAL hook,
  // which replaces the automatic checkpoint) and a thread of its own checkpoints through its own
  // connection in PASSIVE mode, which never blocks the writer.
  static int on_wal_commit(void* self, sqlite3*, const char*, int frames) {
    auto* store = static_cast<SqliteStore*>(self);
    store->wal_frames_.store(frames, std::memory_order_relaxed);
    // Counted in frames written since the checkpointer was last woken, not in the WAL's size: a
    // WAL that cannot restart under steady load (the writer never begins while it is fully
    // checkpointed) stays above any size threshold, and a size trigger then checkpointed — two
    // fsyncs — after every second commit. A WAL that restarted counts from its start.
    int& asked = store->frames_at_request_;  // the writer thread's own
    if (frames < asked) asked = 0;

    if (frames - asked >= kCheckpointFrames) {
      asked = frames;
      std::lock_guard lock(store->checkpoint_mu_);
      store->checkpoint_due_ = true;
      store->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // Checkpoints when woken, and at least every kCheckpointInterval while new frames wait, so a
  // quiet store does not keep its last commits only in the WAL.
  void checkpointer_loop() {
    SqliteConn conn(opt_.path, opt_, false);
    int checkpointed = 0;
    while (true) {
      bool restart;
      {
        std::unique_lock lock(checkpoint_mu_);
        checkpoint_cv_.wait_for(lock, kCheckpointInterval, [this] { return checkpoint_closed_ || checkpoint_due_; });
        if (checkpoint_closed_) return;
        const bool due = std::exchange(checkpoint_due_, false);
        restart = restart_wanted_;
        if (!due && wal_frames_.load(std::memory_order_relaxed) == checkpointed) continue;
        checkpointing_ = true;
      }
      // As a statement, not sqlite3_wal_checkpoint_v2(): preparing it reads the schema, which opens
      // the WAL on this connection; the bare call on a connection that has read nothing checkpoints
      // nothing. The row is (busy, frames in the WAL, frames checkpointed).
      try {
        Rows r = conn.query("PRAGMA wal_checkpoint(PASSIVE)", {});
        if (!r.empty() && r[0].i64(0) == 0) {
          checkpointed = static_cast<int>(r[0].i64(1));
          backfilled_.store(static_cast<int>(r[0].i64(2)), std::memory_order_relaxed);
        }
      } catch (const std::exception&) {
        // Busy or interrupted: the next wake-up tries again.
      }
      {
        std::lock_guard lock(checkpoint_mu_);
        checkpointing_ = false;
        if (restart) {
          restart_wanted_ = false;
          restart_cv_.notify_all();
        }
      }
    }
  }

  // SQLite starts the WAL over only in a write transaction that begins while every frame is
  // checkpointed, which a writer that never pauses does not do: the file would grow for as long
  // as the load lasts. Past restart_frames_ the writer, between two transactions, waits once for a
  // checkpoint of what is left, so its next transaction writes from the start of the file. That
  // wait stalls every write, so it is kept short: while the checkpoints lag more than
  // kRestartLagFrames behind, the writer only asks for one more and goes on (each pass copies what
  // came since the last, so on a disk that keeps up the lag shrinks from pass to pass), and waits
  // only once little is left: a few frames and the database's fsync of the pages they touch. Nor
  // does it wait while a pass is running: that wait would cover the rest of the pass and a whole
  // next one (most of the writer's stalls over 5 ms under load were these); it looks again at its
  // next transaction, when the pass is over and the lag it left is known. On a disk that does not
  // keep up, the WAL is bounded all the same: past another kCheckpointFrames the writer waits for a
  // whole pass. A reader's snapshot can keep the restart from working; then it waits again only
  // after kCheckpointFrames more frames.
  void restart_wal_if_long() {
    const int frames = wal_frames_.load(std::memory_order_relaxed);
    if (frames < restart_frames_) {
      restart_tried_at_ = 0;
      return;
    }
    if (restart_tried_at_ && frames < restart_tried_at_ + kCheckpointFrames) return;
    std::unique_lock lock(checkpoint_mu_);
    const bool bounded = frames >= restart_frames_ + kCheckpointFrames;  // wait, whatever the lag
    if (checkpointing_ && !bounded) return;
    const bool lagging = frames - backfilled_.load(std::memory_order_relaxed) > kRestartLagFrames;
    if (lagging && !bounded) {
      checkpoint_due_ = true;
      checkpoint_cv_.notify_one();
      return;
    }
    restart_tried_at_ = frames;
    restart_wanted_ = true;
    checkpoint_due_ = true;
    checkpoint_cv_.notify_one();
    restart_cv_.wait_for(lock, lagging ? kRestartWaitLagging : kRestartWait,
                         [this] { return !restart_wanted_ || checkpoint_closed_; });
  }

  void open_wal_for_sync() {
    writer_conn_.run("PRAGMA wal_checkpoint(PASSIVE)");  // the WAL exists from here on
    if (!opt_.synchronous_full) return;
    wal_fd_ = ::open((opt_.path + "-wal").c_str(), O_RDWR | O_CLOEXEC);
    if (wal_fd_ < 0) {
      writer_conn_.run("PRAGMA synchronous = FULL");
      return;
    }
    ::fdatasync(wal_fd_);  // the migrations, too
  }

  SqliteOptions opt_;
  const int restart_frames_;  // SqliteOptions::wal_restart_mb in frames
  SqliteWriterConn writer_conn_;
  TableEpochs epochs_;
  std::array<std::atomic<uint64_t>, TableEpochs::kSlots> own_bumps_{};  // this process's share of epochs_
  RowWatch row_watch_;                                                  // writer thread, under migrate_mu_
  std::mutex migrate_mu_;  // guards writer_conn_ between the writer thread and schema_version()

  std::vector<std::unique_ptr<SqliteConn>> readers_;
  std::vector<SqliteConn*> free_readers_;
  std::mutex read_mu_;
  std::condition_variable read_cv_;

  WriteQueue writes_;
  std::thread writer_;

  struct Committed {
    std::vector<WriteUnit*> group;
    std::vector<std::exception_ptr> failures;
    uint64_t written = 0;    // TableEpochs slot bits
    std::string unit_fault;  // a unit failed for want of disk (see WriteQueue::note_write_result)
  };
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::vector<Committed> synced_;  // committed, waiting for the WAL sync
  bool sync_closed_ = false;
  int wal_fd_ = -1;

  static constexpr int kCheckpointFrames = 4096;  // 16 MB of 4 KB pages
  static constexpr std::chrono::seconds kCheckpointInterval{1};
  static constexpr std::chrono::milliseconds kRestartWait{50};
  static constexpr int kRestartLagFrames = 256;  // 1 MB left to copy when the writer waits
  static constexpr std::chrono::milliseconds kRestartWaitLagging{1000};
  bool restart_wanted_ = false;  // guarded by checkpoint_mu_
  bool checkpointing_ = false;   // a pass is running; guarded by checkpoint_mu_
  std::condition_variable restart_cv_;
  int restart_tried_at_ = 0;  // the writer thread's own
  std::atomic<int> wal_frames_{0};
  std::atomic<int> backfilled_{0};  // frames the checkpointer's last pass had copied back
  int frames_at_request_ = 0;
  std::atomic<bool> syncer_busy_{false};  // commits wait for (or are in) an fdatasync; set under sync_mu_
  int64_t data_version_ = 0;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool checkpoint_closed_ = false;
  std::thread checkpointer_;
  std::thread syncer_;
};

}  // namespace

namespace {
// The database holds password-equivalent rows (webhook hashes, tokens' keys): owner-only, like the
// master key. SQLite gives the WAL and shared-memory files the database file's mode, so creating
// that file 0600 before SQLite does covers them; files from older versions are narrowed here.
void make_store_files_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal", "-epochs"}) ::chmod((path + suffix).c_str(), 0600);
}
}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
  if (options.path != ":memory:" && !options.path.empty()) make_store_files_private(options.path);
  // SQLite's memory statistics take a global mutex on every allocation; imhub never reads them,
  // and the lock showed in the writer's profile. Must precede the library's initialisation.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  return std::make_unique<SqliteStore>(options);
}

}  // namespace imhub
