// What kind of dialog a chat app, a bot command or a placement is offered in: the chat (if any),
// its kind in the words of chat-app CONTEXT (spec 002 "Application context") and the bots in it.
// imhub.messenger.app.launch and the messenger's lists (api/im_extensions.cpp) share it, so an
// icon is shown exactly where launching it is allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/registry.hpp"
#include "bots/bot.hpp"
#include "bots/chat_app.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "store/store.hpp"

namespace imhub {

struct DialogContext {
  std::optional<Chat> chat;  // none for a private dialog without messages yet
  std::string context;       // user, bot, chat, lines, call
  int64_t peer = 0;          // the other user of a private dialog
  std::vector<Bot> bots;     // the bots of a chat, or the peer when it is a bot
  bool has_bot(int64_t bot_id) const;
};

// The dialog `d` as the caller sees it; ACCESS_ERROR (403) when the caller cannot read it.
DialogContext open_dialog_context(Conn& c, const MethodCall& call, const DialogRef& d);

// CONTEXT of a chat app against the dialog: `all`; `user` private dialogs (with people or bots);
// `chat` group chats; `bot` dialogs with the app's bot or chats it is in; `lines`, `call` chats
// of those entity types; "-admin" apps for administrators only.
bool app_fits_dialog(const ChatApp& app, const DialogContext& dialog, bool admin);

// `context` option of an IM_* placement ("USER;CHAT", spec 002 "Application for New Chat
// Design") against the dialog: USER private dialogs with people (not bots), CHAT group chats
// but not LINES or CRM ones, LINES, CRM, ALL (or empty) everywhere.
bool placement_fits_dialog(const std::string& context, const DialogContext& dialog);

}  // namespace imhub
