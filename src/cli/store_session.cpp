#include "cli/store_session.hpp"

#include "app.hpp"
#include "cli/command.hpp"
#include "users/portal.hpp"

namespace imhub {

StoreLocation cli_store_location() {
  StoreLocation where;
  where.url = store_url_option();
  return where;
}

std::unique_ptr<Store> open_cli_store(const std::string& data) {
  auto store = open_store(data, Config{}, cli_store_location());
  init_portal(*store, load_or_create_master_key(data));
  return store;
}

}  // namespace imhub
