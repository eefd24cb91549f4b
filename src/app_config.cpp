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

void describe_config(ConfigSchema& schema, Config& c) {
  describe_server_config(schema, c);
  describe_files_config(schema, c);
  describe_rest_config(schema, c);
  describe_store_config(schema, c);
  describe_url_preview_config(schema, c);
  describe_bots_config(schema, c);
  describe_events_config(schema, c);
  describe_push_config(schema, c);
  describe_auth_config(schema, c);
  describe_web_config(schema, c);
  describe_log_config(schema, c);
}

Config load_config(const std::string& path) {
  Config c;
  ConfigSchema schema;
  describe_config(schema, c);
  schema.load_file(path);
  return c;
}

void validate_config(Config& c) {
  ConfigSchema schema;
  describe_config(schema, c);
  schema.check();
}

}  // namespace imhub
