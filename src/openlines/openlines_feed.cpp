#include "openlines/openlines_feed.hpp"

#include <type_traits>

#include "openlines/connector.hpp"
#include "openlines/connector_relay.hpp"
#include "openlines/livechat_relay.hpp"
#include "openlines/network_relay.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

void on_change(Tx& tx, const Change& change) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MessageAdded>) {
          if (c.chat.entity_type == "LINES") on_lines_message(tx, c.chat, c.message_id, c.message, c.by_bot);
          relay_livechat_message(tx, c.chat, c.message_id, c.message, c.by_bot);
          relay_network_message(tx, c.chat, c.message_id, c.message, c.by_bot);
        } else if constexpr (std::is_same_v<T, MessageUpdated>) {
          on_lines_message_changed(tx, c.before, c.after, false);
          relay_livechat_change(tx, c.before, c.after, false, false);
          relay_network_change(tx, c.before, c.after, false, false);
        } else if constexpr (std::is_same_v<T, MessageDeleted>) {
          on_lines_message_changed(tx, c.before, c.after, true);
          relay_livechat_change(tx, c.before, c.after, true, c.complete);
          relay_network_change(tx, c.before, c.after, true, c.complete);
        } else if constexpr (std::is_same_v<T, MembersAdded>) {
          on_lines_members_added(tx, c.chat_id, c.users);
        } else if constexpr (std::is_same_v<T, AppUninstalled>) {
          remove_app_connectors(tx.conn, c.app_id);
        }
      },
      change);
}

}  // namespace

void subscribe_openlines(ChangeFeed& feed) { feed.on_change(on_change); }

}  // namespace imhub
