// Password hashes: Argon2id (libargon2) in the PHC string form ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"),
// so a stored hash carries its own parameters and old hashes keep verifying after they change.
#pragma once

#include <string>
#include <string_view>

namespace imhub {

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) costs ~30 ms here.
struct PasswordCost {
  uint32_t memory_kib = 19 * 1024;
  uint32_t passes = 2;
  uint32_t lanes = 1;
};

// A fresh random salt each call; throws std::runtime_error when libargon2 fails.
std::string hash_password(std::string_view password, const PasswordCost& cost = {});

// The library's verify (constant-time comparison of the derived hash). False for a malformed or
// empty `encoded`, which still costs one hash computation so unknown users cannot be told apart
// by timing.
bool verify_password(std::string_view encoded, std::string_view password);

}  // namespace imhub
