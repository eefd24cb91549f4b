#include "bots/placement.hpp"

#include "text/placement_options.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

PlacementBinding read_binding(const Row& r) {
  PlacementBinding b;
  b.id = r.i64(0);
  b.app_id = r.i64(1);
  b.placement = r.str(2);
  b.handler = r.str(3);
  b.user_id = r.i64(4);
  auto options = parse_json(r.str(5));
  b.options = options && options->is_map() ? std::move(*options) : Value::map();
  b.title = r.str(6);
  b.description = r.str(7);
  auto lang = parse_json(r.str(8));
  b.lang = lang && lang->is_map() ? std::move(*lang) : Value::map();
  b.created_at = r.i64(9);
  return b;
}

}  // namespace

bool insert_placement(Conn& w, PlacementBinding& b) {
  b.created_at = now_unix_seconds();
  auto row = w.query_one(
      "INSERT INTO app_placements (app_id, placement, handler, user_id, options, title, description, lang, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT (app_id, placement, handler, user_id) DO NOTHING RETURNING id",
      {b.app_id, b.placement, b.handler, b.user_id, to_json(b.options), b.title, b.description, to_json(b.lang),
       b.created_at});
  if (!row) return false;
  b.id = row->i64(0);
  return true;
}

std::vector<PlacementBinding> app_placements(Conn& c, int64_t app_id) {
  std::vector<PlacementBinding> out;
  for (const Row& r :
       c.query("SELECT id, app_id, placement, handler, user_id, options, title, description, lang, created_at "
               "FROM app_placements WHERE app_id = $1 ORDER BY id",
               {app_id}))
    out.push_back(read_binding(r));
  return out;
}

int64_t remove_placements(Conn& w, int64_t app_id, const std::string& placement, const std::string& handler,
                          std::optional<int64_t> user_id) {
  std::string sql = "DELETE FROM app_placements WHERE app_id = $1 AND placement = $2";
  SqlArgs args{app_id, placement};
  if (!handler.empty()) {
    sql += " AND handler = $" + std::to_string(args.size() + 1);
    args.emplace_back(handler);
  }
  if (user_id) {
    sql += " AND user_id = $" + std::to_string(args.size() + 1);
    args.emplace_back(*user_id);
  }
  return w.exec(sql, args);
}

}  // namespace imhub
