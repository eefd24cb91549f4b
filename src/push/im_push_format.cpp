#include "push/im_push_format.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "push/channel.hpp"
#include "users/user.hpp"
#include "views/im_user.hpp"

namespace imhub {

namespace {

constexpr int kRevisionImWeb = 130;  // im revisions the web client compares (Common::getPullExtra)
constexpr int kRevisionImMobile = 19;
constexpr int kRevisionImRest = 31;

Value im_extra(bool shared) {
  return Value::object({{"revision_im_web", Value(kRevisionImWeb)},
                        {"revision_im_mobile", Value(kRevisionImMobile)},
                        {"revision_im_rest", Value(kRevisionImRest)},
                        {"im_revision", Value(kRevisionImWeb)},
                        {"im_revision_mobile", Value(kRevisionImMobile)},
                        {"is_shared_event", Value(shared)},
                        {"action_uuid", Value()}});
}

}  // namespace

const std::string& PrivateChannels::of(int64_t user) {
  // Bounded: past this many users the cache starts over (ids are cheap to compute again).
  constexpr size_t kMaxUsers = 200000;
  auto it = ids_.find(user);
  if (it != ids_.end()) return it->second;
  if (ids_.size() >= kMaxUsers) ids_.clear();
  return ids_.emplace(user, private_channel(key_, user)).first->second;
}

namespace {

PushMessage message_to(const ImOut& out, const std::vector<int64_t>& users, int64_t expiry) {
  PushMessage m;
  m.channels.reserve(users.size());
  for (int64_t u : users)
    if (out.publisher.may_reach_user(u))
      m.channels.push_back(out.channels ? out.channels->of(u) : private_channel(out.key, u));
  m.expiry = expiry;
  return m;
}

// A control character, 16 random hex digits and a colon: the start of every slot's text.
const std::string& slot_prefix() {
  static const std::string prefix = [] {
    std::random_device rd;
    const uint64_t nonce = (uint64_t{rd()} << 32) ^ rd();
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(nonce));
    return std::string("\x1f") + buf + ":";
  }();
  return prefix;
}

}  // namespace

void ImOut::to_users(const std::vector<int64_t>& users, Value body, int64_t expiry) const {
  PushMessage m = message_to(*this, users, expiry);
  if (m.channels.empty()) return;
  m.body = std::move(body);
  publisher.publish(std::move(m));
}

void ImOut::to_users_json(const std::vector<int64_t>& users, std::string body_json, int64_t expiry) const {
  PushMessage m = message_to(*this, users, expiry);
  if (m.channels.empty()) return;
  m.body_json = std::move(body_json);
  publisher.publish(std::move(m));
}

Value BodyTemplate::slot(int n) { return Value(slot_prefix() + std::to_string(n)); }

BodyTemplate::BodyTemplate(const Value& body) {
  const std::string text = to_json(body);
  std::string quoted = to_json(Value(slot_prefix()));  // "\u001f…: as written
  quoted.pop_back();
  size_t start = 0, search = 0;
  for (size_t at; (at = text.find(quoted, search)) != std::string::npos;) {
    size_t end = at + quoted.size();
    int n = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') n = n * 10 + (text[end++] - '0');
    search = at + 1;
    if (end >= text.size() || text[end] != '"') continue;  // not a slot after all
    pieces_.push_back(text.substr(start, at - start));
    slots_.push_back(n);
    start = search = end + 1;
  }
  pieces_.push_back(text.substr(start));
}

std::string BodyTemplate::fill(std::initializer_list<std::string_view> values) const { return fill(values.begin()); }

std::string BodyTemplate::fill(const std::vector<std::string_view>& values) const { return fill(values.data()); }

std::string BodyTemplate::fill(const std::string_view* v) const {
  size_t size = 0;
  for (const auto& p : pieces_) size += p.size();
  for (int s : slots_) size += v[s].size();
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < slots_.size(); ++i) out.append(pieces_[i]).append(v[slots_[i]]);
  out.append(pieces_.back());
  return out;
}

std::vector<int64_t> ImOut::watchers(const Chat& chat, const std::vector<int64_t>& members) const {
  return non_member_watchers(watch, chat.id, chat.type, members, now_unix_seconds());
}

void Fanout::add(int64_t receiver, const std::string& variant, const std::function<Value()>& build) {
  if (!out_.publisher.may_reach_user(receiver)) return;  // never online in this run: nobody to read it
  auto [it, fresh] = index_.try_emplace(variant, groups_.size());
  if (fresh) groups_.push_back({{}, build()});
  groups_[it->second].users.push_back(receiver);
}

void Fanout::add_json(int64_t receiver, const std::string& variant, const std::function<std::string()>& build) {
  if (!out_.publisher.may_reach_user(receiver)) return;
  auto [it, fresh] = index_.try_emplace(variant, groups_.size());
  if (fresh) groups_.push_back({{}, {}, build()});
  groups_[it->second].users.push_back(receiver);
}

void Fanout::flush() {
  for (Group& g : groups_) {
    if (!g.json.empty())
      out_.to_users_json(g.users, std::move(g.json), expiry_);
    else
      out_.to_users(g.users, std::move(g.body), expiry_);
  }
  groups_.clear();
  index_.clear();
}

