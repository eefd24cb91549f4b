// imopenlines.widget.* (scope `imopenlines`; live-chat auth only, else 403 WRONG_AUTH_TYPE):
// what the live chat's page asks of its line. Contract: protocol-openlines.md §5.9, §8.3 (CORP
// lib/widget/*.php; camelCase results). Who may call which is rest/livechat_gate.hpp; the
// visitor, their chats and the relay are openlines/livechat.hpp.
#include <algorithm>
#include <random>

#include "api/common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "openlines/livechat.hpp"
#include "push/channel.hpp"
#include "users/user.hpp"
#include "views/im_user.hpp"

namespace imhub {
namespace {

constexpr int64_t kMaxFileSize = 5 * 1024 * 1024;  // what config.get announces (files are off)
constexpr size_t kShownOperators = 3;

void require_livechat(const MethodCall& call) {
  if (call.caller.kind != AuthKind::kLivechat) throw ApiError(errors::kWidgetLivechatOnly);
}

OpenLine line_param(const MethodCall& call, Conn& c) {
  const int64_t id = call.param("CONFIG_ID").to_int_or(0);
  if (id <= 0) throw ApiError(errors::kOlConfigIdEmpty);
  auto line = find_line(c, id);
  if (!line) throw ApiError(errors::kWidgetConfigNotFound);
  return *line;
}

// How an operator appears to the visitor (OPERATOR_DATA): their profile, the line's name, or the
// line's DEFAULT_OPERATOR_DATA.
Value operator_card(Conn& c, const Config& config, const OpenLine& line, int64_t user_id) {
  std::string name, first, last, position, gender, avatar;
  int64_t id = 0;
  const std::string mode = line.text("OPERATOR_DATA");
  if (mode == "profile" && user_id > 0) {
    if (auto u = find_user(c, user_id)) {
      id = u->id;
      name = u->full_name();
      first = u->name;
      last = u->last_name;
      position = u->work_position;
      gender = u->personal_gender.empty() ? "M" : u->personal_gender;
      avatar = avatar_url(config, u->personal_photo);
    }
  } else if (mode == "queue") {
    name = first = line.name();
  } else {
    const Value& def = line.settings["DEFAULT_OPERATOR_DATA"];
    if (const Value* n = def.is_map() ? def.find("NAME") : nullptr) name = first = n->to_string();
    if (const Value* a = def.is_map() ? def.find("AVATAR") : nullptr) avatar = a->to_string();
  }
  return Value::object({{"ID", Value(id)},
                        {"NAME", Value(name)},
                        {"FIRST_NAME", Value(first)},
                        {"LAST_NAME", Value(last)},
                        {"WORK_POSITION", Value(position)},
                        {"GENDER", Value(gender)},
                        {"AVATAR", Value(avatar)},
                        {"AVATAR_ID", Value(int64_t{0})},
                        {"ONLINE", Value(id > 0 && user_online(c, id))}});
}

// --- config.get: the line by its public code.
MethodResult config_get(MethodCall& call) {
  require_livechat(call);
  const std::string code = std::string(trim(call.param("CODE").to_string()));
  return call.services.store.read_with([&](Conn& c) {
    auto line_id = line_of_livechat_code(c, code);
    auto line = line_id ? find_line(c, *line_id) : std::nullopt;
    if (!line || !line->active()) throw ApiError(errors::kWidgetConfigNotFound);
    const std::vector<QueueMember> queue = queue_members(c, *line);
    Value operators = Value::list();
    bool online = false;
    for (const QueueMember& m : queue) online = online || user_online(c, m.user_id);
    if (line->text("OPERATOR_DATA") == "profile") {
      // Up to three of the queue, picked at random each time (as the platform does).
      std::vector<QueueMember> picked = queue;
      std::shuffle(picked.begin(), picked.end(), std::mt19937(std::random_device{}()));
      if (picked.size() > kShownOperators) picked.resize(kShownOperators);
      for (const QueueMember& m : picked) {
        auto u = find_user(c, m.user_id);
        if (!u) continue;
        operators.push_back(Value::object({{"id", Value(u->id)},
                                           {"name", Value(u->full_name())},
                                           {"firstName", Value(u->name)},
                                           {"lastName", Value(u->last_name)},
                                           {"workPosition", Value(u->work_position)},
                                           {"avatar", Value(avatar_url(call.services.config, u->personal_photo))},
                                           {"online", Value(user_online(c, u->id))}}));
      }
    }
    const bool vote = line->flag("VOTE_MESSAGE");
    return Value::object(
        {{"configId", Value(line->id)},
         {"configName", Value(line->name())},
         {"voteEnable", Value(vote)},
         {"consentUrl", Value("")},
         {"operators", std::move(operators)},
         {"online", Value(online)},
         {"connectors", Value::list()},
         {"disk", Value::object({{"enabled", Value(false)}, {"maxFileSize", Value(kMaxFileSize)}})},
         {"vote", Value::object({{"enable", Value(vote)},
                                 {"beforeFinish", Value(line->flag("VOTE_BEFORE_FINISH"))},
                                 {"messageText", Value(line->text("VOTE_MESSAGE_2_TEXT"))},
                                 {"messageLike", Value(line->text("VOTE_MESSAGE_2_LIKE"))},
                                 {"messageDislike", Value(line->text("VOTE_MESSAGE_2_DISLIKE"))}})},
         {"textMessages",
          Value::object({{"welcome",
                          Value(line->flag("WELCOME_MESSAGE") ? line->text("WELCOME_MESSAGE_TEXT") : std::string())}})},
         {"watchTyping", Value(line->flag("WATCH_TYPING"))},
         {"showSessionId", Value(false)},
         {"crmFormsSettings", Value::object({{"useWelcomeForm", Value(false)}})},
         {"serverVariables", Value::object({{"FORMAT_DATE", Value("DD.MM.YYYY")},
                                            {"FORMAT_DATETIME", Value("DD.MM.YYYY HH:MI:SS")},
                                            {"AMPM_MODE", Value(false)},
                                            {"UTF_MODE", Value(true)},
                                            {"isCloud", Value(false)}})}});
  });
}

VisitorProfile profile_params(const MethodCall& call) {
  auto text = [&](std::string_view name) { return std::string(trim(call.param(name).to_string())); };
  return VisitorProfile{text("NAME"), text("LAST_NAME"), text("AVATAR"),  text("EMAIL"),
                        text("WWW"),  text("GENDER"),    text("POSITION")};
}

// --- user.register: a new visitor (or the one USER_HASH / the auth hash proves), and their chat
// with the line.
MethodResult user_register(MethodCall& call) {
  require_livechat(call);
  const VisitorProfile profile = profile_params(call);
  std::string presented = call.caller.livechat_hash;
  if (presented.empty()) presented = std::string(trim(call.param("USER_HASH").to_string()));
  return write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    const OpenLine line = line_param(call, c);
    std::optional<int64_t> known =
        call.caller.user_id > 0 ? std::optional<int64_t>(call.caller.user_id) : find_visitor(c, presented);
    std::string hash = presented;
    int64_t user_id = 0;
    if (known) {
      user_id = *known;
      update_visitor(c, user_id, profile);
    } else {
      Visitor v = create_visitor(c, profile);
      user_id = v.user_id;
      hash = v.hash;
    }
    const int64_t before = tx.act_as(user_id);
    const Chat chat = ensure_visitor_chat(tx, line, user_id);
    tx.act_as(before);
    return Value::object({{"id", Value(user_id)},
                          {"hash", Value(hash)},
                          {"chatId", Value(chat.id)},
                          {"dialogId", Value("chat" + std::to_string(chat.id))},
                          {"userConsent", Value(has_consent(c, user_id))}});
  });
}

