// Shared by the method adapters in src/api: registration hooks and parameter helpers.
#pragma once

#include "api/registry.hpp"
#include "api/services.hpp"
#include "apps/event_chain.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/value.hpp"
#include "im/change_feed.hpp"

namespace imhub {

// One area's methods: the same scope and reference folder, one call per method.
struct MethodTable {
  Registry& registry;
  std::string scope;
  std::string doc_folder;  // e.g. "api-reference/chats/"; "" page → no reference page
  void add(std::string name, Effect effect, Handler h, const std::string& page, std::string note = "") const;
};

// imhub's own methods (Method::extension): named imhub.*, in no Bitrix24 reference, documented in
// imhub's docs at `doc`; docs/api-coverage.md lists them apart.
struct ExtensionTable {
  Registry& registry;
  std::string scope;
  std::string doc;  // e.g. "docs/operations.md#the-developer-console"
  void add(std::string name, Effect effect, Handler h, std::string note, Audience audience = Audience::kAnyone) const;
};

// Runs `fn(Tx&)` in one durable write transaction caused by the call; the change feed publishes
// what it raised once the commit is durable. Returns what `fn` returns.
template <class F>
auto write_tx(const MethodCall& call, F&& fn) {
  return call.services.feed->write(call.services.store, event_cause(call.caller), std::forward<F>(fn));
}
// The same for an `fn` that may run again from its start (ChangeFeed::write_repeatable).
template <class F>
auto write_tx_repeatable(const MethodCall& call, F&& fn) {
  return call.services.feed->write_repeatable(call.services.store, event_cause(call.caller), std::forward<F>(fn));
}

void register_platform_methods(Registry& r);
void register_user_methods(Registry& r);
void register_department_methods(Registry& r);
void register_im_chat_methods(Registry& r);
void register_im_message_methods(Registry& r);
void register_im_dialog_methods(Registry& r);
void register_im_recent_methods(Registry& r);
void register_im_notify_methods(Registry& r);
void register_im_revision_method(Registry& r);  // called by register_im_chat_methods
void register_im_users_methods(Registry& r);
void register_disk_methods(Registry& r);
void register_im_disk_methods(Registry& r);
void register_event_methods(Registry& r);
// app.info for an OAuth caller: its application (api/app_info.cpp).
MethodResult app_info_of_application(MethodCall& call);
void register_event_offline_methods(Registry& r);  // called by register_event_methods
void register_imbot_bot_methods(Registry& r);
void register_imbot_message_methods(Registry& r);  // called by register_imbot_bot_methods
// The bot surface: imbot.chat.*, commands, chat apps and their launch, placements, Giphy.
void register_imbot_chat_methods(Registry& r);
void register_imbot_command_methods(Registry& r);
void register_imbot_app_methods(Registry& r);
void register_placement_methods(Registry& r);
// imhub.messenger.*: what the browser messenger lists in a dialog (chat apps, commands,
// placements) and the tokens its app frames open with (im_extensions.cpp).
void register_im_extension_methods(Registry& r);
void register_imbot_giphy_methods(Registry& r);
void register_pull_methods(Registry& r);  // pull.* (api/pull.cpp)
// imhub.console.*: the developer console, imhub's own methods (api/console.cpp).
void register_console_methods(Registry& r);
// Open Channels: lines (imopenlines.config.*, revision), operators and sessions, dialogs and
// history, the bots' hand-overs, and custom connectors (imconnector.*).
void register_imopenlines_config_methods(Registry& r);
void register_imopenlines_operator_methods(Registry& r);
void register_imopenlines_dialog_methods(Registry& r);
void register_imopenlines_bot_methods(Registry& r);
void register_imopenlines_network_methods(Registry& r);
void register_imconnector_methods(Registry& r);
// Quick answers (imopenlines.message.quick.save, imhub.openlines.quick.*) and the operator view's
// list of open sessions (imhub.openlines.session.list).
void register_imopenlines_quick_methods(Registry& r);
void register_openlines_extension_methods(Registry& r);

}  // namespace imhub
