// What the imopenlines.* adapters share: the LINES chat a call names and whether the caller may
// act on it as an operator (openlines/session_flow.hpp may_operate), with the platform's errors.
#pragma once

#include <cstdint>
#include <optional>

#include "api/registry.hpp"
#include "im/chat.hpp"
#include "openlines/session.hpp"
#include "store/store.hpp"

namespace imhub {

// CHAT_ID as a positive id, or nullopt.
std::optional<int64_t> chat_id_param(const MethodCall& call);

// The LINES chat `chat_id` for an operator action: CHAT_ID when it names no chat, CHAT_TYPE when
// it is no open-line chat, USER_ID when the caller is nobody, ACCESS_DENIED when the caller may
// not operate it (the four errors of every operator method).
Chat operator_chat(const MethodCall& call, Conn& c, std::optional<int64_t> chat_id);

// The session an operator acts on: the chat's open one; ACCESS_DENIED when there is none.
Session open_session_or_deny(Conn& c, const Chat& chat);

}  // namespace imhub
