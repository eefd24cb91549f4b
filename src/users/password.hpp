// Users' passwords (issue 13 sign-in): the Argon2id hash per user in `user_passwords`, and who a
// login names. Hashing and comparison are core/password_hash's; nothing here sees a hash leave.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace imhub {

// Shorter passwords are refused by `imhub user passwd`; generated ones are longer.
inline constexpr size_t kMinPasswordLength = 8;

// Who may sign in: an active person (bots, connectors and other system users never do).
struct SignInUser {
  int64_t id = 0;
  bool is_admin = false;
  std::string password_hash;  // "" when no password was ever set
};

// The user a login names: a numeric id, or an e-mail address (case-insensitive) that exactly
// one such user has. Nullopt when it names nobody who may sign in.
std::optional<SignInUser> find_sign_in_user(Conn& c, std::string_view login);
// The same by id (the CLI's `user passwd ID`).
std::optional<SignInUser> sign_in_user_by_id(Conn& c, int64_t id);

// Stores `hash` (from hash_password) as the user's password and ends the user's sessions: a new
// password signs every browser out.
void save_password_hash(Conn& c, int64_t user_id, const std::string& hash, int64_t now);

}  // namespace imhub
