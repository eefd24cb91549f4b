#include "rest/auth.hpp"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "rest/services.hpp"
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
// revoke by the CLI in another process counts). Failures are never cached, so a wrong secret
// always costs a store read.
class WebhookAuthenticator final : public Authenticator {
 public:
  CallerPtr authenticate(const Credentials& creds, Services& services) override {
    if (!creds.webhook_user || !creds.webhook_secret) return nullptr;
    // Read before the store: a change committed meanwhile leaves the entry already stale.
    const uint64_t epoch = services.store.table_epoch("webhooks") + services.store.table_epoch("users");
    std::string key = *creds.webhook_user + '\n' + sha256_hex(*creds.webhook_secret);
    {
      std::shared_lock lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && it->second.epoch == epoch) return it->second.caller;
    }
    CallerPtr caller = std::make_shared<const Caller>(verify(creds, services));
    std::unique_lock lock(mu_);
    if (cache_.size() >= kMaxEntries) cache_.clear();
    cache_.insert_or_assign(std::move(key), Entry{caller, epoch});
    return caller;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  struct Entry {
    CallerPtr caller;
    uint64_t epoch;
  };

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

  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace

std::unique_ptr<Authenticator> make_webhook_authenticator() { return std::make_unique<WebhookAuthenticator>(); }

}  // namespace imhub
