#include "disk/files_config.hpp"

namespace imhub {

void describe_files_config(ConfigSchema& schema, Config& c, StoreLocation& where) {
  schema.section("files").integer("link_ttl", c.files_link_ttl, 60, int64_t{3650} * 86400).text("dir", where.files_dir);
}

std::string files_root(const StoreLocation& where, const std::string& data_dir) {
  return where.files_dir.empty() ? data_dir : where.files_dir;
}

}  // namespace imhub
