#include "views/im_user.hpp"

#include <algorithm>

#include "apps/application.hpp"
#include "bots/bot.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "im/chat.hpp"
#include "im/presence.hpp"
#include "im/user_visibility.hpp"

namespace imhub {
namespace {

// "DD-MM" from the stored YYYY-MM-DD birthday (spec example "26-01"); "" when unknown.
std::string birthday_day_month(const std::string& ymd) {
  if (ymd.size() < 10) return "";
  return ymd.substr(8, 2) + "-" + ymd.substr(5, 2);
}

std::string user_type(const User& u) {
  if (is_bot_user(u)) return "bot";
  if (u.user_type == "extranet") return "extranet";
  return "user";
}

Value date_or_false(const std::optional<int64_t>& t) { return t ? Value(atom_time(*t)) : Value(false); }

// The later of two optional times.
std::optional<int64_t> latest(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// What clients learn about a bot (Bot::getListForJs; the user object's bot_data). APP_ID is what
// the platform stores: the application's client id, or "custom<CLIENT_ID>" for a webhook bot.
// A webhook bot's CLIENT_ID is the secret its handler checks events by (application_token), so
// only the user who registered the bot sees it; everyone else gets "" (issue 17).
Value bot_data(Conn& c, const Bot& b, int64_t viewer_id) {
  std::string app;
  if (b.webhook_bot()) {
    if (viewer_id > 0 && viewer_id == b.owner_user_id()) app = b.platform_app_id();
  } else if (auto a = find_app(c, b.app_id)) {
    app = a->client_id;
  }
  const char* type = b.type == "H" ? "human" : b.type == "O" ? "openline" : b.type == "S" ? "supervisor" : "bot";
  return Value::object({{"code", Value(b.code)},
                        {"type", Value(type)},
                        {"app_id", Value(app)},
                        {"is_hidden", Value(false)},
                        {"is_support_openline", Value(b.openline)}});
}

bool is_absolute_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

}  // namespace

std::string user_color_hex(int64_t user_id) {
  const auto& names = chat_colors();
  return chat_color_hex(names[static_cast<size_t>(user_id) % names.size()]);
}

std::string avatar_url(const Config& s, const std::string& photo) {
  if (photo.empty() || is_absolute_url(photo)) return photo;
  std::string base = s.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + (photo.front() == '/' ? "" : "/") + photo;
}

Value im_user_object(Conn& c, const Config& s, const User& u) { return im_user_object(c, s, u, ImUserOptions{}); }

Value im_user_object(Conn& c, const Config& s, const User& u, const ImUserOptions& opt) {
  const Presence presence = load_presence(c, u.id);
  const std::optional<Bot> bot = is_bot_user(u) ? find_bot(c, u.id) : std::nullopt;
  const std::string avatar = avatar_url(s, u.personal_photo);
  Value v = Value::map();
  v["id"] = u.id;
  v["active"] = u.active;
  v["name"] = u.full_name();
  v["first_name"] = u.name;
  v["last_name"] = u.last_name;
  v["work_position"] = u.work_position;
  v["color"] = bot && !bot->color.empty() ? chat_color_hex(bot->color) : user_color_hex(u.id);
  v["avatar"] = avatar;
  // No resizing happens here, so the high-resolution avatar is the original photo.
  if (opt.avatar_hr) v["avatar_hr"] = avatar;
  v["gender"] = u.personal_gender == "F" ? "F" : "M";
  v["birthday"] = birthday_day_month(u.personal_birthday);
  v["extranet"] = u.user_type == "extranet";
  v["network"] = false;
  v["bot"] = is_bot_user(u);
  v["connector"] = u.external_auth_id == "imconnector";
  v["external_auth_id"] = u.external_auth_id.empty() ? "default" : u.external_auth_id;
  v["status"] = visible_status(presence);
  v["idle"] = date_or_false(presence.idle_since);
  v["last_activity_date"] = date_or_false(latest(presence.last_activity, u.last_activity));
  v["desktop_last_date"] = date_or_false(presence.desktop_last);
  v["mobile_last_date"] = date_or_false(presence.mobile_last);
  Value departments = Value::list();
  for (int64_t d : u.departments) departments.push_back(d);
  v["departments"] = std::move(departments);
  v["absent"] = false;
  // Spec 002 keys, all present ("" when empty); the reference adds the extension number.
  v["phones"] = Value::object({{"work_phone", u.work_phone},
                               {"personal_mobile", u.personal_mobile},
                               {"personal_phone", u.personal_phone},
                               {"inner_phone", u.uf_phone_inner}});
  v["website"] = u.personal_www;
  v["email"] = u.email;
  v["bot_data"] = bot ? bot_data(c, *bot, opt.viewer_id) : Value();
  v["type"] = user_type(u);
  return v;
}

}  // namespace imhub
