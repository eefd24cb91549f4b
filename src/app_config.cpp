#include "app_config.hpp"

#include "bots/bots_config.hpp"
#include "disk/files_config.hpp"
#include "events/events_config.hpp"
#include "http/auth_config.hpp"
#include "http/server_config.hpp"
#include "http/web_config.hpp"
#include "ops/log_config.hpp"
#include "previews/url_preview_config.hpp"
#include "push/push_config.hpp"
#include "rest/rest_config.hpp"
#include "store/store_config.hpp"

namespace imhub {

void describe_config(ConfigSchema& schema, Config& c, StoreLocation& where) {
  describe_server_config(schema, c);
  describe_files_config(schema, c, where);
  describe_rest_config(schema, c);
  describe_store_config(schema, c, where);
  describe_url_preview_config(schema, c);
  describe_bots_config(schema, c);
  describe_events_config(schema, c);
  describe_push_config(schema, c);
  describe_auth_config(schema, c);
  describe_web_config(schema, c);
  describe_log_config(schema, c);
}

void describe_config(ConfigSchema& schema, Config& c) {
  static StoreLocation unused;  // described (a file naming it is valid) but not kept
  describe_config(schema, c, unused);
}

Config load_config(const std::string& path, StoreLocation* where) {
  Config c;
  StoreLocation location;
  ConfigSchema schema;
  describe_config(schema, c, location);
  schema.load_file(path);
  if (where) *where = location;
  return c;
}

void validate_config(Config& c, StoreLocation where) {
  ConfigSchema schema;
  describe_config(schema, c, where);
  schema.check();
}

}  // namespace imhub
