#include "events/delivery_filter.hpp"

namespace imhub {

std::string delivery_filter_sql(const DeliveryFilter& f, SqlArgs& args) {
  std::string sql;
  if (f.app_id) {
    args.emplace_back(*f.app_id);
    sql += " AND app_id = $" + std::to_string(args.size());
  }
  if (f.handlers) {
    if (f.handlers->empty()) return sql + " AND 0 = 1";
    sql += " AND handler IN (";
    for (size_t i = 0; i < f.handlers->size(); ++i) {
      args.emplace_back((*f.handlers)[i]);
      sql += (i ? ", $" : "$") + std::to_string(args.size());
    }
    sql += ")";
  }
  return sql;
}

}  // namespace imhub
