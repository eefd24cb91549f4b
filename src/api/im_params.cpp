#include "api/im_params.hpp"

#include <algorithm>

#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "users/user_cache.hpp"

namespace imhub {

OffsetLimit offset_limit(const MethodCall& call) {
  OffsetLimit p;
  p.offset = std::max<int64_t>(0, call.param("OFFSET").to_int_or(0));
  if (call.start > 0) p.offset = call.start;
  const int64_t limit = call.param("LIMIT").to_int_or(0);
  p.limit = limit <= 0 ? 10 : std::min<int64_t>(limit, 50);
  return p;
}

std::vector<int64_t> page_of(const std::vector<int64_t>& all, const OffsetLimit& page, MethodResult& out) {
  const auto total = static_cast<int64_t>(all.size());
  const int64_t from = std::min(page.offset, total);
  const int64_t to = std::min(from + page.limit, total);
  out.total = total;
  if (to < total) out.next = to;
  return {all.begin() + from, all.begin() + to};
}

std::optional<std::vector<int64_t>> id_list_param(const Value& v) {
  Value list = v;
  if (list.is_string()) {
    auto parsed = parse_json(list.get_string());
    if (!parsed) return std::nullopt;
    list = std::move(*parsed);
  }
  std::vector<const Value*> items;
  if (list.is_array())
    items = list.elements();
  else if (list.is_number())
    items = {&list};
  else
    return std::nullopt;
  std::vector<int64_t> out;
  for (const Value* e : items) {
    if (!e->is_scalar()) continue;
    const int64_t id = e->to_int_or(0);
    if (id > 0 && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

std::shared_ptr<const User> caller_user(const MethodCall& call) {
  auto u = call.caller.user_id > 0 ? call.services.users->find(call.caller.user_id) : nullptr;
  if (!u) throw ApiError(errors::kUserAuthRequired);
  return u;
}

}  // namespace imhub
