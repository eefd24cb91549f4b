#include "core/password_hash.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace imhub {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

// A well-formed hash of a password nobody knows, checked when the stored one is missing or
// broken, so a wrong login costs the same as a wrong password.
const std::string& decoy_hash() {
  static const std::string decoy = hash_password("imhub decoy password: never matches");
  return decoy;
}

}  // namespace

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("password hash: no random salt");
  const size_t length = argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  const int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(), password.size(), salt,
                                       sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("password hash: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
  const bool usable = encoded.rfind("$argon2id$", 0) == 0;
  const std::string stored(usable ? encoded : std::string_view(decoy_hash()));
  const int rc = argon2id_verify(stored.c_str(), password.data(), password.size());
  return usable && rc == ARGON2_OK;
}

}  // namespace imhub
