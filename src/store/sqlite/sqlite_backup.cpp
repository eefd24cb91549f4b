#include "store/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace imhub {
namespace fs = std::filesystem;

namespace {

// One raw connection: the backup works below the Store interface (no pool, no writer thread).
class Db {
 public:
  Db(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open " + path + ": " + why);
    }
    sqlite3_busy_timeout(db_, 10000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw StoreError(sql + ": " + why);
    }
  }

  // The first column of the first row as text ("" when there is none); `bind` fills $1 if given.
  std::string one(const std::string& sql, const std::string* bind = nullptr, int64_t bind2 = 0) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw StoreError(sql + ": " + sqlite3_errmsg(db_));
    if (bind) sqlite3_bind_text(st, 1, bind->data(), static_cast<int>(bind->size()), SQLITE_TRANSIENT);
    if (bind2) sqlite3_bind_int64(st, 2, bind2);
    std::string out;
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw StoreError(sql + ": " + sqlite3_errmsg(db_));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The whole database in one step: one read transaction, so the copy is one consistent snapshot.
void copy_database(Db& from, Db& to, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!b) throw StoreError("cannot back up " + what + ": " + sqlite3_errmsg(to.get()));
  int rc;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw StoreError("backing up " + what + " failed: " + sqlite3_errstr(rc));
}

void check_intact(Db& db, const std::string& path) {
  const std::string verdict = db.one("PRAGMA integrity_check");
  if (verdict != "ok") throw StoreError(path + " is damaged: " + verdict);
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw StoreError("cannot open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw StoreError("cannot fsync " + path + ": " + std::strerror(errno));
}

std::string parent_of(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

}  // namespace

int64_t backup_sqlite(const std::string& db_path, const std::string& to, const std::string& master_key) {
  std::error_code ec;
  if (fs::exists(to, ec)) throw StoreError("the backup file " + to + " exists already; name a new one");
  const std::string tmp = to + ".tmp";
  fs::remove(tmp, ec);
  // Created 0600 before SQLite opens it: the copy will hold the master key.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError("cannot create " + tmp + ": " + std::strerror(errno));
  ::close(fd);
  try {
    {
      Db from(db_path, SQLITE_OPEN_READONLY);
      Db copy(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      copy_database(from, copy, db_path);
      // One file, no WAL beside it, and the key inside it.
      copy.exec("PRAGMA journal_mode = DELETE");
      if (!master_key.empty())
        copy.one(
            "INSERT INTO portal_secrets (name, value, created_at) VALUES ('master_key', ?1, ?2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &master_key, now_unix_seconds());
      check_intact(copy, tmp);
    }
    fsync_path(tmp, O_RDONLY);
    if (::rename(tmp.c_str(), to.c_str()) != 0) throw StoreError("cannot rename " + tmp + ": " + std::strerror(errno));
    fsync_path(parent_of(to), O_RDONLY | O_DIRECTORY);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  return static_cast<int64_t>(fs::file_size(to));
}

std::string restore_sqlite(const std::string& from, const std::string& db_path) {
  const std::string tmp = db_path + ".restore";
  std::error_code ec;
  fs::remove(tmp, ec);
  std::string key;
  try {
    {
      Db src(from, SQLITE_OPEN_READONLY);
      check_intact(src, from);
      if (src.one("SELECT count(*) FROM sqlite_master WHERE name = 'portal'") != "1" ||
          src.one("SELECT count(*) FROM portal") != "1")
        throw StoreError(from + " is not an imhub store backup (no portal)");
      Db copy(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      copy_database(src, copy, from);
      if (copy.one("SELECT count(*) FROM sqlite_master WHERE name = 'portal_secrets'") == "1") {
        key = copy.one("SELECT value FROM portal_secrets WHERE name = 'master_key'");
        copy.exec("DELETE FROM portal_secrets WHERE name = 'master_key'");
      }
    }
    fsync_path(tmp, O_RDONLY);
    // The old database's WAL must not be replayed into the new one: it goes first.
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(db_path + suffix, ec);
    if (::rename(tmp.c_str(), db_path.c_str()) != 0)
      throw StoreError("cannot rename " + tmp + ": " + std::strerror(errno));
    fsync_path(parent_of(db_path), O_RDONLY | O_DIRECTORY);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  return key;
}

bool sqlite_store_initialised(const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return false;
  Db db(db_path, SQLITE_OPEN_READONLY);
  return db.one("SELECT count(*) FROM sqlite_master WHERE name = 'portal'") == "1" &&
         db.one("SELECT count(*) FROM portal") != "0";
}

}  // namespace imhub
