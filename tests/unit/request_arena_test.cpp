#include "http/request_arena.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <cstring>
#include <string>

namespace imhub {
namespace {

bool aligned(const void* p, size_t align) { return reinterpret_cast<uintptr_t>(p) % align == 0; }

TEST(RequestArena, CarvesAlignedPiecesAndRewinds) {
  RequestArena arena;
  void* a = arena.allocate(3, 1);
  void* b = arena.allocate(16, 16);
  EXPECT_TRUE(aligned(b, 16));
  EXPECT_NE(a, b);
  std::memset(b, 0xab, 16);
  arena.rewind();
  EXPECT_EQ(arena.allocate(3, 1), a);  // the same block again: nothing went back to the heap
}

TEST(RequestArena, TakesMoreThanItsFirstBlockAndLetsItGo) {
  RequestArena arena;
  // A 64 KB request line as the first allocation, then small ones after it.
  char* big = static_cast<char*>(arena.allocate(64 * 1024, 1));
  std::memset(big, 'x', 64 * 1024);
  for (int i = 0; i < 100; ++i) std::memset(arena.allocate(100, 8), 'y', 100);
  EXPECT_EQ(big[0], 'x');
  EXPECT_EQ(big[64 * 1024 - 1], 'x');  // later pieces did not overlap it
  arena.rewind();
  void* small = arena.allocate(10, 1);
  std::memset(small, 'z', 10);
  arena.release();
  EXPECT_NE(arena.allocate(10, 1), nullptr);
}

TEST(RequestArena, HoldsBeastFields) {
  RequestArena arena;
  for (int round = 0; round < 3; ++round) {
    {  // a request's fields, gone before the rewind as the server's Incoming is
      boost::beast::http::basic_fields<ArenaAllocator<char>> fields{ArenaAllocator<char>(arena)};
      for (int i = 0; i < 50; ++i) fields.set("X-Field-" + std::to_string(i), std::string(200, 'v'));
      fields.set(boost::beast::http::field::host, "example.org");
      EXPECT_EQ(fields["X-Field-49"], std::string(200, 'v'));
      EXPECT_EQ(fields[boost::beast::http::field::host], "example.org");
      fields.erase("X-Field-0");  // deallocation is a no-op, the rewind frees
      EXPECT_EQ(fields.count("X-Field-0"), 0u);
    }
    arena.rewind();
  }
}

}  // namespace
}  // namespace imhub
