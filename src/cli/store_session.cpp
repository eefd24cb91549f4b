#include "cli/store_session.hpp"

#include "app.hpp"
#include "users/portal.hpp"

namespace imhub {

std::unique_ptr<Store> open_cli_store(const std::string& data) {
  auto store = open_store(data, Config{});
  init_portal(*store, load_or_create_master_key(data));
  return store;
}

}  // namespace imhub
