#include "http/health.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>

#include "core/clock.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

constexpr int64_t kProbeEverySeconds = 2;

// Where uploads go, from one statvfs: the free bytes for an unprivileged writer (-1 if unknown), and
// whether files can be written there. The data directory, or the shared `[files] dir` of several
// nodes, which is a mount that can go away (a stale or unmounted NFS export) while the node itself
// runs on; a balancer should then send uploads elsewhere.
struct FilesDir {
  int64_t free = -1;
  bool writable = false;
};

FilesDir files_dir_state(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return {};
  return {static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize),
          (st.f_flag & ST_RDONLY) == 0 && ::access(dir.c_str(), W_OK | X_OK) == 0};
}

// After a failed commit nothing else may write (the balancer has taken the node out), so a check
// asks the store itself: a one-row write that rewrites a page, at most every few seconds. Its
// outcome becomes the writer's last commit result, which the next check reports.
void probe_writes(Store& store) {
  static std::atomic<int64_t> last_probe{0};
  const auto now = static_cast<int64_t>(now_unix());
  int64_t last = last_probe.load();
  if (now - last < kProbeEverySeconds || !last_probe.compare_exchange_strong(last, now)) return;
  store.write_async([](Conn& c) { c.exec("UPDATE portal SET created_at = created_at WHERE id = 1", {}); },
                    [](std::exception_ptr) {});
}

}  // namespace

HttpReply health_reply(Services& s) {
  bool reads_ok = true;
  try {
    s.store.read([](Conn& c) { c.query("SELECT 1"); });
  } catch (const std::exception&) {
    reads_ok = false;
  }
  const StoreStats stats = s.store.stats();
  const bool writes_ok = stats.writes_ok;
  if (!writes_ok) probe_writes(s.store);
  const FilesDir files = files_dir_state(s.data_dir);
  const int64_t free = files.free;
  const bool disk_ok = free < 0 || free >= s.config.store_min_free_bytes;
  const bool files_ok = files.writable;
  const bool ok = reads_ok && writes_ok && disk_ok && files_ok;

  Value body = Value::map();
  body["status"] = std::string(ok ? "ok" : "failing");
  body["reads"] = std::string(reads_ok ? "ok" : "failing");
  body["writes"] = std::string(writes_ok ? "ok" : "failing");
  body["files"] = std::string(files_ok ? "ok" : "failing");
  if (!stats.writes_ok) {
    body["last_write_error"] = stats.write_error;
    body["last_write_error_at"] = Value(stats.write_error_at);
  }
  body["disk_free_bytes"] = Value(free);
  body["disk_min_free_bytes"] = Value(s.config.store_min_free_bytes);
  HttpReply reply;
  reply.status = ok ? 200 : 503;
  reply.body = to_plain_json(body);
  reply.label = "healthz";
  return reply;
}

}  // namespace imhub
