// Users by id, kept in memory: nearly every call needs the caller's or its peers' records,
// and they change rarely. Each thread keeps its own copy (no lock, no reference count shared
// between cores on the hot path), dropped whole when the users or user_departments table moves
// (Store::table_epoch), so it never serves a record older than the last commit.
#pragma once

#include <cstdint>
#include <memory>

#include "core/thread_cache.hpp"
#include "users/user.hpp"

namespace imhub {

class UserCache {
 public:
  explicit UserCache(Store& store) : store_(store) {}
  // The stored user (departments filled), or null when there is none.
  std::shared_ptr<const User> find(int64_t id);

 private:
  uint64_t epoch() const;
  Store& store_;
  ThreadCache<int64_t, std::shared_ptr<const User>> cache_{100000};
};

}  // namespace imhub