// --- user.get: the visitor as the page shows them.
MethodResult user_get(MethodCall& call) {
  require_livechat(call);
  return call.services.store.read_with([&](Conn& c) {
    auto u = find_user(c, call.caller.user_id);
    if (!u) throw ApiError(errors::kLivechatWidgetUser);
    return Value::object({{"id", Value(u->id)},
                          {"hash", Value(call.caller.livechat_hash)},
                          {"name", Value(u->full_name())},
                          {"firstName", Value(u->name)},
                          {"lastName", Value(u->last_name)},
                          {"avatar", Value(avatar_url(call.services.config, u->personal_photo))},
                          {"email", Value(u->email)},
                          {"phone", Value(u->personal_mobile)},
                          {"www", Value(u->personal_www)},
                          {"gender", Value(u->personal_gender.empty() ? "M" : u->personal_gender)},
                          {"position", Value(u->work_position)}});
  });
}

std::string vote_name(int vote) {
  if (vote == kVoteLike) return "like";
  if (vote == kVoteDislike) return "dislike";
  return "none";
}

// --- dialog.get: the visitor's chat (CHAT_ID, else the one with CONFIG_ID's line) and its session.
MethodResult dialog_get(MethodCall& call) {
  require_livechat(call);
  const int64_t visitor = call.caller.user_id;
  return write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    std::optional<Chat> chat;
    if (const int64_t id = call.param("CHAT_ID").to_int_or(0); id > 0) {
      chat = find_chat(c, id);  // the gate let only the visitor's own chats through
      if (!chat || chat->entity_type != kLivechatEntity) throw ApiError(errors::kLivechatDialogOnly);
    } else {
      const OpenLine line = line_param(call, c);
      chat = ensure_visitor_chat(tx, line, visitor);
    }
    auto line = find_line(c, visitor_chat_line(*chat));
    auto lines_chat = operator_chat_of(c, *chat);
    auto s = lines_chat ? last_session(c, lines_chat->id) : std::nullopt;
    std::string close_vote;
    if (s && s->closed && line && line->number("VOTE_TIME_LIMIT") > 0)
      close_vote = atom_time(s->closed_at + line->number("VOTE_TIME_LIMIT"));
    return Value::object(
        {{"dialogId", Value("chat" + std::to_string(chat->id))},
         {"chatId", Value(chat->id)},
         {"diskFolderId", Value(int64_t{0})},
         {"sessionId", Value(s ? s->id : 0)},
         {"sessionClose", Value(!s || s->closed)},
         {"sessionStatus", Value(int64_t{s ? s->status : 0})},
         {"userVote", Value(vote_name(s ? s->vote : 0))},
         {"dateCloseVote", Value(close_vote)},
         {"userConsent", Value(has_consent(c, visitor))},
         {"operator", line ? operator_card(c, call.services.config, *line, s && !s->closed ? s->operator_id : 0)
                           : Value::empty_object()},
         {"operatorChatId", Value(lines_chat ? lines_chat->id : 0)}});
  });
}

