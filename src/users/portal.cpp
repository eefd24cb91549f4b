#include "users/portal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "users/user.hpp"
#include "users/webhook.hpp"

namespace imhub {

const std::vector<std::string>& all_scopes() {
  static const std::vector<std::string> kScopes = {"department",   "disk",        "im",         "imbot",
                                                   "imconnector",  "imopenlines", "placement",  "pull",
                                                   "pull_channel", "user",        "user_basic", "user_brief"};
  return kScopes;
}

bool portal_exists(Conn& c) { return c.query_one("SELECT 1 FROM portal WHERE id = 1").has_value(); }

Portal load_portal(Conn& c) {
  auto row = c.query_one("SELECT member_id, created_at FROM portal WHERE id = 1");
  if (!row) throw StoreError("the store is not initialised: run `imhub init`");
  return Portal{row->str(0), row->i64(1)};
}

std::string load_or_create_master_key(const std::string& data_dir) {
  std::filesystem::create_directories(data_dir);
  const std::string path = data_dir + "/imhub.key";
  std::ifstream in(path);
  std::string key;
  if (in && std::getline(in, key) && key.size() == 64) return key;
  key = random_hex(32);
  // O_EXCL: two processes racing to create the key must not end up with different keys.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    std::ifstream again(path);
    std::string existing;
    if (again && std::getline(again, existing) && existing.size() == 64) return existing;
    throw StoreError("cannot create " + path);
  }
  std::string line = key + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw StoreError("cannot write " + path);
  return key;
}

InitResult init_portal(Store& store, const std::string& master_key) {
  // The init webhook's secret is derived from the master key so `init` can print it again.
  const std::string secret = hmac_sha256_hex(master_key, "init-webhook:1").substr(0, kWebhookSecretLength);
  InitResult result;
  result.webhook = webhook_path(1, secret);
  store.write([&](Conn& c) {
    if (portal_exists(c)) return;
    int64_t now = now_unix_seconds();
    c.exec("INSERT INTO portal (id, domain, member_id, created_at) VALUES (1, $1, $2, $3)",
           {std::string("imhub.local"), random_hex(16), now});
    // No explicit id: the first row of the empty table is 1 on both engines, and an id given by
    // hand would leave PostgreSQL's sequence behind it (the next department would collide).
    c.exec("INSERT INTO departments (name, sort, parent_id, head_id) VALUES ($1, 500, NULL, 1)",
           {std::string("Company")});
    User admin;
    admin.id = 1;
    admin.login = "admin";
    admin.name = "Admin";
    admin.is_admin = true;
    admin.departments = {1};
    admin.last_login = now;
    insert_user(c, admin);
    create_webhook(c, 1, all_scopes(), "init", secret);
    result.created = true;
  });
  return result;
}

}  // namespace imhub
