#include "cli/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace imhub {
namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

std::string init_hint(const std::string& data) {
  return "create one with `imhub init --data " + data + "` (or pass the right --data)";
}

// The pid written by the lock's holder, or "" when unreadable.
std::string read_pid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

void require_store(const std::string& data, const std::string& store_url) {
  std::error_code ec;
  if (!fs::exists(data, ec))
    throw DataDirError("data directory " + quoted(data) + " does not exist; " + init_hint(data));
  if (!fs::is_directory(data, ec)) throw DataDirError("data directory " + quoted(data) + " is not a directory");
  // A shared store keeps the master key itself (users/portal.hpp): a new node's directory may be
  // empty, and opening the store tells whether it was initialised.
  if (!store_url.empty()) return;
  if (!fs::exists(fs::path(data) / "imhub.db", ec))
    throw DataDirError("data directory " + quoted(data) + " holds no imhub store (no imhub.db); " + init_hint(data));
}

void prepare_data_dir(const std::string& data) {
  std::error_code ec;
  const fs::path dir(data);
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw DataDirError("data directory " + quoted(data) + " is not a directory");
    return;
  }
  fs::path parent = dir.lexically_normal().parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw DataDirError("cannot create data directory " + quoted(data) + ": its parent " + quoted(parent.string()) +
                       " does not exist (init creates only the last component)");
  if (::mkdir(data.c_str(), 0750) != 0 && errno != EEXIST)
    throw DataDirError("cannot create data directory " + quoted(data) + ": " + std::strerror(errno));
}

DataDirLock::DataDirLock(const std::string& data) {
  const std::string path = (fs::path(data) / "imhub.lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw DataDirError("cannot open " + quoted(path) + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string pid = read_pid(fd_);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw DataDirError("data directory " + quoted(data) + " is already served by another imhub (pid " +
                         (pid.empty() ? std::string("unknown") : pid) + ", lock " + quoted(path) + ")");
    throw DataDirError("cannot lock " + quoted(path) + ": " + std::strerror(err));
  }
  const std::string line = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    const int err = errno;
    ::close(fd_);
    throw DataDirError("cannot write " + quoted(path) + ": " + std::strerror(err));
  }
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

}  // namespace imhub