// --- operator.get: the public push channels of the operators of the visitor's open sessions.
MethodResult operator_get(MethodCall& call) {
  require_livechat(call);
  std::vector<int64_t> wanted;
  const Value& users = call.param("USERS");
  for (const Value* v : users.is_array() ? users.elements() : std::vector<const Value*>{&users})
    if (auto id = v->to_int(); id && *id > 0) wanted.push_back(*id);
  const std::string key = push_key(call.services.master_key);
  const int64_t now = now_unix_seconds();
  return call.services.store.read_with([&](Conn& c) {
    Value out = Value::empty_object();
    for (const Row& r : c.query("SELECT operator_id FROM openline_sessions WHERE user_id = $1 AND closed = 0 "
                                "AND connector = $2 AND operator_id > 0",
                                {call.caller.user_id, std::string(kLivechatConnector)})) {
      const int64_t op = r.i64(0);
      if (std::find(wanted.begin(), wanted.end(), op) == wanted.end()) continue;
      const std::string id = private_channel(key, op, kUserChannelType);
      out[std::to_string(op)] = Value::object({{"user_id", Value(op)},
                                               {"public_id", Value(id)},
                                               {"signature", Value(public_signature(key, id))},
                                               {"start", Value(atom_time(now))},
                                               {"end", Value(atom_time(now + kChannelTtl))}});
    }
    return out;
  });
}

