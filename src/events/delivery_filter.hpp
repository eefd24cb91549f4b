// Which handlers a read or a replay is about (`imhub events log|failed|retry`, the developer
// console's imhub.console.*): one application's handlers, some handler URLs, or both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct DeliveryFilter {
  std::optional<int64_t> app_id;                     // only this application's rows (0: webhook bots)
  std::optional<std::vector<std::string>> handlers;  // only these URLs; an empty list matches nothing

  bool any() const { return !app_id && !handlers; }
};

// " AND app_id = $n AND handler IN ($m, …)" for a WHERE clause on a table with `app_id` and
// `handler` columns; its values are appended to `args`, numbered after those already there.
std::string delivery_filter_sql(const DeliveryFilter& f, SqlArgs& args);

}  // namespace imhub
