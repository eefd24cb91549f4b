#include "text/keyboard.hpp"

#include <optional>
#include <string>

#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "text/button.hpp"
#include "text/rich_params.hpp"

namespace imhub {

namespace {

// COLORS: keyboard-wide defaults for buttons that set no colour of their own (OFF_* for
// disabled buttons).
struct Palette {
  std::string bg, text, off_bg, off_text;
};

Palette palette_of(const Value* colors) {
  Palette p;
  if (!colors || !colors->is_map()) return p;
  auto pick = [&](std::string_view key) {
    auto s = rich_string(*colors, key);
    return s && is_hex_color(*s) ? *s : std::string();
  };
  p.bg = pick("BG_COLOR");
  p.text = pick("TEXT_COLOR");
  p.off_bg = pick("OFF_BG_COLOR");
  p.off_text = pick("OFF_TEXT_COLOR");
  return p;
}

std::string color_or(const Value& in, std::string_view key, const std::string& fallback) {
  auto s = rich_string(in, key);
  return s && is_hex_color(*s) ? *s : fallback;
}

std::optional<Value> button(const Value& in, int64_t bot_id, const Palette& palette) {
  auto text = button_text(in);
  if (!text) return std::nullopt;
  Value out = Value::map();
  out["BOT_ID"] = bot_id;
  out["TYPE"] = "BUTTON";
  out["TEXT"] = *text;
  if (!put_button_action(in, bot_id, out)) return std::nullopt;
  // Only buttons that call the bot can lock the keyboard until it answers (spec: BLOCK).
  if (out.find("COMMAND")) out["BLOCK"] = rich_flag(in, "BLOCK");
  const std::string disabled = rich_flag(in, "DISABLED");
  const bool off = disabled == "Y";
  out["BG_COLOR"] = color_or(in, "BG_COLOR", off && !palette.off_bg.empty() ? palette.off_bg : palette.bg);
  out["TEXT_COLOR"] = color_or(in, "TEXT_COLOR", off && !palette.off_text.empty() ? palette.off_text : palette.text);
  std::string display = to_upper(rich_string(in, "DISPLAY").value_or(""));
  out["DISPLAY"] = display == "LINE" ? "LINE" : "BLOCK";
  out["DISABLED"] = disabled;
  out["CONTEXT"] = button_context(in);
  auto width = rich_int(in, "WIDTH");
  if (width && *width > 0) out["WIDTH"] = *width;
  out["WAIT"] = "N";
  return out;
}

}  // namespace

Value normalize_keyboard(const Value& param, int64_t bot_id) {
  auto tree = rich_param_tree(param);
  if (!tree) throw ApiError(errors::kKeyboardError);
  const Value* buttons = &*tree;
  Palette palette;
  if (const Value* b = rich_field(*tree, "BUTTONS"); b && !is_list_like(*tree)) {
    buttons = b;
    palette = palette_of(rich_field(*tree, "COLORS"));
    auto own_bot = rich_int(*tree, "BOT_ID");
    if (own_bot && *own_bot > 0) bot_id = *own_bot;
  }
  if (!is_list_like(*buttons)) throw ApiError(errors::kKeyboardError);
  List out;
  size_t real = 0;
  for (const Value* e : buttons->elements()) {
    if (!e->is_map()) continue;
    if (is_newline(*e)) {
      out.push_back(Value::object({{"TYPE", "NEWLINE"}}));
    } else if (auto b = button(*e, bot_id, palette)) {
      out.push_back(std::move(*b));
      ++real;
    }
  }
  if (real == 0) throw ApiError(errors::kKeyboardError);
  Value result(std::move(out));
  if (encoded_size(result) > kRichParamMaxBytes) throw ApiError(errors::kKeyboardOversize);
  return result;
}

}  // namespace imhub
