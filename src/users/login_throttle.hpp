// Failed sign-ins counted per user and per client address in fixed windows ([auth]
// login_failures_per_user / login_failures_per_address / login_window). Once either count is
// reached, every attempt is refused until the window ends, the right password included, so
// guessing costs the attacker the window. Kept in memory: a restart forgets the counts (an
// attacker gains one window per restart, and a restart is an administrator's act).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace imhub {

struct LoginLimits {
  int per_user = 5;
  int per_address = 20;
  int64_t window = 300;  // seconds
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}
  // Seconds until `user_key` may try again from `address`; 0 when it may now.
  int64_t retry_after(std::string_view user_key, std::string_view address, int64_t now);
  void record_failure(std::string_view user_key, std::string_view address, int64_t now);
  // A right password clears the user's count (not the address's: one account an attacker owns
  // must not reset the count of their guesses at others).
  void record_success(std::string_view user_key);

 private:
  struct Window {
    int64_t start = 0;
    int failures = 0;
  };
  int64_t wait(const std::string& key, int limit, int64_t now) const;
  void count(const std::string& key, int64_t now);
  void sweep(int64_t now);

  LoginLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace imhub
