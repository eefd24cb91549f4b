#include "store/sqlite/table_epochs.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace imhub {

static_assert(std::atomic_ref<uint64_t>::is_always_lock_free, "shared counters need lock-free atomics");

namespace {
constexpr size_t kBytes = TableEpochs::kSlots * sizeof(uint64_t);

int slot_of(std::string_view table) {
  uint32_t h = 2166136261u;  // FNV-1a over the lower-cased name: SQL names are case-insensitive
  for (char ch : table) {
    h ^= static_cast<uint8_t>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    h *= 16777619u;
  }
  return static_cast<int>(h % TableEpochs::kSlots);
}
}  // namespace

TableEpochs::TableEpochs(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  // A new file is zero-filled; an existing one keeps its counters.
  if (::ftruncate(fd, kBytes) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot size " + path + ": " + std::strerror(errno));
  }
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) throw std::runtime_error("cannot map " + path + ": " + std::strerror(errno));
  slots_ = static_cast<uint64_t*>(p);
}

TableEpochs::~TableEpochs() {
  if (slots_) ::munmap(slots_, kBytes);
}

uint64_t TableEpochs::slot_bit(std::string_view table) { return uint64_t{1} << slot_of(table); }

uint64_t TableEpochs::current(std::string_view table) const {
  return std::atomic_ref<uint64_t>(slots_[slot_of(table)]).load(std::memory_order_acquire);
}

void TableEpochs::bump(uint64_t slot_mask) {
  for (int i = 0; i < kSlots; ++i)
    if (slot_mask & (uint64_t{1} << i)) std::atomic_ref<uint64_t>(slots_[i]).fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace imhub
