// imopenlines.network.* (scope `imopenlines`): Bitrix24.Network for lines given a network code
// (openlines/network.hpp, protocol-openlines.md §5.8; reference imopenlines-network-join.md,
// imopenlines-network-message-add.md). A code no local line carries is NOT_FOUND, as an unknown
// code is on the platform.
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/message_actions.hpp"
#include "openlines/network.hpp"
#include "text/message_parts.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/";

// CODE: 32 characters (CODE otherwise), of a local line (NOT_FOUND otherwise).
OpenLine network_line(const MethodCall& call, Conn& c) {
  const std::string code(trim(call.param("CODE").to_string()));
  if (!valid_network_code(code)) throw ApiError(errors::kOlNetworkCode);
  auto line = line_of_network_code(c, code);
  if (!line) throw ApiError(errors::kOlNetworkNotFound);
  return *line;
}

MethodResult network_join(MethodCall& call) {
  return write_tx(call, [&](Tx& tx) {
    const OpenLine line = network_line(call, tx.conn);
    if (!line.active()) throw ApiError(errors::kOlNetworkInactive);
    return Value(ensure_network_bot(tx, line));
  });
}

// ATTACH and KEYBOARD as im.message.add checks them, with this method's descriptions.
Value rich_params(const MethodCall& call, int64_t bot_id) {
  Value params = Value::map();
  try {
    apply_rich_params([&call](std::string_view name) -> const Value& { return call.param(name); }, params, false,
                      bot_id);
  } catch (const ApiError& e) {
    if (e.code() == errors::kAttachErrorAttach.code) throw ApiError(errors::kAttachErrorAttach);
    if (e.code() == errors::kAttachOversizeAttach.code) throw ApiError(errors::kAttachOversizeAttach);
    throw;
  }
  params["IMOL_QUOTE_MSG"] = Value("Y");
  return params;
}

MethodResult network_message_add(MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kOlBotSessionAuth);
  const std::string text = call.param("MESSAGE").to_string();
  Sent sent;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    const OpenLine line = network_line(call, c);
    const Value& user_param = call.param("USER_ID");
    const int64_t user_id = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
    if (user_id <= 0) throw ApiError(errors::kOlUserIdEmpty);
    if (trim(text).empty()) throw ApiError(errors::kOlNetworkMessageEmpty);
    const Value params = rich_params(call, 0);
    auto user = find_user(c, user_id);
    if (!user || !user->active || !user->external_auth_id.empty()) throw ApiError(errors::kOlNetworkNotAdded);
    const int64_t now = now_unix_seconds();
    if (!network_message_allowed(c, line.id, user_id, now)) throw ApiError(errors::kOlNetworkUserLimit);
    Send send;
    send.author = ensure_network_bot(tx, line);
    send.to = DialogRef{false, user_id};
    send.text = text;
    send.params_json = params_to_json(params);
    sent = send_message(tx, send);
    if (sent.status != MessageStatus::kOk) throw ApiError(errors::kOlNetworkNotAdded);
    note_network_message(c, line.id, user_id, now);
  });
  enqueue_preview(call, sent.id, text, false);
  return Value(true);
}

}  // namespace

void register_imopenlines_network_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  const std::string local = "only codes given to local lines (imhub openlines network) are found; ";
  table.add("imopenlines.network.join", Effect::kWrite, network_join, "imopenlines-network-join.md",
            local + "the bot is the line's own, created on the first join");
  table.add("imopenlines.network.message.add", Effect::kWrite, network_message_add,
            "imopenlines-network-message-add.md", local + "the message is the line's bot's in a private dialog");
  // The name spec 002 "Handling Open Channels" gives the same method.
  table.add("imopenlines.network.message.send", Effect::kWrite, network_message_add,
            "imopenlines-network-message-add.md", local + "the message is the line's bot's in a private dialog");
}

}  // namespace imhub
