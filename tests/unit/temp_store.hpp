// A migrated SQLite store in a directory of its own, removed afterwards: the unit tests that need
// a real store share this one.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace imhub {

struct TempStore {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  TempStore() {
    dir = std::filesystem::temp_directory_path() /
          ("imhub-unit-store-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir);
    SqliteOptions o;
    o.path = (dir / "t.db").string();
    o.synchronous_full = false;
    store = open_sqlite_store(o);
  }
  ~TempStore() {
    store->close();
    std::filesystem::remove_all(dir);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
};

}  // namespace imhub
