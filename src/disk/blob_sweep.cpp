#include "disk/blob_sweep.hpp"

#include <chrono>
#include <filesystem>
#include <unordered_set>

namespace imhub {
namespace {

namespace fs = std::filesystem;

constexpr auto kGrace = std::chrono::minutes(1);

bool recently_modified(const fs::directory_entry& e) {
  std::error_code ec;
  const auto t = e.last_write_time(ec);
  return ec || fs::file_time_type::clock::now() - t < kGrace;
}

}  // namespace

BlobSweep sweep_orphan_blobs(Store& store, const std::string& data_dir) {
  BlobSweep out;
  const fs::path root = fs::path(data_dir) / "files";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  std::unordered_set<std::string> named;
  store.read([&](Conn& c) {
    for (const Row& r : c.query("SELECT blob FROM disk_objects WHERE blob <> ''")) named.insert(r.str(0));
  });
  for (const auto& dir : fs::directory_iterator(root, ec)) {
    if (!dir.is_directory(ec)) continue;
    for (const auto& f : fs::directory_iterator(dir.path(), ec)) {
      if (!f.is_regular_file(ec) || recently_modified(f)) continue;
      const std::string name = f.path().filename().string();
      const bool temporary = f.path().extension() == ".tmp";
      if (!temporary && named.count(name)) continue;
      const auto size = static_cast<int64_t>(f.file_size(ec));
      if (!fs::remove(f.path(), ec)) continue;
      ++(temporary ? out.temporary : out.orphans);
      out.bytes += size;
    }
  }
  return out;
}

}  // namespace imhub
