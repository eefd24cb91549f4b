// What an IFRAME chat app is opened with ("Create IFRAME-processor", spec 002; reference
// chats/outdated/iframe.md): the query parameters the messenger appends to the app's IFRAME URL.
// The app checks them with the HASH it registered:
//   DOMAIN_HASH == md5(parse_url(DOMAIN).host . HASH)   (the host without scheme and port)
//   USER_HASH   == md5(USER_ID . HASH)
// imhub computes them on the server (imhub.messenger.app.launch) so the browser client never
// holds HASH.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bots/chat_app.hpp"
#include "core/value.hpp"

namespace imhub {

struct LaunchContext {
  int64_t bot_id = 0;
  std::string bot_code;
  std::string domain;  // the portal address, "https://host[:port]"
  int64_t user_id = 0;
  std::string dialog_id;
  int64_t message_id = 0;  // > 0: launched from a keyboard button or menu item (context mode)
  std::string button_params;
  std::string lang = "en";
  bool is_chrome = false;
  std::string dialog_context;  // all, user, chat, bot, lines, call
  std::string dialog_entity_id;
  std::string dialog_entity_data_1;
};

// PHP's parse_url($url)['host']: between "//" and the first of "/?#", without user info and
// port (IPv6 brackets kept).
std::string url_host(std::string_view url);

// The launch parameters in the spec's order, every value a string: BOT_ID, BOT_CODE, APP_ID,
// APP_CODE, DOMAIN, DOMAIN_HASH, USER_ID, USER_HASH, DIALOG_ID, CONTEXT (textarea | button),
// LANG, IS_CHROME (Y/N), MESSAGE_ID and BUTTON_PARAMS in context mode, DIALOG_ENTITY_ID,
// DIALOG_ENTITY_DATA_1, DIALOG_CONTEXT.
Value launch_params(const ChatApp& app, const LaunchContext& ctx);

// The IFRAME URL with the parameters appended ("?" or "&" as the URL needs), form-encoded.
std::string launch_url(const std::string& iframe, const Value& params);

}  // namespace imhub
