// Quick answers of open lines: imopenlines.message.quick.save (protocol-openlines.md §5.6, reference
// imopenlines/openlines/messages/imopenlines-message-quick-save.md) and imhub's own
// imhub.openlines.quick.list / .delete, which the browser's composer reads them with (Bitrix24 lists
// them to its own messenger outside REST).
#include <algorithm>

#include "api/common.hpp"
#include "api/im_common.hpp"
#include "api/openlines_access.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/message.hpp"
#include "openlines/line.hpp"
#include "openlines/quick_answer.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/";
const std::string kExtensionDoc = "docs/openlines.md#quick-answers";

constexpr int64_t kListDefault = 50;
constexpr int64_t kListMax = 200;

// What may become a quick answer: a message of that chat with text, not a notice and not the
// client's own words.
bool savable(const Message& m, const Chat& chat, int64_t client_id) {
  if (m.chat_id != chat.id || m.author_id <= 0 || m.author_id == client_id) return false;
  if (m.params.is_map() && m.params["IS_DELETED"].to_string() == "Y") return false;
  return !trim(m.text).empty();
}

MethodResult quick_save(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  const auto message_id = positive_id_param(call, {"MESSAGE_ID"});
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    auto message = message_id ? find_message(tx.conn, *message_id) : std::nullopt;
    auto session = last_session(tx.conn, chat.id);
    const int64_t line_id = chat_line_id(tx.conn, chat);
    if (!message || line_id <= 0 || !savable(*message, chat, session ? session->user_id : 0))
      throw ApiError(errors::kOlCantSaveQuickAnswer);
    save_quick_answer(tx.conn, QuickAnswer{.line_id = line_id,
                                           .text = std::string(trim(message->text)),
                                           .message_id = message->id,
                                           .author_id = call.caller.user_id});
  });
  return Value(true);
}

// The line whose answers a call means: CHAT_ID's (the four operator errors) or LINE_ID's (an
// operator of that line or an administrator).
int64_t quick_line(const MethodCall& call, Conn& c) {
  if (!call.param("CHAT_ID").is_null()) return chat_line_id(c, operator_chat(call, c, chat_id_param(call)));
  const auto line_id = positive_id_param(call, {"LINE_ID"});
  if (!line_id) throw ApiError(errors::kOlQuickLineEmpty);
  auto line = find_line(c, *line_id);
  if (!line || !(call.caller.is_admin || is_queue_operator(c, *line, call.caller.user_id)))
    throw ApiError(errors::kOlAccessDenied);
  return line->id;
}

Value quick_answer_object(const QuickAnswer& a) {
  return Value::object({{"id", Value(a.id)},
                        {"line_id", Value(a.line_id)},
                        {"text", Value(a.text)},
                        {"message_id", Value(a.message_id)},
                        {"author_id", Value(a.author_id)},
                        {"date_create", Value(atom_time(a.created_at))}});
}

MethodResult quick_list(MethodCall& call) {
  const std::string search(trim(call.param("SEARCH").to_string()));
  const int64_t offset = std::max<int64_t>(call.start, 0);
  const Value& limit_param = call.param("LIMIT");
  int64_t limit = limit_param.is_scalar() ? limit_param.to_int().value_or(kListDefault) : kListDefault;
  limit = std::clamp<int64_t>(limit, 1, kListMax);
  int64_t total = 0;
  MethodResult r;
  r.result = call.services.store.read_with([&](Conn& c) {
    Value out = Value::list();
    for (const QuickAnswer& a : find_quick_answers(c, quick_line(call, c), search, offset, limit, &total))
      out.push_back(quick_answer_object(a));
    return out;
  });
  r.total = total;
  if (offset + static_cast<int64_t>(r.result.size()) < total) r.next = offset + static_cast<int64_t>(r.result.size());
  return r;
}

// Whoever saved an answer, and administrators, may remove it.
MethodResult quick_delete(MethodCall& call) {
  const auto id = positive_id_param(call, {"ID"});
  if (!id) throw ApiError(errors::kOlQuickIdEmpty);
  write_tx(call, [&](Tx& tx) {
    auto a = find_quick_answer(tx.conn, *id);
    if (!a) throw ApiError(errors::kOlQuickNotFound);
    if (a->author_id != call.caller.user_id && !call.caller.is_admin) throw ApiError(errors::kOlAccessDenied);
    delete_quick_answer(tx.conn, a->id);
  });
  return Value(true);
}

}  // namespace

void register_imopenlines_quick_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  table.add("imopenlines.message.quick.save", Effect::kWrite, quick_save, "messages/imopenlines-message-quick-save.md",
            "saved for the chat's line (one list per line, shared by its operators); a message is saved once");
  const ExtensionTable ext{r, "imopenlines", kExtensionDoc};
  ext.add("imhub.openlines.quick.list", Effect::kRead, quick_list,
          "the quick answers of a line (CHAT_ID or LINE_ID), SEARCH in their text, newest first, paged with start");
  ext.add("imhub.openlines.quick.delete", Effect::kWrite, quick_delete,
          "removes a quick answer (ID): whoever saved it or an administrator");
}

}  // namespace imhub
