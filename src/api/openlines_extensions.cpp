// imhub.openlines.session.list: the open sessions an operator sees, for the browser's Open
// Channels list (docs/openlines.md "The operator view"). Bitrix24 renders that list for its own
// messenger from its page and internal calls; imhub has no server-rendered page, so it is imhub's
// own REST method. What it shows follows may_operate (openlines/session_flow.hpp): the sessions of
// the lines whose queue the caller is in, of the chats the caller is a member of, and, for
// administrators (the supervisors), every open session.
#include <map>
#include <set>

#include "api/common.hpp"
#include "core/clock.hpp"
#include "openlines/line.hpp"
#include "openlines/session.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

const std::string kExtensionDoc = "docs/openlines.md#the-operator-view";
constexpr int kAdminLimit = 1000;
constexpr int kHistoryIds = 20;

Value session_item(Conn& c, const Session& s, const Chat& chat, const std::string& line_name, int64_t viewer) {
  Value ids = Value::list();
  for (int64_t id : session_ids_of_chat(c, s.chat_id, kHistoryIds)) ids.push_back(Value(id));
  return Value::object({{"session_id", Value(s.id)},
                        {"chat_id", Value(s.chat_id)},
                        {"dialog_id", Value("chat" + std::to_string(s.chat_id))},
                        {"title", Value(chat.title)},
                        {"line_id", Value(s.line_id)},
                        {"line_name", Value(line_name)},
                        {"status", Value(int64_t{s.status})},
                        {"operator_id", Value(s.operator_id)},
                        {"answered", Value(s.answered)},
                        {"member", Value(find_member(c, s.chat_id, viewer).has_value())},
                        {"pinned", Value(s.pinned)},
                        {"silent", Value(chat.entity_data_3 == "Y")},
                        {"mode", Value(s.mode)},
                        {"client_id", Value(s.user_id)},
                        {"connector", Value(s.connector)},
                        {"user_code", Value(s.user_code)},
                        {"session_ids", std::move(ids)},
                        {"date_create", Value(atom_time(s.created_at))},
                        {"date_modify", Value(atom_time(s.modified_at))}});
}

MethodResult session_list(MethodCall& call) {
  const int64_t me = call.caller.user_id;
  return call.services.store.read_with([&](Conn& c) -> Value {
    std::map<int64_t, Session> seen;  // by id: the list's order
    if (call.caller.is_admin) {
      for (Session& s : all_open_sessions(c, kAdminLimit)) seen.emplace(s.id, std::move(s));
    } else if (me > 0) {
      for (int64_t line : lines_of_operator(c, me))
        for (Session& s : open_sessions_of_line(c, line)) seen.emplace(s.id, std::move(s));
      for (Session& s : open_sessions_with_member(c, me)) seen.emplace(s.id, std::move(s));
    }
    std::map<int64_t, std::string> line_names;
    Value out = Value::list();
    for (const auto& [id, s] : seen) {
      auto chat = find_chat(c, s.chat_id);
      if (!chat || !may_operate(c, *chat, me, call.caller.is_admin)) continue;
      if (!line_names.contains(s.line_id)) {
        auto line = find_line(c, s.line_id);
        line_names[s.line_id] = line ? line->name() : std::string();
      }
      out.push_back(session_item(c, s, *chat, line_names[s.line_id], me));
    }
    return out;
  });
}

}  // namespace

void register_openlines_extension_methods(Registry& r) {
  const ExtensionTable ext{r, "imopenlines", kExtensionDoc};
  ext.add("imhub.openlines.session.list", Effect::kRead, session_list,
          "the open sessions the caller may operate (their lines', their chats', every one for administrators) with "
          "status, operator and line, for the browser's Open Channels list");
}

}  // namespace imhub
