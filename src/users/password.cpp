#include "users/password.hpp"

#include "users/session.hpp"

namespace imhub {
namespace {

// Columns of SignInUser, over users u left-joined to user_passwords p.
constexpr const char* kSelect =
    "SELECT u.id, u.is_admin, COALESCE(p.hash, '') FROM users u LEFT JOIN user_passwords p ON p.user_id = u.id "
    "WHERE u.active = 1 AND u.external_auth_id NOT IN ('bot', 'imconnector', 'email', 'replica') AND ";

SignInUser read(const Row& r) { return SignInUser{r.i64(0), r.i64(1) != 0, r.str(2)}; }

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::optional<SignInUser> sign_in_user_by_id(Conn& c, int64_t id) {
  auto row = c.query_one(std::string(kSelect) + "u.id = $1", {id});
  if (!row) return std::nullopt;
  return read(*row);
}

std::optional<SignInUser> find_sign_in_user(Conn& c, std::string_view login) {
  if (all_digits(login)) return sign_in_user_by_id(c, std::stoll(std::string(login)));
  if (login.find('@') == std::string_view::npos) return std::nullopt;
  Rows rows = c.query(std::string(kSelect) + "LOWER(u.email) = LOWER($1) LIMIT 2", {std::string(login)});
  if (rows.size() != 1) return std::nullopt;  // an address two people share names neither
  return read(rows.front());
}

void save_password_hash(Conn& c, int64_t user_id, const std::string& hash, int64_t now) {
  c.exec(
      "INSERT INTO user_passwords (user_id, hash, updated_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at",
      {user_id, hash, now});
  end_user_sessions(c, user_id);
}

}  // namespace imhub
