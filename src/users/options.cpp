#include "users/options.hpp"

namespace imhub {

std::vector<std::pair<std::string, std::string>> app_options(Conn& c, const std::string& owner) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Row& r : c.query("SELECT name, value FROM app_options WHERE owner = $1 ORDER BY name", {owner}))
    out.emplace_back(r.str(0), r.str(1));
  return out;
}

void set_app_option(Conn& c, const std::string& owner, const std::string& name, const std::string& value) {
  c.exec(
      "INSERT INTO app_options (owner, name, value) VALUES ($1, $2, $3) "
      "ON CONFLICT (owner, name) DO UPDATE SET value = excluded.value",
      {owner, name, value});
}

std::vector<std::pair<std::string, std::string>> user_options(Conn& c, const std::string& owner, int64_t user_id) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Row& r : c.query("SELECT name, value FROM user_options WHERE owner = $1 AND user_id = $2 ORDER BY name",
                              {owner, user_id}))
    out.emplace_back(r.str(0), r.str(1));
  return out;
}

void set_user_option(Conn& c, const std::string& owner, int64_t user_id, const std::string& name,
                     const std::string& value) {
  c.exec(
      "INSERT INTO user_options (owner, user_id, name, value) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (owner, user_id, name) DO UPDATE SET value = excluded.value",
      {owner, user_id, name, value});
}

}  // namespace imhub
