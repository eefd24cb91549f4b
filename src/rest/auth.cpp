#include "rest/auth.hpp"

#include "core/error.hpp"
#include "rest/services.hpp"
#include "users/user.hpp"
#include "users/webhook.hpp"

namespace imhub {

Caller Auth::authenticate(const Credentials& creds, Services& services) const {
  for (const auto& a : chain_)
    if (auto caller = a->authenticate(creds, services)) return *caller;
  throw ApiError(errors::kNoAuthFound);
}

namespace {

class WebhookAuthenticator final : public Authenticator {
 public:
  std::optional<Caller> authenticate(const Credentials& creds, Services& services) override {
    if (!creds.webhook_user || !creds.webhook_secret) return std::nullopt;
    const std::string& login = *creds.webhook_user;
    const std::string& secret = *creds.webhook_secret;
    std::optional<Caller> caller;
    services.store.read([&](Conn& c) {
      std::optional<int64_t> user_id;
      if (!login.empty() && login.find_first_not_of("0123456789") == std::string::npos && login.size() < 19) {
        user_id = std::stoll(login);
      } else if (auto row = c.query_one("SELECT id FROM users WHERE login = $1 AND active = 1", {login})) {
        user_id = row->i64(0);  // `aplogin` may be a LOGIN (protocol.md §1.1)
      }
      if (!user_id) return;
      auto hook = verify_webhook(c, *user_id, secret);
      if (!hook) return;
      auto user = c.query_one("SELECT active, is_admin FROM users WHERE id = $1", {*user_id});
      if (!user || user->i64(0) == 0) return;
      Caller k;
      k.kind = AuthKind::kWebhook;
      k.user_id = *user_id;
      k.is_admin = user->i64(1) != 0;
      k.webhook_id = hook->id;
      k.scopes = hook->scopes;
      caller = std::move(k);
    });
    if (!caller) throw ApiError(errors::kInvalidCredentials);
    return caller;
  }
};

}  // namespace

std::unique_ptr<Authenticator> make_webhook_authenticator() { return std::make_unique<WebhookAuthenticator>(); }

}  // namespace imhub
