// The im.chat.* methods with the acting user as a parameter: `actor` is the calling user for
// im.chat.* and the bot for imbot.chat.* (protocol.md §9.7: "same handlers as im.chat.* but
// acting as the bot"). Each reads its parameters from `call`, applies the change as `actor` and
// throws ApiError with the platform's code for every refusal; the result is the method's result.
#pragma once

#include <cstdint>

#include "api/registry.hpp"
#include "core/value.hpp"

namespace imhub {

Value chat_add_by(const MethodCall& call, int64_t actor);            // USERS, TYPE, TITLE, … → chat id
Value chat_get_by_entity(const MethodCall& call);                    // ENTITY_TYPE + ENTITY_ID → id or null
Value chat_user_list_by(const MethodCall& call, int64_t actor);      // member ids ([] when not visible)
Value chat_user_add_by(const MethodCall& call, int64_t actor);       // USERS, HIDE_HISTORY
Value chat_user_delete_by(const MethodCall& call, int64_t actor);    // USER_ID
Value chat_leave_by(const MethodCall& call, int64_t actor);          // `actor` leaves
Value chat_update_title_by(const MethodCall& call, int64_t actor);   // TITLE
Value chat_update_color_by(const MethodCall& call, int64_t actor);   // COLOR
Value chat_update_avatar_by(const MethodCall& call, int64_t actor);  // AVATAR (base64)
Value chat_set_owner_by(const MethodCall& call, int64_t actor);      // USER_ID
Value chat_set_manager_by(const MethodCall& call, int64_t actor);    // USER_ID, IS_MANAGER
Value chat_mute_by(const MethodCall& call, int64_t actor);           // MUTE / ACTION

}  // namespace imhub
