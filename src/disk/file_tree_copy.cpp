#include "disk/file_tree_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace imhub {
namespace fs = std::filesystem;

namespace {

constexpr size_t kChunk = 1 << 20;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

class Fd {
 public:
  Fd(const std::string& path, int flags, mode_t mode = 0) : fd_(::open(path.c_str(), flags | O_CLOEXEC, mode)) {
    if (fd_ < 0) fail("cannot open", path);
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `want` bytes (fewer only at the end of the file).
size_t read_full(int fd, char* buf, size_t want, const std::string& path) {
  size_t got = 0;
  while (got < want) {
    const ssize_t n = ::read(fd, buf + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

void write_full(int fd, const char* buf, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, buf, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", path);
    buf += n;
    size -= static_cast<size_t>(n);
  }
}

bool same_bytes(const std::string& a, const std::string& b) {
  Fd fa(a, O_RDONLY), fb(b, O_RDONLY);
  std::vector<char> x(kChunk), y(kChunk);
  for (;;) {
    const size_t n = read_full(fa.get(), x.data(), kChunk, a);
    const size_t m = read_full(fb.get(), y.data(), kChunk, b);
    if (n != m || std::memcmp(x.data(), y.data(), n) != 0) return false;
    if (n < kChunk) return true;
  }
}

void fsync_dir(const fs::path& dir) {
  Fd d(dir.string(), O_RDONLY | O_DIRECTORY);
  if (::fsync(d.get()) != 0) fail("cannot fsync", dir.string());
}

int64_t copy_one(const fs::path& from, const fs::path& to) {
  const std::string tmp = to.string() + ".tmp";
  int64_t bytes = 0;
  {
    Fd in(from.string(), O_RDONLY);
    Fd out(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    std::vector<char> buf(kChunk);
    for (;;) {
      const size_t n = read_full(in.get(), buf.data(), kChunk, from.string());
      write_full(out.get(), buf.data(), n, tmp);
      bytes += static_cast<int64_t>(n);
      if (n < kChunk) break;
    }
    if (::fsync(out.get()) != 0) fail("cannot fsync", tmp);
  }
  if (!same_bytes(from.string(), tmp)) throw std::runtime_error("the copy of " + from.string() + " differs from it");
  if (::rename(tmp.c_str(), to.c_str()) != 0) fail("cannot rename", tmp);
  fsync_dir(to.parent_path());
  return bytes;
}

}  // namespace

FileTreeCopy copy_file_tree(const std::string& from_root, const std::string& to_root) {
  FileTreeCopy out;
  fs::create_directories(to_root);
  if (fs::equivalent(from_root, to_root)) return out;
  for (const char* sub : {"files", "avatars"}) {
    const fs::path src = fs::path(from_root) / sub;
    std::error_code ec;
    if (!fs::is_directory(src, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(src); it != fs::recursive_directory_iterator(); ++it) {
      const fs::path rel = fs::relative(it->path(), src);
      const fs::path dst = fs::path(to_root) / sub / rel;
      if (it->is_directory()) {
        fs::create_directories(dst);
        continue;
      }
      // Unfinished blobs (*.tmp) are never named by a row: the start-up sweep removes them.
      if (!it->is_regular_file() || it->path().extension() == ".tmp") continue;
      fs::create_directories(dst.parent_path());
      if (fs::exists(dst, ec) && fs::file_size(dst, ec) == it->file_size()) {
        ++out.present;
        continue;
      }
      out.bytes += copy_one(it->path(), dst);
      ++out.copied;
    }
  }
  return out;
}

}  // namespace imhub
