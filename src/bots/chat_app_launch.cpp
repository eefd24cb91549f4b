#include "bots/chat_app_launch.hpp"

#include "core/crypto.hpp"
#include "core/form.hpp"

namespace imhub {

std::string url_host(std::string_view url) {
  const size_t scheme = url.find("//");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 2);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

Value launch_params(const ChatApp& app, const LaunchContext& ctx) {
  const std::string user = std::to_string(ctx.user_id);
  Value p = Value::map();
  p["BOT_ID"] = std::to_string(ctx.bot_id);
  p["BOT_CODE"] = ctx.bot_code;
  p["APP_ID"] = std::to_string(app.id);
  p["APP_CODE"] = app.code;
  p["DOMAIN"] = ctx.domain;
  p["DOMAIN_HASH"] = md5_hex(url_host(ctx.domain) + app.hash);
  p["USER_ID"] = user;
  p["USER_HASH"] = md5_hex(user + app.hash);
  p["DIALOG_ID"] = ctx.dialog_id;
  p["CONTEXT"] = ctx.message_id > 0 ? "button" : "textarea";
  p["LANG"] = ctx.lang;
  p["IS_CHROME"] = ctx.is_chrome ? "Y" : "N";
  if (ctx.message_id > 0) {
    p["MESSAGE_ID"] = std::to_string(ctx.message_id);
    p["BUTTON_PARAMS"] = ctx.button_params;
  }
  p["DIALOG_ENTITY_ID"] = ctx.dialog_entity_id;
  p["DIALOG_ENTITY_DATA_1"] = ctx.dialog_entity_data_1;
  p["DIALOG_CONTEXT"] = ctx.dialog_context;
  return p;
}

std::string launch_url(const std::string& iframe, const Value& params) {
  std::string url = iframe;
  if (url.find('?') == std::string::npos)
    url += '?';
  else if (url.back() != '?' && url.back() != '&')
    url += '&';
  bool first = true;
  const Map& m = params.get_map();
  for (size_t i = 0; i < m.size(); ++i) {
    if (!first) url += '&';
    first = false;
    url += url_encode(m.key_at(i)) + "=" + url_encode(m.value_at(i).to_string());
  }
  return url;
}

}  // namespace imhub
