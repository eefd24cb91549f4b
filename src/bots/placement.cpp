#include "bots/placement.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

enum class OptionType { kString, kInt };

struct OptionSpec {
  const char* name;
  OptionType type;
  const char* fallback;  // nullptr: no default (absent unless given)
};

enum Check { kIconName, kExtranet, kContext, kRole, kColor, kHeight, kWidth };

struct PlacementSpec {
  const char* code;
  std::vector<OptionSpec> options;
  std::vector<Check> checks;  // in the platform's order (Marketplace\Placement::onRegister…)
};

const std::vector<PlacementSpec>& specs() {
  static const OptionSpec kIcon{"iconName", OptionType::kString, nullptr};
  static const OptionSpec kExtranetOpt{"extranet", OptionType::kString, "N"};
  static const OptionSpec kContextOpt{"context", OptionType::kString, "ALL"};
  static const OptionSpec kRoleOpt{"role", OptionType::kString, "USER"};
  static const OptionSpec kColorOpt{"color", OptionType::kString, ""};
  static const OptionSpec kWidthOpt{"width", OptionType::kInt, "100"};
  static const OptionSpec kHeightOpt{"height", OptionType::kInt, "100"};
  static const std::vector<PlacementSpec> kAll = {
      {"IM_CONTEXT_MENU", {kExtranetOpt, kContextOpt, kRoleOpt}, {kExtranet, kContext, kRole}},
      {"IM_NAVIGATION", {kIcon, kExtranetOpt, kRoleOpt}, {kIconName, kExtranet, kRole}},
      {"IM_TEXTAREA",
       {kIcon, kExtranetOpt, kContextOpt, kRoleOpt, kColorOpt, kWidthOpt, kHeightOpt},
       {kIconName, kExtranet, kContext, kRole, kColor, kHeight, kWidth}},
      {"IM_SIDEBAR",
       {kIcon, kExtranetOpt, kContextOpt, kRoleOpt, kColorOpt},
       {kIconName, kExtranet, kContext, kRole, kColor}},
      {"IM_SMILES_SELECTOR", {kExtranetOpt, kRoleOpt, kContextOpt}, {kExtranet, kContext, kRole}},
  };
  return kAll;
}

const PlacementSpec* find_spec(std::string_view code) {
  for (const PlacementSpec& s : specs())
    if (code == s.code) return &s;
  return nullptr;
}

// Bitrix\Im\Color: the colours the placement pages list.
bool is_placement_color(const std::string& c) {
  static const char* kColors[] = {"RED",  "GREEN",  "MINT",    "LIGHT_BLUE", "DARK_BLUE", "PURPLE",
                                  "AQUA", "PINK",   "LIME",    "BROWN",      "AZURE",     "KHAKI",
                                  "SAND", "ORANGE", "MARENGO", "GRAY",       "GRAPHITE"};
  return std::any_of(std::begin(kColors), std::end(kColors), [&](const char* k) { return c == k; });
}

// Types\Context::getTypes(): the chat kinds of the placement pages.
bool is_context_type(std::string_view c) {
  for (const char* k : {"USER", "CHAT", "LINES", "CRM", "ALL"})
    if (c == k) return true;
  return false;
}

bool has_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' ' || ch == '-';
  });
}

// The error of one check, nullptr when the value passes (RegistrationValidator).
const ErrorSpec* check(Check which, const Value& options) {
  static constexpr ErrorSpec kIconEmpty{"EMPTY_ERROR_ICON_NAME", "Field iconName is empty.", 400};
  static constexpr ErrorSpec kIconInvalid{"INVALID_ERROR_ICON_NAME", "Field iconName is invalid.", 400};
  static constexpr ErrorSpec kExtranetInvalid{"INVALID_ERROR_EXTRANET", "Field extranet is invalid.", 400};
  static constexpr ErrorSpec kContextInvalid{"INVALID_ERROR_CONTEXT", "Field context is invalid.", 400};
  static constexpr ErrorSpec kRoleInvalid{"INVALID_ERROR_ROLE", "Field role is invalid.", 400};
  static constexpr ErrorSpec kColorInvalid{"INVALID_ERROR_COLOR", "Field color is invalid.", 400};
  static constexpr ErrorSpec kHeightInvalid{"INVALID_ERROR_HEIGHT", "Field height is invalid.", 400};
  static constexpr ErrorSpec kWidthInvalid{"INVALID_ERROR_WIDTH", "Field width is invalid.", 400};
  auto text = [&](const char* key) { return options[key].to_string(); };
  switch (which) {
    case kIconName: {
      const Value* icon = options.find("iconName");
      if (!icon) return &kIconEmpty;
      const std::string name = icon->to_string();
      if (name.size() > 50 || !has_letter(name)) return &kIconInvalid;
      return nullptr;
    }
    case kExtranet:
      return text("extranet") == "N" || text("extranet") == "Y" ? nullptr : &kExtranetInvalid;
    case kContext:
      for (const std::string& part : split(trim(text("context")), ';'))
        if (!is_context_type(part)) return &kContextInvalid;
      return nullptr;
    case kRole:
      return text("role") == "USER" || text("role") == "ADMIN" ? nullptr : &kRoleInvalid;
    case kColor:
      return text("color").empty() || is_placement_color(text("color")) ? nullptr : &kColorInvalid;
    case kHeight:
      return options["height"].to_int_or(0) < 0 ? &kHeightInvalid : nullptr;
    case kWidth:
      return options["width"].to_int_or(0) < 0 ? &kWidthInvalid : nullptr;
  }
  return nullptr;
}

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

const std::vector<std::string>& im_placement_codes() {
  static const std::vector<std::string> kCodes = [] {
    std::vector<std::string> out;
    for (const PlacementSpec& s : specs()) out.emplace_back(s.code);
    return out;
  }();
  return kCodes;
}

bool is_im_placement(std::string_view code) { return find_spec(code) != nullptr; }

Value validate_placement_options(std::string_view placement, const Value& options) {
  const PlacementSpec* spec = find_spec(placement);
  Value out = Value::map();
  if (!spec) return out;
  for (const OptionSpec& o : spec->options) {
    const Value* given = options.is_map() ? options.find(o.name) : nullptr;
    if (given && given->is_scalar()) {
      out[o.name] = o.type == OptionType::kInt ? Value(given->to_int_or(0)) : Value(given->to_string());
    } else if (o.fallback) {
      out[o.name] = o.type == OptionType::kInt ? Value(int64_t{std::stoll(o.fallback)}) : Value(o.fallback);
    }
  }
  const ErrorSpec* error = nullptr;
  for (Check c : spec->checks)
    if (const ErrorSpec* e = check(c, out)) error = e;
  if (error) throw ApiError(*error);
  return out;
}

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
