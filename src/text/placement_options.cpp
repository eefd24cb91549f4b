#include "text/placement_options.hpp"

#include <algorithm>

#include "core/error_catalog.hpp"
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
  auto text = [&](const char* key) { return options[key].to_string(); };
  switch (which) {
    case kIconName: {
      const Value* icon = options.find("iconName");
      if (!icon) return &errors::kIconEmpty;
      const std::string name = icon->to_string();
      if (name.size() > 50 || !has_letter(name)) return &errors::kIconInvalid;
      return nullptr;
    }
    case kExtranet:
      return text("extranet") == "N" || text("extranet") == "Y" ? nullptr : &errors::kExtranetInvalid;
    case kContext:
      for (const std::string& part : split(trim(text("context")), ';'))
        if (!is_context_type(part)) return &errors::kContextInvalid;
      return nullptr;
    case kRole:
      return text("role") == "USER" || text("role") == "ADMIN" ? nullptr : &errors::kRoleInvalid;
    case kColor:
      return text("color").empty() || is_placement_color(text("color")) ? nullptr : &errors::kColorInvalid;
    case kHeight:
      return options["height"].to_int_or(0) < 0 ? &errors::kHeightInvalid : nullptr;
    case kWidth:
      return options["width"].to_int_or(0) < 0 ? &errors::kWidthInvalid : nullptr;
  }
  return nullptr;
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

}  // namespace imhub
