// Numbered schema migrations, portable SQL shared by every backend. Applied in order at start;
// each runs in its own transaction together with its row in schema_migrations.
#pragma once

#include <string_view>
#include <vector>

namespace imhub {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements separated by ';'
};

const std::vector<Migration>& migrations();

}  // namespace imhub
