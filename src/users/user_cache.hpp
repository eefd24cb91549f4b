// Users by id, kept in memory: nearly every call needs the caller's or its peers' records,
// and they change rarely. The cache is dropped whole when the users or user_departments table
// moves (Store::table_epoch), so it never serves a record older than the last commit.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <unordered_map>

#include "users/user.hpp"

namespace imhub {

class UserCache {
 public:
  explicit UserCache(Store& store) : store_(store) {}
  // The stored user (departments filled), or null when there is none.
  std::shared_ptr<const User> find(int64_t id);

 private:
  static constexpr size_t kMaxEntries = 100000;
  uint64_t epoch() const;
  Store& store_;
  std::shared_mutex mu_;
  uint64_t epoch_ = 0;
  std::unordered_map<int64_t, std::shared_ptr<const User>> users_;
};

}  // namespace imhub
