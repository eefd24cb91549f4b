#include "users/session.hpp"

#include <algorithm>

#include "core/crypto.hpp"

namespace imhub {
namespace {

constexpr size_t kTokenBytes = 32;  // 256 bits: the cookie
constexpr size_t kCsrfBytes = 16;   // 128 bits: the sessid

}  // namespace

NewSession open_session(Conn& c, int64_t user_id, const SessionPolicy& policy, int64_t now) {
  c.exec("DELETE FROM sessions WHERE created_at <= $1 OR seen_at <= $2", {now - policy.lifetime, now - policy.idle});
  NewSession s{random_hex(kTokenBytes), random_hex(kCsrfBytes)};
  c.exec("INSERT INTO sessions (token_hash, user_id, csrf, created_at, seen_at) VALUES ($1, $2, $3, $4, $4)",
         {sha256_hex(s.token), user_id, s.csrf, now});
  return s;
}

std::optional<SessionRow> find_session(Conn& c, std::string_view token) {
  if (token.empty()) return std::nullopt;
  auto r = c.query_one(
      "SELECT s.id, s.user_id, s.csrf, s.created_at, s.seen_at, u.is_admin FROM sessions s "
      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1",
      {sha256_hex(token)});
  if (!r) return std::nullopt;
  return SessionRow{r->i64(0), r->i64(1), r->str(2), r->i64(3), r->i64(4), r->i64(5) != 0};
}

bool session_live(const SessionRow& s, const SessionPolicy& policy, int64_t now) {
  return now < s.created_at + policy.lifetime && now < s.seen_at + policy.idle;
}

bool session_touch_due(const SessionRow& s, const SessionPolicy& policy, int64_t now) {
  return now - s.seen_at >= std::clamp<int64_t>(policy.idle / 10, 1, 60);
}

void touch_session(Conn& c, int64_t session_id, int64_t now) {
  c.exec("UPDATE sessions SET seen_at = $1 WHERE id = $2 AND seen_at < $1", {now, session_id});
}

bool csrf_matches(const SessionRow& s, std::string_view given) {
  return !given.empty() && !s.csrf.empty() && constant_time_equals(s.csrf, given);
}

bool close_session(Conn& c, std::string_view token) {
  if (token.empty()) return false;
  return c.exec("DELETE FROM sessions WHERE token_hash = $1", {sha256_hex(token)}) > 0;
}

void end_user_sessions(Conn& c, int64_t user_id) { c.exec("DELETE FROM sessions WHERE user_id = $1", {user_id}); }

}  // namespace imhub
