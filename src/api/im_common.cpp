#include "api/im_common.hpp"

#include "im/url_preview.hpp"
#include "rest/services.hpp"

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

std::optional<Chat> readable_chat(Conn& c, const DialogRef& d, int64_t user_id) {
  std::optional<Chat> chat = d.is_chat ? find_chat(c, d.id) : find_private_chat(c, user_id, d.id);
  if (!chat || !can_read(c, *chat, user_id)) return std::nullopt;
  return chat;
}

std::optional<Membership> membership(Conn& c, const DialogRef& d, int64_t user_id) {
  std::optional<Chat> chat = d.is_chat ? find_chat(c, d.id) : find_private_chat(c, user_id, d.id);
  if (!chat) return std::nullopt;
  auto member = find_member(c, chat->id, user_id);
  if (!member) return std::nullopt;
  return Membership{std::move(*chat), *member};
}

void enqueue_preview(const MethodCall& call, int64_t id, const std::string& text, bool edit) {
  if (call.param("URL_PREVIEW").to_string() == "N" || !call.services.previews) return;
  if (!edit && find_urls(text).empty()) return;
  call.services.previews->enqueue(id, text);
}

}  // namespace imhub
