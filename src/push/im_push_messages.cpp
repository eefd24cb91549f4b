// Messages (protocol-push.md §9.2) and typing (§9.4): message / messageChat, messageUpdate,
// messageParamsUpdate (params edited, or a link preview written), messageDelete,
// messageDeleteComplete, addReaction / deleteReaction and the classic messageLike, startWriting.
#include <algorithm>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "disk/file.hpp"
#include "push/im_push_commands.hpp"
#include "users/user.hpp"
#include "views/chat_view.hpp"
#include "views/file_view.hpp"
#include "views/im_user.hpp"

namespace imhub {

namespace {

constexpr std::string_view kLike = "like";  // the reaction a like is in the current messenger

// The slots of a new message's body (BodyTemplate): what differs between receivers.
enum NewMessageSlot { kDialogSlot, kCounterSlot, kNotifySlot, kSharedSlot, kFirstLinkSlot };
constexpr int kLinksPerFile = 3;  // download, show, preview (FileLinks)

// What every receiver of a new message gets alike, built once.
struct NewMessageParts {
  ChatAudience a;
  Message message;
  Value users, user_in_chat, user_block, message_object, chat_object;
  // The message's files (params.FILE_ID that exist), keyed by id as im.dialog.messages.get keys
  // them; their links are slots, each receiver's own (a link is signed for its viewer).
  Value files;
  std::vector<DiskObject> file_rows;  // in slot order
};

// The file objects of the message, read once; link slots kFirstLinkSlot + kLinksPerFile * i + k.
void add_files(const ImOut& out, NewMessageParts& p) {
  p.files = Value::empty_object();
  if (!p.message.params.is_map()) return;
  for (const Value* v : std::as_const(p.message.params)["FILE_ID"].elements()) {
    const int64_t id = v->to_int_or(0);
    if (id <= 0 || p.files.find(std::to_string(id))) continue;
    auto f = find_object(out.c, id);
    if (!f || !f->is_file()) continue;
    const int first = kFirstLinkSlot + kLinksPerFile * static_cast<int>(p.file_rows.size());
    const FileLinks slots{BodyTemplate::slot(first).get_string(), BodyTemplate::slot(first + 1).get_string(),
                          f->is_image() ? BodyTemplate::slot(first + 2).get_string() : std::string()};
    const auto owner = f->owner_id > 0 ? find_user(out.c, f->owner_id) : std::nullopt;
    p.files[std::to_string(id)] = im_file_object(*f, owner ? owner->full_name() : "", slots);
    p.file_rows.push_back(std::move(*f));
  }
}

// The JSON texts of `viewer`'s links to the message's files, in slot order after kFirstLinkSlot.
std::vector<std::string> file_link_texts(const FileLinkSigner& signer, const NewMessageParts& p, int64_t viewer,
                                         int64_t expires) {
  std::vector<std::string> texts;
  texts.reserve(p.file_rows.size() * kLinksPerFile);
  for (const DiskObject& f : p.file_rows) {
    FileLinks links = file_links(signer, f, viewer, expires);
    for (std::string* link : {&links.download, &links.show, &links.preview}) texts.push_back(to_json(Value(*link)));
  }
  return texts;
}

NewMessageParts new_message_parts(const ImOut& out, ChatAudience a, Message m, int64_t prev_id) {
  NewMessageParts p{std::move(a), std::move(m), {}, Value::empty_object(), Value::empty_object(), {}, {}, {}, {}};
  const std::string chat_key = std::to_string(p.a.chat.id);
  // A private dialog shows both people; a chat, the author.
  p.users = out.users(is_private_chat(p.a.chat) ? p.a.ids : std::vector{p.message.author_id});
  p.user_in_chat[chat_key] = ids_list(p.a.ids);
  p.user_block[chat_key] = Value::list();
  p.message_object = message_object(p.message, p.a.chat, p.a.ids, prev_id);
  // The viewer-free chat object: each group adds its own counter.
  if (!is_private_chat(p.a.chat)) p.chat_object = im_chat_object(out.c, p.a.chat, {false, 0, nullptr});
  add_files(out, p);
  return p;
}

// The params of every receiver's message / messageChat, built once with BodyTemplate slots for
// what differs (NewMessageSlot: dialogId, counter, notify, the file links); the parts are moved in.
Value new_message_params(NewMessageParts& p) {
  const Value counter = BodyTemplate::slot(kCounterSlot);
  Value chat = Value::list();
  if (!is_private_chat(p.a.chat)) {
    chat = Value::empty_object();
    p.chat_object["counter"] = counter;
    chat[std::to_string(p.a.chat.id)] = std::move(p.chat_object);
  }
  p.message_object["counter"] = counter;
  return Value::object({{"chatId", Value(p.a.chat.id)},
                        {"dialogId", BodyTemplate::slot(kDialogSlot)},
                        {"chat", std::move(chat)},
                        {"lines", Value()},
                        {"userInChat", std::move(p.user_in_chat)},
                        {"userBlockChat", std::move(p.user_block)},
                        {"users", std::move(p.users)},
                        {"message", std::move(p.message_object)},
                        {"counter", counter},
                        {"counterType", Value("chat")},
                        {"files", std::move(p.files)},
                        {"notify", BodyTemplate::slot(kNotifySlot)},
                        {"copilot", Value()},
                        {"multidialog", Value()},
                        {"dateLastActivity", Value(atom_time(p.message.created_at))}});
}

// messageDelete params (§9.2); `params` already marked deleted.
Value deleted_params(const Message& m, const Chat& chat, const Value& params, const std::string& dialog) {
  return Value::object({{"id", Value(m.id)},
                        {"type", Value(dialog_type(chat))},
                        {"text", Value(m.text)},
                        {"senderId", Value(m.author_id)},
                        {"params", params},
                        {"chatId", Value(chat.id)},
                        {"dialogId", Value(dialog)}});
}

// messageUpdate: the delete form plus the text as the classic client reads it.
Value updated_params(const Message& m, const Chat& chat, const Value& params, const std::string& dialog) {
  Value v = deleted_params(m, chat, params, dialog);
  v["textLegacy"] = Value(m.text);
  return v;
}

Value deleted_params_of(const Message& m) {
  Value params = m.params.is_map() ? m.params : Value::empty_object();
  params["IS_DELETED"] = Value("Y");
  for (const char* k : {"URL_ID", "FILE_ID", "ATTACH"}) params[k] = Value::list();
  params["KEYBOARD"] = Value("N");
  return params;
}

// messageDeleteComplete: each member's own counter and the chat's new last message.
void publish_delete_complete(const ImOut& out, const ChatAudience& a, const Message& m) {
  const Value params = deleted_params_of(m);
  const auto last = last_message(out.c, a.chat.id);
  const Value new_last = last ? message_object(*last, a.chat, a.ids, 0) : Value::object({{"id", Value(0)}});
  auto build = [&](const std::string& dialog, int64_t counter, bool muted, bool unread) {
    Value p = deleted_params(m, a.chat, params, dialog);
    p["counter"] = Value(counter);
    p["muted"] = Value(muted);
    p["unread"] = Value(unread);
    p["counterType"] = Value("chat");
    p["newLastMessage"] = new_last;
    return im_body("messageDeleteComplete", std::move(p));
  };
  Fanout fan(out);
  for (const ChatMember& member : a.members) {
    const std::string dialog = dialog_id_for(a.chat, a.ids, member.user_id);
    const int64_t counter = unread_count(a.chat, member);
    const std::string variant =
        dialog + '|' + std::to_string(counter) + (member.muted ? "m" : "") + (member.marked_unread ? "u" : "");
    fan.add(member.user_id, variant, [&] { return build(dialog, counter, member.muted, member.marked_unread); });
  }
  fan.flush();
  if (const auto watchers = out.watchers(a.chat, a.ids); !watchers.empty()) {
    Value body = build(chat_dialog_id(a.chat.id), 0, false, false);
    body["extra"]["is_shared_event"] = Value(true);
    out.to_users(watchers, std::move(body));
  }
}

std::vector<int64_t> likers_of(const Message& m) {
  std::vector<int64_t> out;
  if (!m.params.is_map()) return out;
  for (const Value* v : std::as_const(m.params)["LIKE"].elements())
    if (auto id = v->to_int(); id && *id > 0) out.push_back(*id);
  return out;
}

// actualReactions of addReaction / deleteReaction: the message's likes and who gave them.
Value actual_reactions(const ImOut& out, const Message& m, const std::vector<int64_t>& likers) {
  Value counters = Value::empty_object();
  Value users = Value::empty_object();
  if (!likers.empty()) {
    counters[kLike] = Value(static_cast<int64_t>(likers.size()));
    users[kLike] = ids_list(likers);
  }
  Value short_users = Value::list();
  for (int64_t id : likers)
    if (auto u = find_user(out.c, id)) {
      const Value full = im_user_object(out.c, out.config, *u);
      short_users.push_back(Value::object({{"id", Value(u->id)}, {"name", full["name"]}, {"avatar", full["avatar"]}}));
    }
  Value reaction = Value::object({{"messageId", Value(m.id)},
                                  {"reactionCounters", std::move(counters)},
                                  {"reactionUsers", std::move(users)},
                                  {"ownReactions", Value::list()}});
  return Value::object({{"reaction", std::move(reaction)}, {"usersShort", std::move(short_users)}});
}

}  // namespace

void publish_im(const ImOut& out, const MessageAdded& added) {
  if (!anyone_to_tell(out, added.chat.id)) return;
  auto a = chat_audience(out.c, added.chat.id);
  if (!a) return;
  const auto watchers = out.watchers(a->chat, a->ids);
  const auto reachable = [&](int64_t id) { return out.publisher.may_reach_user(id); };
  if (watchers.empty() && std::none_of(a->ids.begin(), a->ids.end(), reachable)) return;  // nobody to read it
  auto message = find_message(out.c, added.message_id);
  if (!message) return;
  NewMessageParts p = new_message_parts(out, std::move(*a), std::move(*message), added.chat.last_message_id);
  const std::string command = is_private_chat(p.a.chat) ? "message" : "messageChat";
  const bool with_files = !p.file_rows.empty();
  const FileLinkSigner signer{out.file_key, out.config.public_url, out.config.files_link_ttl};
  const int64_t link_expiry = signer.expiry(now_unix_seconds());  // one for all: links differ by viewer only
  // Members with the same counter and sound share one body (Bitrix sends per counter group too),
  // each group's text filled into one serialization of the whole. A message with files differs
  // for every receiver: its links are signed for each.
  Value whole = im_body(command, new_message_params(p));
  whole["extra"]["is_shared_event"] = BodyTemplate::slot(kSharedSlot);
  const BodyTemplate body(whole);
  auto fill = [&](const std::string& dialog, int64_t counter, bool notify, bool shared, int64_t viewer) {
    const std::string dialog_json = to_json(Value(dialog)), counter_text = std::to_string(counter);
    if (!with_files)
      return body.fill({dialog_json, counter_text, notify ? "true" : "false", shared ? "true" : "false"});
    const std::vector<std::string> links = file_link_texts(signer, p, viewer, link_expiry);
    std::vector<std::string_view> values{dialog_json, counter_text, notify ? "true" : "false",
                                         shared ? "true" : "false"};
    values.insert(values.end(), links.begin(), links.end());
    return body.fill(values);
  };
  Fanout fan(out);
  for (const ChatMember& member : p.a.members) {
    const int64_t counter = unread_count(p.a.chat, member);
    const bool notify = member.user_id != p.message.author_id && !member.muted;
    const std::string dialog = dialog_id_for(p.a.chat, p.a.ids, member.user_id);
    std::string variant = dialog + '|' + std::to_string(counter) + (notify ? "|n" : "|s");
    if (with_files) variant += '|' + std::to_string(member.user_id);
    fan.add_json(member.user_id, variant, [&] { return fill(dialog, counter, notify, false, member.user_id); });
  }
  fan.flush();
  // Readers of an open chat who are not members: no counter, no sound (§9.1).
  if (watchers.empty()) return;
  const std::string dialog = chat_dialog_id(p.a.chat.id);
  if (!with_files) return out.to_users_json(watchers, fill(dialog, 0, false, true, 0));
  for (int64_t watcher : watchers) out.to_users_json({watcher}, fill(dialog, 0, false, true, watcher));
}

namespace {

// messageParamsUpdate: the message's whole params, which clients apply without touching the text.
void publish_params_update(const ImOut& out, const ChatAudience& a, const Message& m) {
  const Value params = m.params.is_map() ? m.params : Value::empty_object();
  to_chat(out, a, "messageParamsUpdate", [&](const std::string&) {
    return Value::object({{"id", Value(m.id)}, {"chatId", Value(m.chat_id)}, {"params", params}});
  });
}

}  // namespace

// Text edits are messageUpdate; a change of params alone (a keyboard, an attach) is
// messageParamsUpdate.
void publish_im(const ImOut& out, const MessageUpdated& updated) {
  const Message& m = updated.after;
  const auto a = chat_audience(out.c, m.chat_id);
  if (!a) return;
  if (updated.before.text == m.text) return publish_params_update(out, *a, m);
  Value params = m.params.is_map() ? m.params : Value::empty_object();
  params["IS_EDITED"] = Value("Y");
  to_chat(out, *a, "messageUpdate",
          [&](const std::string& dialog) { return updated_params(m, a->chat, params, dialog); });
}

// A link preview the server wrote into the message (or took away after an edit).
void publish_im(const ImOut& out, const MessageParamsChanged& change) {
  const auto m = find_message(out.c, change.message_id);
  if (!m || m->deleted) return;
  const auto a = chat_audience(out.c, m->chat_id);
  if (!a) return;
  publish_params_update(out, *a, *m);
}

void publish_im(const ImOut& out, const MessageDeleted& deleted) {
  const Message& m = deleted.after;
  const auto a = chat_audience(out.c, m.chat_id);
  if (!a) return;
  if (deleted.complete) return publish_delete_complete(out, *a, m);
  const Value params = deleted_params_of(m);
  to_chat(out, *a, "messageDelete",
          [&](const std::string& dialog) { return deleted_params(m, a->chat, params, dialog); });
}

// A like is the `like` reaction of the current messenger (addReaction / deleteReaction, each
// receiver's ownReactions from its side) and messageLike for the classic one.
void publish_im(const ImOut& out, const MessageLiked& like) {
  const Message& m = like.message;
  const auto a = chat_audience(out.c, m.chat_id);
  if (!a) return;
  const std::vector<int64_t> likers = likers_of(m);
  const Value actual = actual_reactions(out, m, likers);
  const std::string_view command = like.liked ? "addReaction" : "deleteReaction";
  auto params = [&](const std::string& dialog, bool own) {
    Value reactions = actual;
    if (own) reactions["reaction"]["ownReactions"].push_back(Value(kLike));
    return Value::object({{"actualReactions", std::move(reactions)},
                          {"reaction", Value(kLike)},
                          {"userId", Value(like.user_id)},
                          {"dialogId", Value(dialog)}});
  };
  Fanout fan(out);
  for (int64_t receiver : a->ids) {
    const bool own = std::find(likers.begin(), likers.end(), receiver) != likers.end();
    const std::string dialog = dialog_id_for(a->chat, a->ids, receiver);
    fan.add(receiver, dialog + (own ? "|own" : ""), [&] { return im_body(command, params(dialog, own)); });
  }
  fan.flush();
  if (const auto watchers = out.watchers(a->chat, a->ids); !watchers.empty())
    out.to_users(watchers, im_body(command, params(chat_dialog_id(a->chat.id), false), true));
  to_chat(out, *a, "messageLike", [&](const std::string& dialog) {
    return Value::object({{"id", Value(m.id)},
                          {"dialogId", Value(dialog)},
                          {"chatId", Value(m.chat_id)},
                          {"senderId", Value(like.user_id)},
                          {"set", Value(like.liked)},
                          {"users", ids_list(likers)}});
  });
}

// startWriting to everyone in the dialog but the writer (and an open chat's watchers).
void publish_im(const ImOut& out, const Typing& typing) {
  auto a = chat_audience(out.c, typing.chat_id);
  if (!a) return;
  const auto writer = find_user(out.c, typing.user_id);
  const std::string name = writer ? writer->full_name() : "";
  auto params = [&](const std::string& dialog) {
    return Value::object({{"dialogId", Value(dialog)}, {"userId", Value(typing.user_id)}, {"userName", Value(name)}});
  };
  Fanout fan(out, kTypingExpiry);
  for (int64_t receiver : a->ids) {
    if (receiver == typing.user_id) continue;
    const std::string dialog = dialog_id_for(a->chat, a->ids, receiver);
    fan.add(receiver, dialog, [&] { return im_body("startWriting", params(dialog)); });
  }
  fan.flush();
  auto watchers = out.watchers(a->chat, a->ids);
  std::erase(watchers, typing.user_id);
  if (!watchers.empty())
    out.to_users(watchers, im_body("startWriting", params(chat_dialog_id(a->chat.id)), true), kTypingExpiry);
}

}  // namespace imhub
