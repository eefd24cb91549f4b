#include "store/sqlite/wal_write_batch.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace imhub {
namespace {

constexpr int kFrameHeaderBytes = 24;  // the WAL frame header (fileformat2, 4.1)
// The default VFS writes at most 128 KB - 1 in one call (a longer write comes back short, as a
// full disk: unixWrite's seekAndWriteFd masks the length with 0x1ffff), so the buffer goes out
// in writes of at most that: about 30 frames of 4 KB pages each.
constexpr size_t kMaxBuffered = 0x1ffff;
constexpr const char* kVfsName = "imhub-wal-batch";

sqlite3_vfs* g_base = nullptr;  // the default VFS this one wraps

// The state of a WAL file opened through this VFS. SQLite allocates szOsFile bytes for a file and
// hands them to xOpen: this struct first, the default VFS's own file right after it.
struct BatchFile {
  sqlite3_file base;  // must be first: SQLite sees this
  sqlite3_file* real;
  std::vector<char> buffer;
  sqlite3_int64 buffer_at = 0;  // file offset of buffer[0]
  bool commit_frame = false;    // the last write was a commit frame's header: its page ends the commit
};

BatchFile* self(sqlite3_file* f) { return reinterpret_cast<BatchFile*>(f); }

size_t real_offset() { return (sizeof(BatchFile) + 7) & ~size_t{7}; }

int flush(BatchFile* f) {
  if (f->buffer.empty()) return SQLITE_OK;
  const int rc = f->real->pMethods->xWrite(f->real, f->buffer.data(), static_cast<int>(f->buffer.size()), f->buffer_at);
  f->buffer.clear();
  return rc;
}

// A frame header of a commit record carries the database size after the commit (big-endian, bytes
// 4-7); every other frame carries zero there.
bool is_commit_frame_header(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) return false;
  const auto* p = static_cast<const unsigned char*>(data);
  return (p[4] | p[5] | p[6] | p[7]) != 0;
}

int batch_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  BatchFile* f = self(file);
  const bool ends_commit = std::exchange(f->commit_frame, false);
  const auto end = f->buffer_at + static_cast<sqlite3_int64>(f->buffer.size());
  if (!f->buffer.empty() && (offset != end || f->buffer.size() + static_cast<size_t>(amount) > kMaxBuffered)) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (static_cast<size_t>(amount) > kMaxBuffered) {  // never a WAL frame; written as it comes
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    f->commit_frame = false;
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
  }
  if (f->buffer.empty()) f->buffer_at = offset;
  const auto* bytes = static_cast<const char*>(data);
  f->buffer.insert(f->buffer.end(), bytes, bytes + amount);
  if (ends_commit) return flush(f);
  f->commit_frame = is_commit_frame_header(data, amount);
  return SQLITE_OK;
}

int batch_close(sqlite3_file* file) {
  BatchFile* f = self(file);
  const int flushed = flush(f);
  const int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  f->~BatchFile();
  return flushed != SQLITE_OK ? flushed : rc;
}

int batch_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  BatchFile* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, out, amount, offset);
}

int batch_truncate(sqlite3_file* file, sqlite3_int64 size) {
  BatchFile* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int batch_sync(sqlite3_file* file, int flags) {
  BatchFile* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int batch_file_size(sqlite3_file* file, sqlite3_int64* size) {
  BatchFile* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int batch_file_control(sqlite3_file* file, int op, void* arg) {
  BatchFile* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

// The rest are the default VFS's own, on its file.
int batch_lock(sqlite3_file* f, int level) { return self(f)->real->pMethods->xLock(self(f)->real, level); }
int batch_unlock(sqlite3_file* f, int level) { return self(f)->real->pMethods->xUnlock(self(f)->real, level); }
int batch_check_reserved(sqlite3_file* f, int* out) {
  return self(f)->real->pMethods->xCheckReservedLock(self(f)->real, out);
}
int batch_sector_size(sqlite3_file* f) { return self(f)->real->pMethods->xSectorSize(self(f)->real); }
int batch_device(sqlite3_file* f) { return self(f)->real->pMethods->xDeviceCharacteristics(self(f)->real); }
int batch_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return self(f)->real->pMethods->xShmMap(self(f)->real, page, size, extend, out);
}
int batch_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return self(f)->real->pMethods->xShmLock(self(f)->real, offset, n, flags);
}
void batch_shm_barrier(sqlite3_file* f) { self(f)->real->pMethods->xShmBarrier(self(f)->real); }
int batch_shm_unmap(sqlite3_file* f, int remove) { return self(f)->real->pMethods->xShmUnmap(self(f)->real, remove); }
// No memory-mapped reads of the WAL: they would bypass the buffer.
int batch_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int batch_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kBatchMethods = {
    3,
    batch_close,
    batch_read,
    batch_write,
    batch_truncate,
    batch_sync,
    batch_file_size,
    batch_lock,
    batch_unlock,
    batch_check_reserved,
    batch_file_control,
    batch_sector_size,
    batch_device,
    batch_shm_map,
    batch_shm_lock,
    batch_shm_barrier,
    batch_shm_unmap,
    batch_fetch,
    batch_unfetch,
};

// Opens the WAL through the batching file; every other file is the default VFS's own, in place.
int batch_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_WAL)) return g_base->xOpen(g_base, name, file, flags, out_flags);
  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + real_offset());
  std::memset(real, 0, static_cast<size_t>(g_base->szOsFile));
  file->pMethods = nullptr;
  const int rc = g_base->xOpen(g_base, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; the default VFS may have set its own.
    if (real->pMethods) real->pMethods->xClose(real);
    return rc;
  }
  auto* f = new (file) BatchFile{};
  f->real = real;
  f->buffer.reserve(kMaxBuffered);
  f->base.pMethods = &kBatchMethods;
  return SQLITE_OK;
}

int base_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_base->xDelete(g_base, name, sync_dir); }
int base_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base->xAccess(g_base, name, flags, out);
}
int base_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* base_dl_open(sqlite3_vfs*, const char* name) { return g_base->xDlOpen(g_base, name); }
void base_dl_error(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*base_dl_sym(sqlite3_vfs*, void* lib, const char* sym))(void) { return g_base->xDlSym(g_base, lib, sym); }
void base_dl_close(sqlite3_vfs*, void* lib) { g_base->xDlClose(g_base, lib); }
int base_randomness(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int base_sleep(sqlite3_vfs*, int us) { return g_base->xSleep(g_base, us); }
int base_current_time(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int base_last_error(sqlite3_vfs*, int n, char* out) { return g_base->xGetLastError(g_base, n, out); }
int base_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_base->xCurrentTimeInt64(g_base, out); }

sqlite3_vfs g_vfs{};

}  // namespace

const char* wal_write_batch_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    g_vfs.iVersion = 2;  // the system-call overrides of version 3 stay the default VFS's
    g_vfs.szOsFile = static_cast<int>(real_offset()) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = batch_open;
    g_vfs.xDelete = base_delete;
    g_vfs.xAccess = base_access;
    g_vfs.xFullPathname = base_full_pathname;
    g_vfs.xDlOpen = base_dl_open;
    g_vfs.xDlError = base_dl_error;
    g_vfs.xDlSym = base_dl_sym;
    g_vfs.xDlClose = base_dl_close;
    g_vfs.xRandomness = base_randomness;
    g_vfs.xSleep = base_sleep;
    g_vfs.xCurrentTime = base_current_time;
    g_vfs.xGetLastError = base_last_error;
    g_vfs.xCurrentTimeInt64 = base_current_time64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return kVfsName;
}

}  // namespace imhub
