#include "http/spooled_body.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace imhub {
namespace {

// An anonymous file in `dir`: O_TMPFILE where the file system has it, else a named file that is
// unlinked at once. Either way nothing is left to clean up after a crash.
int open_anonymous_file(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string name = dir + "/.body-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

SpooledBytes& SpooledBytes::operator=(SpooledBytes&& other) noexcept {
  if (this == &other) return *this;
  reset();
  dir_ = std::exchange(other.dir_, nullptr);
  threshold_ = other.threshold_;
  memory_ = std::move(other.memory_);
  fd_ = other.fd_;
  file_size_ = other.file_size_;
  map_ = other.map_;
  other.fd_ = -1;
  other.file_size_ = 0;
  other.map_ = nullptr;
  return *this;
}

void SpooledBytes::reset() noexcept {
  if (map_) ::munmap(map_, file_size_);
  if (fd_ >= 0) ::close(fd_);
  map_ = nullptr;
  fd_ = -1;
  file_size_ = 0;
  memory_.clear();
}

std::string_view SpooledBytes::view() const {
  if (fd_ < 0) return memory_;
  if (!map_) return {};
  return std::string_view(static_cast<const char*>(map_), file_size_);
}

bool SpooledBytes::begin(std::optional<uint64_t> length) {
  if (length && *length > threshold_) return spool_memory();
  if (length) memory_.reserve(static_cast<size_t>(*length));
  return true;
}

bool SpooledBytes::spool_memory() {
  if (!dir_ || dir_->empty()) return true;  // no spool directory configured: stay in memory
  fd_ = open_anonymous_file(*dir_);
  if (fd_ < 0) return false;
  if (!write_all(fd_, memory_.data(), memory_.size())) return false;
  file_size_ = memory_.size();
  std::string().swap(memory_);
  return true;
}

bool SpooledBytes::append(const char* data, size_t n) {
  if (fd_ >= 0) {
    if (!write_all(fd_, data, n)) return false;
    file_size_ += n;
    return true;
  }
  memory_.append(data, n);
  // A chunked body has no length up front: it moves to a file once it outgrows the threshold.
  return memory_.size() <= threshold_ || spool_memory();
}

bool SpooledBytes::finish() {
  if (fd_ < 0 || file_size_ == 0) return true;
  void* p = ::mmap(nullptr, file_size_, PROT_READ, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) return false;
  map_ = p;
  return true;
}

}  // namespace imhub
