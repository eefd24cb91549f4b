#include "users/login_throttle.hpp"

#include <algorithm>

namespace imhub {
namespace {

constexpr size_t kSweepAbove = 10000;  // windows kept before the ended ones are dropped

std::string user_slot(std::string_view key) { return "u:" + std::string(key); }
std::string address_slot(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

int64_t LoginThrottle::wait(const std::string& key, int limit, int64_t now) const {
  auto it = windows_.find(key);
  if (it == windows_.end() || it->second.failures < limit) return 0;
  return std::max<int64_t>(0, it->second.start + limits_.window - now);
}

int64_t LoginThrottle::retry_after(std::string_view user_key, std::string_view address, int64_t now) {
  std::lock_guard lock(mu_);
  return std::max(wait(user_slot(user_key), limits_.per_user, now),
                  wait(address_slot(address), limits_.per_address, now));
}

void LoginThrottle::count(const std::string& key, int64_t now) {
  Window& w = windows_[key];
  if (now >= w.start + limits_.window) w = Window{now, 0};
  ++w.failures;
}

void LoginThrottle::sweep(int64_t now) {
  if (windows_.size() <= kSweepAbove) return;
  for (auto it = windows_.begin(); it != windows_.end();)
    it = now >= it->second.start + limits_.window ? windows_.erase(it) : std::next(it);
}

void LoginThrottle::record_failure(std::string_view user_key, std::string_view address, int64_t now) {
  std::lock_guard lock(mu_);
  sweep(now);
  count(user_slot(user_key), now);
  count(address_slot(address), now);
}

void LoginThrottle::record_success(std::string_view user_key) {
  std::lock_guard lock(mu_);
  windows_.erase(user_slot(user_key));
}

}  // namespace imhub
