// Chat apps ("Application for Chat", spec 002; reference chats/outdated/): an icon in the
// message panel of a bot's chats that either runs a JS command (JS_METHOD PUT, SEND, CALL,
// SUPPORT) or opens an IFRAME. Rows live in `chat_apps` (migration 15); `owner` is the bot
// owner key of the application that registered it (bots/bot.hpp).
//
// The rules below are im_rest.php appRegister/appUpdate and Bitrix\Im\App::register: JS_PARAM
// must match the method's pattern, IFRAME must be an https URL (configurable), its width is at
// least 250 and its height at least 50, HASH is cut to 32 characters, CONTEXT is stored in
// lower case.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

struct ChatApp {
  int64_t id = 0;
  std::string owner;
  int64_t bot_id = 0;
  std::string code;
  std::string js_method;  // PUT, SEND, CALL, SUPPORT; "" for an IFRAME app
  std::string js_param;   // the part of JS_PARAM the pattern matched
  std::string iframe;     // "" for a JS app
  int iframe_width = 320;
  int iframe_height = 250;
  bool iframe_popup = false;
  std::string hash;             // signs DOMAIN_HASH and USER_HASH of the launch parameters
  std::string context = "all";  // all, user, chat, bot, lines, call, each optionally "-admin"
  bool hidden = false;
  bool extranet_support = false;
  bool livechat_support = false;
  std::string icon;            // public URL of ICON_FILE, "" for none
  Value lang = Value::list();  // [{LANGUAGE_ID, TITLE, DESCRIPTION, COPYRIGHT}]
  int64_t created_at = 0;
};

constexpr int kMinIframeWidth = 250;
constexpr int kMinIframeHeight = 50;
constexpr size_t kChatAppHashChars = 32;

// The JS_PARAM the platform keeps for JS_METHOD, or nullopt when the method is unknown or the
// parameter does not match its pattern: SEND and PUT `/command params` (a-z 0-9 - + _),
// CALL a phone number, SUPPORT a 32-hex open-line code.
std::optional<std::string> js_param_for(std::string_view method, std::string_view param);

// Whether IFRAME is an acceptable URL: a host and the https scheme (http too when `allow_http`).
bool iframe_url_ok(std::string_view url, bool allow_http);

// CONTEXT in lower case when it is one of all, user, chat, bot, lines, call (optionally with
// "-admin"); nullopt otherwise.
std::optional<std::string> normalize_app_context(std::string_view context);

// LANG of a chat app: entries need LANGUAGE_ID and TITLE; DESCRIPTION and COPYRIGHT are kept.
Value normalize_app_lang(const Value& lang);

std::optional<ChatApp> find_chat_app(Conn& c, int64_t id);
std::optional<ChatApp> find_bot_chat_app(Conn& c, int64_t bot_id, const std::string& code);
// Every chat app, oldest first (the messenger filters them per dialog: imhub.messenger.app.list).
std::vector<ChatApp> all_chat_apps(Conn& c);
int64_t insert_chat_app(Tx& tx, ChatApp& app);
void save_chat_app(Conn& w, const ChatApp& app);
void delete_chat_app(Tx& tx, const ChatApp& app);

// The chat apps and commands of one bot, for imbot.unregister (protocol.md §9.6: "unregisters the
// bot's commands and chat apps").
void remove_bot_surface(Conn& w, int64_t bot_id);

// Everything of an application's bot surface that goes with it (apps/lifecycle.cpp): its chat
// apps, commands and placements.
void remove_app_bot_surface(Conn& w, int64_t app_id);

}  // namespace imhub