std::optional<ChatAudience> chat_audience(Conn& c, int64_t chat_id) {
  auto chat = find_chat(c, chat_id);
  if (!chat) return std::nullopt;
  ChatAudience a{std::move(*chat), chat_members(c, chat_id), {}};
  // The client of an open line hears its conversation through its connector, never as im commands,
  // and is left out of what the operators are told of the chat's members (protocol-openlines.md,
  // "Decisions for imhub"). Only LINES chats pay for the look-up.
  if (a.chat.entity_type == "LINES") {
    std::vector<int64_t> clients;
    for (const Row& r : c.query("SELECT m.user_id FROM chat_members m JOIN users u ON u.id = m.user_id "
                                "WHERE m.chat_id = $1 AND u.external_auth_id = 'imconnector'",
                                {chat_id}))
      clients.push_back(r.i64(0));
    std::erase_if(a.members, [&](const ChatMember& m) {
      return std::find(clients.begin(), clients.end(), m.user_id) != clients.end();
    });
  }
  a.ids = user_ids(a.members);
  return a;
}

bool anyone_to_tell(const ImOut& out, int64_t chat_id) {
  if (!out.member_ids) return true;
  const auto chat = out.member_ids->get(out.c, chat_id);
  return chat && reaches_anyone(out.publisher, out.watch, chat_id, *chat);
}

bool reaches_anyone(const PushPublisher& publisher, const PushWatch* watch, int64_t chat_id,
                    const ChatMemberIds& chat) {
  return publisher.may_reach_any(chat.ids) ||
         !non_member_watchers(watch, chat_id, chat.type, chat.ids, now_unix_seconds()).empty();
}

void to_chat(const ImOut& out, const ChatAudience& a, std::string_view command,
             const std::function<Value(const std::string& dialog_id)>& params, int64_t expiry) {
  Fanout fan(out, expiry);
  for (int64_t receiver : a.ids) {
    const std::string dialog = dialog_id_for(a.chat, a.ids, receiver);
    fan.add(receiver, dialog, [&] { return im_body(command, params(dialog)); });
  }
  fan.flush();
  if (const auto watchers = out.watchers(a.chat, a.ids); !watchers.empty())
    out.to_users(watchers, im_body(command, params(chat_dialog_id(a.chat.id)), true), expiry);
}

Value im_body(std::string_view command, Value params, bool shared) {
  return Value::object({{"module_id", Value("im")},
                        {"command", Value(command)},
                        {"params", std::move(params)},
                        {"extra", im_extra(shared)}});
}

bool is_private_chat(const Chat& chat) { return chat.type == "P"; }

std::string chat_dialog_id(int64_t chat_id) { return "chat" + std::to_string(chat_id); }

std::string dialog_id_for(const Chat& chat, const std::vector<int64_t>& members, int64_t receiver) {
  if (!is_private_chat(chat)) return chat_dialog_id(chat.id);
  for (int64_t m : members)
    if (m != receiver) return std::to_string(m);
  return std::to_string(receiver);
}

std::string_view dialog_type(const Chat& chat) { return is_private_chat(chat) ? "private" : "chat"; }

Value ids_list(const std::vector<int64_t>& ids) {
  Value out = Value::list();
  for (int64_t id : ids) out.push_back(Value(id));
  return out;
}

std::vector<int64_t> user_ids(const std::vector<ChatMember>& members) {
  std::vector<int64_t> out;
  out.reserve(members.size());
  for (const ChatMember& m : members) out.push_back(m.user_id);
  return out;
}

Value message_object(const Message& m, const Chat& chat, const std::vector<int64_t>& members, int64_t prev_id) {
  Value params = m.params.is_map() ? m.params : Value::list();
  Value recipient =
      is_private_chat(chat) ? Value(dialog_id_for(chat, members, m.author_id)) : Value(chat_dialog_id(chat.id));
  return Value::object({{"id", Value(m.id)},
                        {"templateId", Value("")},
                        {"templateFileId", Value("")},
                        {"prevId", Value(prev_id)},
                        {"chatId", Value(m.chat_id)},
                        {"senderId", Value(m.author_id)},
                        {"recipientId", std::move(recipient)},
                        {"system", Value(m.system ? "Y" : "N")},
                        {"date", Value(atom_time(m.created_at))},
                        {"text", Value(m.text)},
                        {"textLegacy", Value(m.text)},
                        {"params", std::move(params)},
                        {"counter", Value(0)},
                        {"isImportant", Value(false)},
                        {"importantFor", Value::list()},
                        {"additionalEntities", Value::list()},
                        {"forward", Value::list()}});
}

Value ImOut::users(const std::vector<int64_t>& ids) const {
  if (!user_objects) return users_by_id(c, config, ids);
  Value out = Value::empty_object();
  for (int64_t id : ids) {
    if (id <= 0) continue;
    auto it = user_objects->find(id);
    if (it == user_objects->end()) {
      auto u = find_user(c, id);
      it = user_objects->emplace(id, u ? im_user_object(c, config, *u) : Value()).first;
    }
    if (!it->second.is_null()) out[std::to_string(id)] = it->second;
  }
  return out;
}

Value users_by_id(Conn& c, const Config& config, const std::vector<int64_t>& ids) {
  Value out = Value::empty_object();
  for (int64_t id : ids)
    if (id > 0)
      if (auto u = find_user(c, id)) out[std::to_string(u->id)] = im_user_object(c, config, *u);
  return out;
}

}  // namespace imhub
