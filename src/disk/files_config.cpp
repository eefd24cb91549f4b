#include "disk/files_config.hpp"

namespace imhub {

void describe_files_config(ConfigSchema& schema, Config& c) {
  schema.section("files").integer("link_ttl", c.files_link_ttl, 60, int64_t{3650} * 86400).text("dir", c.files_dir);
}

std::string files_root(const Config& c, const std::string& data_dir) {
  return c.files_dir.empty() ? data_dir : c.files_dir;
}

}  // namespace imhub
