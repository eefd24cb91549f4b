#include "text/menu.hpp"

#include <optional>

#include "core/error_catalog.hpp"
#include "text/button.hpp"
#include "text/rich_params.hpp"

namespace imhub {

namespace {

std::optional<Value> item(const Value& in, int64_t bot_id) {
  auto text = button_text(in);
  if (!text) return std::nullopt;
  Value out = Value::map();
  out["BOT_ID"] = bot_id;
  out["TEXT"] = *text;
  if (!put_button_action(in, bot_id, out)) return std::nullopt;
  out["DISABLED"] = rich_flag(in, "DISABLED");
  out["CONTEXT"] = button_context(in);
  return out;
}

}  // namespace

Value normalize_menu(const Value& param, int64_t bot_id) {
  auto tree = rich_param_tree(param);
  if (!tree) throw ApiError(errors::kMenuError);
  const Value* items = &*tree;
  if (const Value* i = rich_field(*tree, "ITEMS"); i && !is_list_like(*tree)) {
    items = i;
    auto own_bot = rich_int(*tree, "BOT_ID");
    if (own_bot && *own_bot > 0) bot_id = *own_bot;
  }
  if (!is_list_like(*items)) throw ApiError(errors::kMenuError);
  List out;
  size_t real = 0;
  for (const Value* e : items->elements()) {
    if (!e->is_map()) continue;
    if (is_newline(*e)) {
      out.push_back(Value::object({{"TYPE", "NEWLINE"}}));
    } else if (auto it = item(*e, bot_id)) {
      out.push_back(std::move(*it));
      ++real;
    }
  }
  if (real == 0) throw ApiError(errors::kMenuError);
  Value result(std::move(out));
  if (encoded_size(result) > kRichParamMaxBytes) throw ApiError(errors::kMenuOversize);
  return result;
}

}  // namespace imhub
