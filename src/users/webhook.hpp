// Inbound webhooks: a user, a secret and scopes. Only a SHA-256 of the secret is stored; the
// presented secret is compared in constant time and never logged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct Webhook {
  int64_t id = 0;
  int64_t user_id = 0;
  std::vector<std::string> scopes;
  std::string title;
  int64_t created_at = 0;
  bool active = true;
};

constexpr size_t kWebhookSecretLength = 16;

// Stores a webhook for `secret` (random when empty) and returns it with the secret.
std::pair<Webhook, std::string> create_webhook(Conn& c, int64_t user_id, const std::vector<std::string>& scopes,
                                               const std::string& title, std::string secret = {});
// The active webhook of `user_id` whose secret matches, if any.
std::optional<Webhook> verify_webhook(Conn& c, int64_t user_id, const std::string& secret);
std::vector<Webhook> list_webhooks(Conn& c);
bool revoke_webhook(Conn& c, int64_t id);
std::string webhook_path(int64_t user_id, const std::string& secret);

}  // namespace imhub
