#include "http/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

namespace imhub {
namespace {

// The kernel's per-process ceiling: setrlimit refuses values above it even when the hard limit
// says "unlimited".
uint64_t kernel_nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t v = 0;
  if (in >> v && v > 0) return v;
  return 1 << 20;
}

}  // namespace

FdLimit raise_open_file_limit() {
  FdLimit out;
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return out;
  out.soft_before = out.soft = rl.rlim_cur;
  out.hard = rl.rlim_max;
  rlim_t target = rl.rlim_max == RLIM_INFINITY ? kernel_nr_open() : rl.rlim_max;
  if (target <= rl.rlim_cur) return out;
  rl.rlim_cur = target;
  if (::setrlimit(RLIMIT_NOFILE, &rl) == 0) out.soft = target;
  return out;
}

int64_t reserved_descriptors(const Config& c) {
  // SQLite: each connection holds the database, its WAL and shared memory; plus the writer,
  // syncer and checkpointer connections, the epoch file and the data directory lock.
  const int64_t store = 3 * (int64_t{c.store_read_connections} + 3) + 4;
  // Event delivery keeps up to `concurrency` sockets; previews and Giphy a few more.
  const int64_t outgoing = (c.events_enabled ? c.events_concurrency : 0) + 2 * int64_t{c.url_preview_workers} + 4;
  // Blocking file work (uploads, avatars) and io threads' wakeup descriptors; stdio, epoll,
  // listeners, and room for downloads being streamed.
  const int64_t local = 2 * int64_t{c.workers} + 2 * std::max(c.threads, 16) + 64;
  return store + outgoing + local;
}

int connection_limit(const Config& c, uint64_t soft) {
  const int64_t free = static_cast<int64_t>(std::min<uint64_t>(soft, INT32_MAX)) - reserved_descriptors(c);
  return static_cast<int>(std::clamp<int64_t>(free, 16, c.max_connections));
}

}  // namespace imhub
