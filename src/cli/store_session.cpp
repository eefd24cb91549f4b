#include "cli/store_session.hpp"

#include "app.hpp"
#include "cli/command.hpp"
#include "users/master_key.hpp"
#include "users/portal.hpp"

namespace imhub {

StoreLocation cli_store_location() {
  StoreLocation where;
  where.url = store_url_option();
  return where;
}

std::string cli_master_key(Store& store, const std::string& data) {
  return load_master_key(store, data, !store_url_option().empty(), false);
}

std::unique_ptr<Store> open_cli_store(const std::string& data) {
  auto store = open_store(data, Config{}, cli_store_location());
  init_portal(*store, cli_master_key(*store, data));
  return store;
}

}  // namespace imhub
