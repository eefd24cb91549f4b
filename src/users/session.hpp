// Browser sessions (issue 13): the third kind of caller. A session is a random token in an
// HttpOnly cookie plus a CSRF token (Bitrix24's `sessid`) the page sends with every call. Only
// the SHA-256 of the cookie token is stored, so a copy of the database signs nobody in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace imhub {

// How long a session lives: `idle` seconds after its last use, and never more than `lifetime`
// seconds after sign-in ([auth] session_idle_timeout / session_lifetime).
struct SessionPolicy {
  int64_t idle = 0;
  int64_t lifetime = 0;
};

// What sign-in hands the browser: `token` goes into the cookie, `csrf` to the page.
struct NewSession {
  std::string token;
  std::string csrf;
};

struct SessionRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string csrf;
  int64_t created_at = 0;
  int64_t seen_at = 0;
  bool is_admin = false;
};

// Writes a new session for `user_id` (and drops the expired ones of everybody, so the table
// stays the size of the live sessions).
NewSession open_session(Conn& c, int64_t user_id, const SessionPolicy& policy, int64_t now);

// The session `token` names, if it exists and its user is still active (not checked: expiry).
std::optional<SessionRow> find_session(Conn& c, std::string_view token);

bool session_live(const SessionRow& s, const SessionPolicy& policy, int64_t now);

// Whether `seen_at` is stale enough to record a new use: a write per request would cost more
// than the idle timeout's precision is worth, so at most one per tenth of the idle timeout
// (and at least one a minute).
bool session_touch_due(const SessionRow& s, const SessionPolicy& policy, int64_t now);
void touch_session(Conn& c, int64_t session_id, int64_t now);

// Constant-time comparison of the CSRF token the request carries with the session's; an empty
// or absent token never matches.
bool csrf_matches(const SessionRow& s, std::string_view given);

// Sign-out: the session `token` names is deleted. False when there was none.
bool close_session(Conn& c, std::string_view token);
void end_user_sessions(Conn& c, int64_t user_id);

}  // namespace imhub
