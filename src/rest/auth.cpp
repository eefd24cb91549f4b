#include "rest/auth.hpp"

#include <unordered_map>

#include "api/services.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/thread_cache.hpp"
#include "users/user.hpp"
#include "users/webhook.hpp"

namespace imhub {

CallerPtr Auth::authenticate(const Credentials& creds, Services& services) const {
  for (const auto& a : chain_)
    if (auto caller = a->authenticate(creds, services)) return caller;
  throw ApiError(errors::kNoAuthFound);
}

namespace {

// Verified webhooks are kept in memory, keyed by login and the secret's hash, and trusted
// while neither the webhooks nor the users table has changed since they were verified (a
// revoke by the CLI in another process counts). Each thread keeps its own entries, so the hot
// path shares no lock or reference count between cores. Failures are never cached, so a wrong
// secret always costs a store read.
class WebhookAuthenticator final : public Authenticator {
 public:
  CallerPtr authenticate(const Credentials& creds, Services& services) override {
    if (!creds.webhook_user || !creds.webhook_secret) return nullptr;
    const uint64_t epoch = services.store.table_epoch("webhooks") + services.store.table_epoch("users");
    std::string key = *creds.webhook_user + '\n' + sha256_hex(*creds.webhook_secret);
    if (const CallerPtr* hit = cache_.find(key, epoch)) return *hit;
    CallerPtr caller = std::make_shared<const Caller>(verify(creds, services));  // throws on failure
    cache_.put(std::move(key), caller);
    return caller;
  }

 private:
  ThreadCache<std::string, CallerPtr> cache_{4096};

  static Caller verify(const Credentials& creds, Services& services) {
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
    return *caller;
  }
};

}  // namespace

std::unique_ptr<Authenticator> make_webhook_authenticator() { return std::make_unique<WebhookAuthenticator>(); }

}  // namespace imhub
