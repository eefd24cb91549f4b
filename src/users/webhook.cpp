#include "users/webhook.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {
std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}
std::vector<std::string> split_scopes(const std::string& s) {
  std::vector<std::string> out;
  for (auto& part : split(s, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}
Webhook read_webhook(const Row& r) {
  return Webhook{r.i64(0), r.i64(1), split_scopes(r.str(2)), r.str(3), r.i64(4), r.i64(5) != 0};
}
}  // namespace

std::pair<Webhook, std::string> create_webhook(Conn& c, int64_t user_id, const std::vector<std::string>& scopes,
                                               const std::string& title, std::string secret) {
  if (secret.empty()) secret = random_token(kWebhookSecretLength);
  Webhook w{0, user_id, scopes, title, now_unix_seconds(), true};
  auto row = c.query_one(
      "INSERT INTO webhooks (user_id, secret_hash, scopes, title, created_at, active) VALUES ($1, $2, $3, $4, $5, 1) "
      "RETURNING id",
      {user_id, sha256_hex(secret), join_scopes(scopes), title, w.created_at});
  w.id = row->i64(0);
  return {w, secret};
}

std::optional<Webhook> verify_webhook(Conn& c, int64_t user_id, const std::string& secret) {
  const std::string presented = sha256_hex(secret);
  std::optional<Webhook> match;
  for (const Row& r :
       c.query("SELECT id, user_id, scopes, title, created_at, active, secret_hash FROM webhooks WHERE user_id = $1 "
               "AND active = 1",
               {user_id})) {
    if (constant_time_equals(r.str(6), presented) && !match) match = read_webhook(r);
  }
  return match;
}

std::vector<Webhook> list_webhooks(Conn& c) {
  std::vector<Webhook> out;
  for (const Row& r : c.query("SELECT id, user_id, scopes, title, created_at, active FROM webhooks ORDER BY id"))
    out.push_back(read_webhook(r));
  return out;
}

bool revoke_webhook(Conn& c, int64_t id) {
  return c.exec("UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1", {id}) > 0;
}

std::string webhook_path(int64_t user_id, const std::string& secret) {
  return "/rest/" + std::to_string(user_id) + "/" + secret + "/";
}

}  // namespace imhub
