#include "api/openlines_access.hpp"

#include "core/error_catalog.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {

std::optional<int64_t> chat_id_param(const MethodCall& call) {
  const Value& v = call.param("CHAT_ID");
  auto id = v.is_scalar() ? v.to_int() : std::nullopt;
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

Chat operator_chat(const MethodCall& call, Conn& c, std::optional<int64_t> chat_id) {
  if (!chat_id) throw ApiError(errors::kOlChatId);
  auto chat = find_chat(c, *chat_id);
  if (!chat) throw ApiError(errors::kOlChatId);
  if (call.caller.user_id <= 0) throw ApiError(errors::kOlUserId);
  if (chat->entity_type != "LINES") throw ApiError(errors::kOlChatType);
  if (!may_operate(c, *chat, call.caller.user_id, call.caller.is_admin)) throw ApiError(errors::kOlAccessDenied);
  return *chat;
}

Session open_session_or_deny(Conn& c, const Chat& chat) {
  auto s = open_session(c, chat.id);
  if (!s) throw ApiError(errors::kOlAccessDenied);
  return *s;
}

}  // namespace imhub
