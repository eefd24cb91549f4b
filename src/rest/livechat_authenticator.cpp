// Live-chat visitors as REST callers (protocol-openlines.md §8.2): the fourth kind of caller,
// beside webhooks, OAuth tokens and browser sessions. `livechat_auth_id` is "guest" before
// widget.user.register and the visitor's 32-hex hash after it. A person signed in to imhub, or a
// request that carries another credential too, is not a visitor (LIVECHAT_AUTH_PORTAL_USER).
// Malformed and unknown hashes count as failures of the client's address; after [livechat]
// auth_failures of them (3) within block_seconds every live-chat request from it is refused until
// the window ends (LIVECHAT_AUTH_BLOCKED), so hashes cannot be guessed at speed. Kept in memory,
// as the sign-in throttle.
//
// Which methods a visitor may call is decided per call (rest/livechat_gate.hpp), since batch
// sub-calls come through the same caller.
#include <spdlog/spdlog.h>

#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "openlines/livechat.hpp"
#include "rest/auth.hpp"
#include "users/login_throttle.hpp"
#include "users/session.hpp"

namespace imhub {
namespace {

constexpr std::string_view kGuest = "guest";

class LivechatAuthenticator final : public Authenticator {
 public:
  explicit LivechatAuthenticator(const Config& config)
      : failures_(
            LoginLimits{config.livechat_auth_failures, config.livechat_auth_failures, config.livechat_block_seconds}) {}

  CallerPtr authenticate(const Credentials& creds, Services& services) override {
    if (!creds.livechat) return nullptr;
    const int64_t now = now_unix_seconds();
    // The address counts as the "user" too: the throttle's two limits then both mean the address.
    if (failures_.retry_after(creds.remote, creds.remote, now) > 0) throw ApiError(errors::kLivechatBlocked);
    if (creds.token || creds.webhook_secret || signed_in(creds, services)) throw ApiError(errors::kLivechatPortalUser);
    auto caller = std::make_shared<Caller>();
    caller->kind = AuthKind::kLivechat;
    caller->address = creds.remote;
    caller->scopes = {"im", "imopenlines", "pull", "pull_channel", "disk"};
    const std::string& id = *creds.livechat;
    if (id == kGuest) return caller;
    if (!is_visitor_hash(id)) {
      failures_.record_failure(creds.remote, creds.remote, now);
      throw ApiError(errors::kLivechatFailed);
    }
    auto visitor = services.store.read_with([&](Conn& c) { return find_visitor(c, id); });
    if (!visitor) {
      failures_.record_failure(creds.remote, creds.remote, now);
      throw ApiError(errors::kLivechatWidgetUser);
    }
    caller->user_id = *visitor;
    caller->livechat_hash = id;
    return caller;
  }

 private:
  // A live browser session of imhub rides along (the page is imhub's own origin).
  static bool signed_in(const Credentials& creds, Services& services) {
    if (!creds.session) return false;
    const SessionPolicy policy = session_policy(services.config);
    auto session = services.store.read_with([&](Conn& c) { return find_session(c, *creds.session); });
    return session && session_live(*session, policy, now_unix_seconds());
  }

  LoginThrottle failures_;
};

}  // namespace

std::unique_ptr<Authenticator> make_livechat_authenticator(const Config& config) {
  return std::make_unique<LivechatAuthenticator>(config);
}

}  // namespace imhub
