#include "bots/bot_feed.hpp"

#include <type_traits>

#include "apps/event_chain.hpp"
#include "bots/bot_hooks.hpp"
#include "bots/bot_registry.hpp"
#include "bots/chat_app.hpp"

namespace imhub {
namespace {

// Joins are announced with the actor as the user who caused them (ONIMBOTJOINCHAT USER_ID):
// the bot itself for imbot.chat.*.
Cause joined_by(const Cause& cause, int64_t actor) {
  Cause c = cause;
  c.user_id = actor;
  return c;
}

void on_change(Tx& tx, const Change& change) {
  Conn& w = tx.conn;
  const Cause& cause = tx.cause();
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MessageAdded>) {
          if (!c.by_bot && c.message.author_id > 0) bots_on_message_added(w, cause, c.chat, c.message_id, c.message);
        } else if constexpr (std::is_same_v<T, MessageUpdated>) {
          if (!c.by_bot) bots_on_message_updated(w, cause, c.before, c.after);
        } else if constexpr (std::is_same_v<T, MessageDeleted>) {
          if (!c.by_bot) bots_on_message_deleted(w, cause, c.before, c.after);
        } else if constexpr (std::is_same_v<T, CommandPressed>) {
          bots_on_command_pressed(w, cause, c.message, c.bot_id, c.command, c.params, c.context);
        } else if constexpr (std::is_same_v<T, ChatCreated>) {
          // A private dialog's bot hears of it with the first message instead (ONIMBOTJOINCHAT first).
          if (c.chat.type != "P")
            bots_on_members_added(tx, joined_by(cause, c.chat.author_id), c.chat.id, c.members, true);
        } else if constexpr (std::is_same_v<T, MembersAdded>) {
          bots_on_members_added(tx, joined_by(cause, c.actor), c.chat_id, c.users, !c.hide_history);
        } else if constexpr (std::is_same_v<T, AppUninstalled>) {
          // The application's bots go first, each with its ONIMBOTDELETE, while the application still
          // counts as installed and its bindings exist. Nobody in particular causes an uninstall.
          unregister_app_bots(tx, c.app_id, Cause{0, kEventSessionTtl, ""});
          remove_app_bot_surface(w, c.app_id);  // chat apps, commands, placements
        }
      },
      change);
}

}  // namespace

void subscribe_bots(ChangeFeed& feed) { feed.on_change(on_change); }

}  // namespace imhub
