#include "bots/placement.hpp"

#include "text/placement_options.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<PlacementBinding> kBindingRow{
    {"id", &PlacementBinding::id},
    {"app_id", &PlacementBinding::app_id},
    {"placement", &PlacementBinding::placement},
    {"handler", &PlacementBinding::handler},
    {"user_id", &PlacementBinding::user_id},
    {"options",
     [](PlacementBinding& b, const Row& r, size_t i) {
       auto options = parse_json(r.str(i));
       b.options = options && options->is_map() ? std::move(*options) : Value::map();
     }},
    {"title", &PlacementBinding::title},
    {"description", &PlacementBinding::description},
    {"lang",
     [](PlacementBinding& b, const Row& r, size_t i) {
       auto lang = parse_json(r.str(i));
       b.lang = lang && lang->is_map() ? std::move(*lang) : Value::map();
     }},
    {"created_at", &PlacementBinding::created_at},
};

PlacementBinding read_binding(const Row& r) { return kBindingRow.read(r); }

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
  for (const Row& r : c.query(kBindingRow.select("app_placements") + "WHERE app_id = $1 ORDER BY id", {app_id}))
    out.push_back(read_binding(r));
  return out;
}

std::vector<PlacementBinding> all_placements(Conn& c) {
  std::vector<PlacementBinding> out;
  for (const Row& r : c.query(kBindingRow.select("app_placements") + "ORDER BY id", {})) out.push_back(read_binding(r));
  return out;
}

std::optional<PlacementBinding> find_placement(Conn& c, int64_t id) {
  auto r = c.query_one(kBindingRow.select("app_placements") + "WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_binding(*r);
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
