// Browser sessions as REST callers (issue 13): the session cookie names the session, and every
// call must carry its CSRF token (`sessid` parameter or X-Bitrix-Csrf-Token header) — the
// cookie alone comes with any cross-site request, the token only from imhub's own pages. The
// caller is the user with every scope; methods the platform refuses to sessions check
// AuthKind::kSession themselves (WRONG_AUTH_TYPE).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include "api/registry.hpp"
#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "rest/auth.hpp"
#include "users/session.hpp"

namespace imhub {
namespace {

// Records the use without making the request wait for it (idle expiry needs no more precision
// than session_touch_due's step).
void touch_later(Store& store, int64_t session_id, int64_t now) {
  store.write_async([session_id, now](Conn& c) { touch_session(c, session_id, now); },
                    [](std::exception_ptr e) {
                      if (!e) return;
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& ex) {
                        spdlog::warn("session: last use not recorded: {}", ex.what());
                      }
                    });
}

class SessionAuthenticator final : public Authenticator {
 public:
  // Every scope a method needs: a person in the browser may do all a user may.
  const std::vector<std::string>& scopes(const Services& services) {
    std::call_once(scopes_once_, [&] {
      for (const std::string& listed : services.registry.scopes())
        for (const std::string& s : split(listed, ','))
          if (std::find(scopes_.begin(), scopes_.end(), s) == scopes_.end()) scopes_.push_back(s);
    });
    return scopes_;
  }

  CallerPtr authenticate(const Credentials& creds, Services& services) override {
    if (!creds.session) return nullptr;
    const SessionPolicy policy = session_policy(services.config);
    const int64_t now = now_unix_seconds();
    auto session = services.store.read_with([&](Conn& c) { return find_session(c, *creds.session); });
    if (!session || !session_live(*session, policy, now)) throw ApiError(errors::kSessionNotAuthorized);
    if (!csrf_matches(*session, creds.csrf.value_or(""))) throw ApiError(errors::kSessidCheckFailed);
    if (session_touch_due(*session, policy, now)) touch_later(services.store, session->id, now);
    auto caller = std::make_shared<Caller>();
    caller->kind = AuthKind::kSession;
    caller->user_id = session->user_id;
    caller->is_admin = session->is_admin;
    caller->scopes = scopes(services);
    return caller;
  }

 private:
  std::once_flag scopes_once_;
  std::vector<std::string> scopes_;
};

}  // namespace

SessionPolicy session_policy(const Config& config) {
  return SessionPolicy{config.auth_session_idle_timeout, config.auth_session_lifetime};
}

std::unique_ptr<Authenticator> make_session_authenticator() { return std::make_unique<SessionAuthenticator>(); }

}  // namespace imhub
