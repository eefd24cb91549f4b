// Memory for the parsed header fields of one request at a time on a connection.
//
// Beast's parser allocates every header field as its own heap node (and the target once more),
// and frees them all when the request is done: a browser's request header is a dozen malloc/free
// pairs, and malloc and free were 8 % of the server's CPU under load. The fields of one request
// live exactly as long as that request, so they are carved out of a block the connection keeps
// (taken at its first request) and that is rewound when the next request begins; nothing is
// freed one by one. A header larger than the block (up to the 96 KB header limit) takes more
// blocks from the heap, given back at the rewind.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace imhub {

class RequestArena {
 public:
  RequestArena() = default;
  RequestArena(const RequestArena&) = delete;
  RequestArena& operator=(const RequestArena&) = delete;

  void* allocate(size_t n, size_t align) {
    if (!blocks_.empty())
      if (void* p = carve(blocks_.back(), n, align)) return p;
    const size_t size = std::max(blocks_.empty() ? kFirstBlock : kExtraBlock, n + align);
    blocks_.push_back(Block{std::unique_ptr<std::byte[]>(new std::byte[size]), size});
    used_ = 0;
    return carve(blocks_.back(), n, align);
  }

  // The previous request is done with everything it took: the first block is kept for the next,
  // unless one large header made it larger than usual.
  void rewind() {
    if (!blocks_.empty() && blocks_.front().size != kFirstBlock) blocks_.clear();
    if (blocks_.size() > 1) blocks_.resize(1);
    used_ = 0;
  }

  // Gives every block back (a connection the push server takes over keeps no request memory).
  void release() {
    blocks_.clear();
    used_ = 0;
  }

 private:
  static constexpr size_t kFirstBlock = 2048;  // a browser's header fits
  static constexpr size_t kExtraBlock = 16 * 1024;

  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
  };

  // From the newest block; null when it has no room.
  void* carve(Block& block, size_t n, size_t align) {
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start > block.size || block.size - start < n) return nullptr;
    used_ = start + n;
    return block.data.get() + start;
  }

  std::vector<Block> blocks_;
  size_t used_ = 0;  // in the newest block
};

// A standard allocator over a RequestArena: deallocation does nothing, the rewind frees.
template <class T>
struct ArenaAllocator {
  using value_type = T;
  RequestArena* arena;

  explicit ArenaAllocator(RequestArena& a) noexcept : arena(&a) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena(other.arena) {}  // NOLINT: rebinding

  T* allocate(size_t n) { return static_cast<T*>(arena->allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, size_t) noexcept {}

  template <class U>
  bool operator==(const ArenaAllocator<U>& other) const noexcept {
    return arena == other.arena;
  }
};

}  // namespace imhub
