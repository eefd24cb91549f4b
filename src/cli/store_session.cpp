#include "cli/store_session.hpp"

#include "app.hpp"
#include "cli/command.hpp"
#include "users/portal.hpp"

namespace imhub {

Config cli_store_config() {
  Config c;
  c.store_url = store_url_option();
  return c;
}

std::unique_ptr<Store> open_cli_store(const std::string& data) {
  auto store = open_store(data, cli_store_config());
  init_portal(*store, load_or_create_master_key(data));
  return store;
}

}  // namespace imhub