// --- vote.send: like / dislike of the visitor's own session.
MethodResult vote_send(MethodCall& call) {
  require_livechat(call);
  const int64_t session_id = call.param("SESSION_ID").to_int_or(0);
  const std::string action = to_lower(trim(call.param("ACTION").to_string()));
  if (action != "like" && action != "dislike") throw ApiError(errors::kWidgetSessionAccess);
  const int vote = action == "like" ? kVoteLike : kVoteDislike;
  const VoteStatus status =
      write_tx(call, [&](Tx& tx) { return vote_session(tx, session_id, call.caller.user_id, vote); });
  if (status != VoteStatus::kOk) throw ApiError(errors::kWidgetSessionAccess);
  return Value(true);
}

// --- action.send: the answer to a form or button of a message in the visitor's chat. imhub's
// lines send no forms, so nothing is recorded; the message must be the visitor's to see.
MethodResult action_send(MethodCall& call) {
  require_livechat(call);
  int64_t id = call.param("MESSAGE_ID").to_int_or(0);
  if (id <= 0) id = call.param("ID").to_int_or(0);
  const bool mine = call.services.store.read_with([&](Conn& c) {
    auto m = id > 0 ? find_message(c, id) : std::nullopt;
    auto chat = m ? find_chat(c, m->chat_id) : std::nullopt;
    return chat && chat->entity_type == kLivechatEntity && find_member(c, chat->id, call.caller.user_id);
  });
  if (!mine) throw ApiError(errors::kWidgetMessageAccess);
  return Value(true);
}

// --- user.consent.apply: the visitor accepted the line's agreement (false when it has none).
MethodResult consent_apply(MethodCall& call) {
  require_livechat(call);
  const std::string url = std::string(trim(call.param("CONSENT_URL").to_string()));
  return write_tx(call, [&](Tx& tx) {
    const OpenLine line = line_param(call, tx.conn);
    if (!line.flag("AGREEMENT_MESSAGE")) return Value(false);
    record_consent(tx.conn, call.caller.user_id, url);
    return Value(true);
  });
}

// --- Disabled on the platform (CORP rest.php): one dialog per visitor and line.
MethodResult disabled(MethodCall& call) {
  require_livechat(call);
  throw ApiError(errors::kWidgetDisabled);
}

// --- crm.bindings.get: imhub has no CRM.
MethodResult crm_bindings_get(MethodCall& call) {
  require_livechat(call);
  return Value::list();
}

}  // namespace

void register_imopenlines_widget_methods(Registry& r) {
  // No reference page documents these (protocol-openlines.md §8.3 is their contract).
  const MethodTable table{r, "imopenlines", ""};
  table.add("imopenlines.widget.config.get", Effect::kRead, config_get, "",
            "the line by its URL code; forms, CRM and consent texts are not offered");
  table.add("imopenlines.widget.user.register", Effect::kWrite, user_register, "");
  table.add("imopenlines.widget.user.get", Effect::kRead, user_get, "");
  table.add("imopenlines.widget.dialog.get", Effect::kWrite, dialog_get, "");
  table.add("imopenlines.widget.operator.get", Effect::kRead, operator_get, "");
  table.add("imopenlines.widget.vote.send", Effect::kWrite, vote_send, "");
  table.add("imopenlines.widget.action.send", Effect::kRead, action_send, "",
            "accepted for messages of the visitor's chat; imhub's lines send no forms to answer");
  table.add("imopenlines.widget.user.consent.apply", Effect::kWrite, consent_apply, "");
  table.add("imopenlines.widget.dialog.list", Effect::kRead, disabled, "", "disabled, as on the platform");
  table.add("imopenlines.widget.chat.create", Effect::kRead, disabled, "", "disabled, as on the platform");
  table.add("imopenlines.widget.crm.bindings.get", Effect::kRead, crm_bindings_get, "", "no CRM: an empty list");
}

}  // namespace imhub
