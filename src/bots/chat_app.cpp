#include "bots/chat_app.hpp"

#include <regex>

#include "bots/bot.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<ChatApp> kChatAppRow{
    {"id", &ChatApp::id},
    {"owner", &ChatApp::owner},
    {"bot_id", &ChatApp::bot_id},
    {"code", &ChatApp::code},
    {"js_method", &ChatApp::js_method},
    {"js_param", &ChatApp::js_param},
    {"iframe", &ChatApp::iframe},
    {"iframe_width", &ChatApp::iframe_width},
    {"iframe_height", &ChatApp::iframe_height},
    {"iframe_popup", &ChatApp::iframe_popup},
    {"hash", &ChatApp::hash},
    {"context", &ChatApp::context},
    {"hidden", &ChatApp::hidden},
    {"extranet_support", &ChatApp::extranet_support},
    {"livechat_support", &ChatApp::livechat_support},
    {"icon", &ChatApp::icon},
    {"lang",
     [](ChatApp& a, const Row& r, size_t i) {
       auto lang = parse_json(r.str(i));
       a.lang = lang && lang->is_array() ? std::move(*lang) : Value::list();
     }},
    {"created_at", &ChatApp::created_at},
};

ChatApp read_app(const Row& r) { return kChatAppRow.read(r); }

SqlArgs app_args(const ChatApp& a) {
  return {a.owner,
          a.bot_id,
          a.code,
          a.js_method,
          a.js_param,
          a.iframe,
          int64_t{a.iframe_width},
          int64_t{a.iframe_height},
          int64_t{a.iframe_popup},
          a.hash,
          a.context,
          int64_t{a.hidden},
          int64_t{a.extranet_support},
          int64_t{a.livechat_support},
          a.icon,
          to_json(a.lang)};
}

// The first match of `pattern` on any line of `text` (PHP's preg_match with /m).
std::optional<std::string> search_lines(std::string_view text, const std::regex& pattern) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string line(text.substr(pos, end - pos));
    std::smatch m;
    if (std::regex_search(line, m, pattern)) return m.str(0);
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> js_param_for(std::string_view method, std::string_view param) {
  // The patterns of im_rest.php appRegister, /im flags: case-insensitive, per line.
  static const std::regex kCommand(R"(/([a-z0-9\-_+]+)((\s)?([a-z0-9\-_+]+))+)", std::regex::icase);
  static const std::regex kPhone(R"(\+?[ \-\d+()#]+$)");
  static const std::regex kLine("[a-f0-9]{32}$", std::regex::icase);
  if (param.empty()) return std::nullopt;
  if (method == "SEND" || method == "PUT") return search_lines(param, kCommand);
  if (method == "CALL") return search_lines(param, kPhone);
  if (method == "SUPPORT") return search_lines(param, kLine);
  return std::nullopt;
}

bool iframe_url_ok(std::string_view url, bool allow_http) {
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return false;
  const std::string scheme = to_lower(url.substr(0, colon));
  if (scheme != "https" && !(allow_http && scheme == "http")) return false;
  std::string_view rest = url.substr(colon + 3);
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return !authority.empty() && authority.front() != ':';
}

std::optional<std::string> normalize_app_context(std::string_view context) {
  std::string c = to_lower(trim(context));
  std::string base = c;
  if (base.size() > 6 && base.compare(base.size() - 6, 6, "-admin") == 0) base.resize(base.size() - 6);
  for (const char* known : {"all", "user", "chat", "bot", "lines", "call"})
    if (base == known) return c;
  return std::nullopt;
}

Value normalize_app_lang(const Value& lang) {
  Value tree = lang;
  if (tree.is_scalar()) {
    auto parsed = parse_json(tree.to_string());
    tree = parsed ? std::move(*parsed) : Value();
  }
  Value out = Value::list();
  auto text = [](const Value& entry, std::string_view key) {
    const Value* v = entry.find_ci(key);
    return v && v->is_scalar() ? v->to_string() : std::string();
  };
  for (const Value* entry : tree.elements()) {
    if (!entry->is_map()) continue;
    const std::string language = to_lower(trim(text(*entry, "LANGUAGE_ID")));
    const std::string title = text(*entry, "TITLE");
    if (language.empty() || title.empty()) continue;
    out.push_back(Value::object({{"LANGUAGE_ID", Value(language)},
                                 {"TITLE", Value(title)},
                                 {"DESCRIPTION", Value(text(*entry, "DESCRIPTION"))},
                                 {"COPYRIGHT", Value(text(*entry, "COPYRIGHT"))}}));
  }
  return out;
}

std::optional<ChatApp> find_chat_app(Conn& c, int64_t id) {
  auto r = c.query_one(kChatAppRow.select("chat_apps") + "WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_app(*r);
}

std::optional<ChatApp> find_bot_chat_app(Conn& c, int64_t bot_id, const std::string& code) {
  auto r = c.query_one(kChatAppRow.select("chat_apps") + "WHERE bot_id = $1 AND code = $2", {bot_id, code});
  if (!r) return std::nullopt;
  return read_app(*r);
}

std::vector<ChatApp> all_chat_apps(Conn& c) {
  std::vector<ChatApp> out;
  for (const Row& r : c.query(kChatAppRow.select("chat_apps") + "ORDER BY id", {})) out.push_back(read_app(r));
  return out;
}

int64_t insert_chat_app(Tx& tx, ChatApp& app) {
  Conn& w = tx.conn;
  app.created_at = now_unix_seconds();
  SqlArgs args = app_args(app);
  args.emplace_back(app.created_at);
  auto row = w.query_one(
      "INSERT INTO chat_apps (owner, bot_id, code, js_method, js_param, iframe, iframe_width, iframe_height, "
      "iframe_popup, hash, context, hidden, extranet_support, livechat_support, icon, lang, created_at) VALUES ($1, "
      "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
      args);
  app.id = row->i64(0);
  tx.raise(BotRegistered{BotPart::kChatApp, app.bot_id, app.id});
  return app.id;
}

void save_chat_app(Conn& w, const ChatApp& app) {
  SqlArgs args = app_args(app);
  args.emplace_back(app.id);
  w.exec(
      "UPDATE chat_apps SET owner = $1, bot_id = $2, code = $3, js_method = $4, js_param = $5, iframe = $6, "
      "iframe_width = $7, iframe_height = $8, iframe_popup = $9, hash = $10, context = $11, hidden = $12, "
      "extranet_support = $13, livechat_support = $14, icon = $15, lang = $16 WHERE id = $17",
      args);
}

void delete_chat_app(Tx& tx, const ChatApp& app) {
  tx.conn.exec("DELETE FROM chat_apps WHERE id = $1", {app.id});
  tx.raise(BotRemoved{BotPart::kChatApp, app.bot_id, app.id});
}

void remove_bot_surface(Conn& w, int64_t bot_id) {
  w.exec("DELETE FROM chat_apps WHERE bot_id = $1", {bot_id});
  w.exec("DELETE FROM bot_commands WHERE bot_id = $1", {bot_id});
}

void remove_app_bot_surface(Conn& w, int64_t app_id) {
  const std::string owner = bot_owner_for_app(app_id);
  w.exec("DELETE FROM chat_apps WHERE owner = $1", {owner});
  w.exec("DELETE FROM bot_commands WHERE owner = $1", {owner});
  w.exec("DELETE FROM app_placements WHERE app_id = $1", {app_id});
}

}  // namespace imhub
