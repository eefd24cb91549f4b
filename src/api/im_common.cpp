#include "api/im_common.hpp"
#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "im/dialog.hpp"
#include "openlines/livechat.hpp"
#include "openlines/network_relay.hpp"
#include "text/message_parts.hpp"
#include "users/user_cache.hpp"

#include "api/services.hpp"
#include "previews/url_preview.hpp"

namespace imhub {

std::optional<int64_t> positive_id_param(const MethodCall& call, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    const Value& v = call.param(name);
    if (v.is_null()) continue;
    auto id = v.to_int();
    if (id && *id > 0) return id;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<DialogRef> dialog_param(const MethodCall& call) {
  const Value& dialog = call.param("DIALOG_ID");
  if (!dialog.is_null()) {
    if (!dialog.is_scalar()) return std::nullopt;
    return parse_dialog_id(dialog.to_string());
  }
  if (auto chat = positive_id_param(call, {"CHAT_ID"})) return DialogRef{true, *chat};
  return std::nullopt;
}

void enqueue_preview(const MethodCall& call, int64_t id, const std::string& text, bool edit) {
  if (call.param("URL_PREVIEW").to_string() == "N" || !call.services.previews) return;
  if (!edit && find_urls(text).empty()) return;
  call.services.previews->enqueue(id, text);
}

void announce_typing(const MethodCall& call, int64_t user_id, const DialogRef& d) {
  std::optional<TypingEcho> echo;        // the live chat's other side (openlines/livechat.hpp)
  std::optional<NetworkTyping> network;  // the Network relay's other side (openlines/network_relay.hpp)
  std::optional<Chat> chat = call.services.store.read_with([&](Conn& c) -> std::optional<Chat> {
    if (d.is_chat) {
      auto mine = membership(c, d, user_id);
      if (!mine) throw ApiError(errors::kWritingAccess);
      echo = livechat_typing_echo(c, mine->chat);
      network = network_typing_echo(c, mine->chat, user_id);
      return mine->chat;
    }
    auto u = call.services.users->find(d.id);
    if (!u || !u->active) throw ApiError(errors::kWritingAccess);
    auto dialog = find_private_chat(c, user_id, d.id);
    if (dialog) network = network_typing_echo(c, *dialog, user_id);
    return dialog;
  });
  if (chat) call.services.feed->announce(event_cause(call.caller), Typing{chat->id, user_id});
  if (echo)
    call.services.feed->announce(event_cause(call.caller), Typing{echo->chat_id, echo->anonymous ? 0 : user_id});
  if (network) call.services.feed->announce(event_cause(call.caller), Typing{network->chat_id, network->user_id});
}

void read_edited_parts(const MethodCall& call, int64_t bot_id, Edit& edit) {
  Value rich;
  apply_rich_params([&call](std::string_view name) -> const Value& { return call.param(name); }, rich, false, bot_id);
  for (const char* key : {"ATTACH", "KEYBOARD", "MENU"}) {
    const Value& v = call.param(key);
    if (v.is_null()) continue;
    if (is_rich_removal(v))
      edit.removed_parts.push_back(key);
    else
      edit.parts[key] = rich[key];
  }
}

}  // namespace imhub
