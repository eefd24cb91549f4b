#include "text/button.hpp"

#include "core/strings.hpp"
#include "text/rich_params.hpp"

namespace imhub {

namespace {

bool put_command(const Value& in, int64_t bot_id, Value& out) {
  auto command = rich_string(in, "COMMAND");
  if (!command) return false;
  std::string_view c = *command;
  if (!c.empty() && c.front() == '/') c.remove_prefix(1);
  if (c.empty()) return false;
  auto own_bot = rich_int(in, "BOT_ID");
  int64_t bot = own_bot && *own_bot > 0 ? *own_bot : bot_id;
  if (bot <= 0) return false;
  out["BOT_ID"] = bot;
  out["COMMAND"] = std::string(c);
  out["COMMAND_PARAMS"] = rich_string(in, "COMMAND_PARAMS").value_or("");
  return true;
}

bool put_action(const Value& in, Value& out) {
  auto action = rich_string(in, "ACTION");
  if (!action) return false;
  std::string a = to_upper(*action);
  if (a != "PUT" && a != "SEND" && a != "COPY" && a != "CALL" && a != "DIALOG") return false;
  auto value = rich_string(in, "ACTION_VALUE");
  if (!value || value->empty()) return false;
  out["ACTION"] = a;
  out["ACTION_VALUE"] = *value;
  return true;
}

}  // namespace

bool put_button_action(const Value& in, int64_t bot_id, Value& out) {
  auto link = rich_string(in, "LINK");
  if (link && is_allowed_link(*link)) {
    out["LINK"] = *link;
    return true;
  }
  auto app = rich_int(in, "APP_ID");
  if (app && *app > 0) {
    out["APP_ID"] = *app;
    out["APP_PARAMS"] = rich_string(in, "APP_PARAMS").value_or("");
    return true;
  }
  if (put_action(in, out)) return true;
  return put_command(in, bot_id, out);
}

std::optional<std::string> button_text(const Value& in) {
  auto text = rich_string(in, "TEXT");
  if (!text || text->empty()) return std::nullopt;
  return text;
}

std::string button_context(const Value& in) {
  std::string c = to_upper(rich_string(in, "CONTEXT").value_or(""));
  return c == "MOBILE" || c == "DESKTOP" ? c : "ALL";
}

bool is_newline(const Value& in) {
  auto type = rich_string(in, "TYPE");
  return type && iequals(*type, "NEWLINE");
}

}  // namespace imhub
