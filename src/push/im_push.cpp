#include "push/im_push.hpp"

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "push/channel.hpp"
#include "users/user.hpp"
#include "views/chat_view.hpp"
#include "views/im_user.hpp"

namespace imhub {

namespace {

constexpr int kRevisionImWeb = 130;  // im revisions the web client compares (Common::getPullExtra)
constexpr int kRevisionImMobile = 19;
constexpr int kRevisionImRest = 31;
constexpr int64_t kTypingExpiry = 60;
constexpr int64_t kOpponentReadExpiry = 600;

bool is_private(const Chat& chat) { return chat.type == "P"; }

// The dialog id as `receiver` sees it: the other user of a private dialog, else "chat<ID>".
std::string dialog_id_for(const Chat& chat, const std::vector<int64_t>& members, int64_t receiver) {
  if (!is_private(chat)) return "chat" + std::to_string(chat.id);
  for (int64_t m : members)
    if (m != receiver) return std::to_string(m);
  return std::to_string(receiver);
}

Value im_extra() {
  return Value::object({{"revision_im_web", Value(kRevisionImWeb)},
                        {"revision_im_mobile", Value(kRevisionImMobile)},
                        {"revision_im_rest", Value(kRevisionImRest)},
                        {"im_revision", Value(kRevisionImWeb)},
                        {"im_revision_mobile", Value(kRevisionImMobile)},
                        {"is_shared_event", Value(false)},
                        {"action_uuid", Value()}});
}

Value body(std::string_view command, Value params) {
  return Value::object(
      {{"module_id", Value("im")}, {"command", Value(command)}, {"params", std::move(params)}, {"extra", im_extra()}});
}

Value ids_list(const std::vector<int64_t>& ids) {
  Value out = Value::list();
  for (int64_t id : ids) out.push_back(Value(id));
  return out;
}

// The `message` object of §9.2 (types/message.js).
Value message_object(const Message& m, const Chat& chat, const std::vector<int64_t>& members, int64_t prev_id) {
  Value params = m.params.is_map() ? m.params : Value::list();
  Value recipient =
      is_private(chat) ? Value(dialog_id_for(chat, members, m.author_id)) : Value("chat" + std::to_string(chat.id));
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

}  // namespace

ImPush::ImPush(Store& store, const Config& config, PushPublisher& publisher, std::string key)
    : store_(store), config_(config), publisher_(publisher), key_(std::move(key)) {}

ImPush::~ImPush() { stop(); }

void ImPush::start() {
  worker_ = std::thread([this] { run(); });
}

void ImPush::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ImPush::on_commit(const Changes& changes) {
  bool any = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (const Change& c : changes)
      if (std::holds_alternative<MessageAdded>(c) || std::holds_alternative<Typing>(c) ||
          std::holds_alternative<MessageUpdated>(c) || std::holds_alternative<MessageDeleted>(c) ||
          std::holds_alternative<ChatRead>(c)) {
        queue_.push_back(c);
        any = true;
      }
  }
  if (any) cv_.notify_one();
}

void ImPush::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::deque<Change> batch;
    batch.swap(queue_);
    lock.unlock();
    try {
      store_.read([&](Conn& c) {
        for (const Change& ch : batch) handle(c, ch);
      });
    } catch (const std::exception& e) {
      spdlog::warn("push: im commands not published: {}", e.what());
    }
    lock.lock();
  }
}

void ImPush::publish(std::string channel, Value body, int64_t expiry) {
  PushMessage m;
  m.channels.push_back(std::move(channel));
  m.body = std::move(body);
  m.expiry = expiry;
  publisher_.publish(std::move(m));
}

// messageUpdate / messageDelete / messageDeleteComplete (§9.2) to every member.
void ImPush::message_changed(Conn& c, const Message& m, std::string_view command, bool deleted) {
  const auto chat = find_chat(c, m.chat_id);
  if (!chat) return;
  const std::vector<int64_t> members = member_ids(c, chat->id);
  Value params = m.params.is_map() ? m.params : Value::empty_object();
  if (deleted) {
    params["IS_DELETED"] = Value("Y");
    for (const char* k : {"URL_ID", "FILE_ID", "ATTACH"}) params[k] = Value::list();
    params["KEYBOARD"] = Value("N");
  } else {
    params["IS_EDITED"] = Value("Y");
  }
  for (int64_t receiver : members) {
    Value p = Value::object({{"id", Value(m.id)},
                             {"type", Value(is_private(*chat) ? "private" : "chat")},
                             {"text", Value(m.text)},
                             {"textLegacy", Value(m.text)},
                             {"chatId", Value(chat->id)},
                             {"senderId", Value(m.author_id)},
                             {"params", params},
                             {"dialogId", Value(dialog_id_for(*chat, members, receiver))}});
    if (command == "messageDeleteComplete") {
      const auto member = find_member(c, chat->id, receiver);
      const auto last = last_message(c, chat->id);
      p["counter"] = Value(member ? unread_count(*chat, *member) : 0);
      p["muted"] = Value(member && member->muted);
      p["unread"] = Value(member && member->marked_unread);
      p["counterType"] = Value("chat");
      p["newLastMessage"] = last ? message_object(*last, *chat, members, 0) : Value::object({{"id", Value(0)}});
    }
    publish(private_channel(key_, receiver), body(command, std::move(p)), 0);
  }
}

// readMessage(Chat) to the reader's other tabs, readMessage(Chat)Opponent to the others (§9.3).
void ImPush::chat_read(Conn& c, const ChatRead& read) {
  const auto chat = find_chat(c, read.chat_id);
  const auto member = chat ? find_member(c, read.chat_id, read.user_id) : std::nullopt;
  if (!chat || !member) return;
  const std::vector<int64_t> members = member_ids(c, chat->id);
  const bool priv = is_private(*chat);
  Value own = Value::object({{"dialogId", Value(dialog_id_for(*chat, members, read.user_id))},
                             {"chatId", Value(chat->id)},
                             {"parentChatId", Value(0)},
                             {"type", Value(priv ? "private" : "chat")},
                             {"lastId", Value(read.last_id)},
                             {"counter", Value(unread_count(*chat, *member))},
                             {"muted", Value(member->muted)},
                             {"unread", Value(member->marked_unread)},
                             {"lines", Value()},
                             {"viewedMessages", Value::list()},
                             {"counterType", Value("chat")}});
  publish(private_channel(key_, read.user_id), body(priv ? "readMessage" : "readMessageChat", std::move(own)), 0);
  const auto reader = find_user(c, read.user_id);
  for (int64_t receiver : members) {
    if (receiver == read.user_id) continue;
    Value p = Value::object({{"dialogId", Value(dialog_id_for(*chat, members, receiver))},
                             {"chatId", Value(chat->id)},
                             {"userId", Value(read.user_id)},
                             {"userName", Value(reader ? reader->full_name() : "")},
                             {"lastId", Value(read.last_id)},
                             {"date", Value(atom_time(now_unix_seconds()))},
                             {"viewedMessages", Value::list()},
                             {"chatMessageStatus", Value("delivered")}});
    publish(private_channel(key_, receiver),
            body(priv ? "readMessageOpponent" : "readMessageChatOpponent", std::move(p)), kOpponentReadExpiry);
  }
}

void ImPush::handle(Conn& c, const Change& change) {
  if (const auto* added = std::get_if<MessageAdded>(&change)) {
    const auto chat = find_chat(c, added->chat.id);
    const auto message = find_message(c, added->message_id);
    if (!chat || !message) return;
    const std::vector<int64_t> members = member_ids(c, chat->id);
    Value users = Value::empty_object();
    if (message->author_id > 0)
      if (auto u = find_user(c, message->author_id)) users[std::to_string(u->id)] = im_user_object(c, config_, *u);
    Value user_in_chat = Value::empty_object();
    user_in_chat[std::to_string(chat->id)] = ids_list(members);
    Value user_block = Value::empty_object();
    user_block[std::to_string(chat->id)] = Value::list();
    const Value msg = message_object(*message, *chat, members, added->chat.last_message_id);
    const std::string command = is_private(*chat) ? "message" : "messageChat";
    for (int64_t receiver : members) {
      const auto member = find_member(c, chat->id, receiver);
      if (!member) continue;
      const int64_t counter = unread_count(*chat, *member);
      Value chat_value = Value::list();
      if (!is_private(*chat)) {
        chat_value = Value::empty_object();
        chat_value[std::to_string(chat->id)] = im_chat_object(c, *chat, {false, receiver, &*member});
      }
      Value params = Value::object({{"chatId", Value(chat->id)},
                                    {"dialogId", Value(dialog_id_for(*chat, members, receiver))},
                                    {"chat", std::move(chat_value)},
                                    {"lines", Value()},
                                    {"userInChat", user_in_chat},
                                    {"userBlockChat", user_block},
                                    {"users", users},
                                    {"message", msg},
                                    {"counter", Value(counter)},
                                    {"counterType", Value("chat")},
                                    {"files", Value::empty_object()},
                                    {"notify", Value(receiver != message->author_id && !member->muted)},
                                    {"copilot", Value()},
                                    {"multidialog", Value()},
                                    {"dateLastActivity", Value(atom_time(message->created_at))}});
      params["message"]["counter"] = Value(counter);
      publish(private_channel(key_, receiver), body(command, std::move(params)), 0);
    }
  } else if (const auto* updated = std::get_if<MessageUpdated>(&change)) {
    message_changed(c, updated->after, "messageUpdate", false);
  } else if (const auto* deleted = std::get_if<MessageDeleted>(&change)) {
    message_changed(c, deleted->after, deleted->complete ? "messageDeleteComplete" : "messageDelete", true);
  } else if (const auto* read = std::get_if<ChatRead>(&change)) {
    chat_read(c, *read);
  } else if (const auto* typing = std::get_if<Typing>(&change)) {
    const auto chat = find_chat(c, typing->chat_id);
    if (!chat) return;
    const std::vector<int64_t> members = member_ids(c, chat->id);
    const auto writer = find_user(c, typing->user_id);
    const std::string name = writer ? writer->full_name() : "";
    for (int64_t receiver : members) {
      if (receiver == typing->user_id) continue;
      Value params = Value::object({{"dialogId", Value(dialog_id_for(*chat, members, receiver))},
                                    {"userId", Value(typing->user_id)},
                                    {"userName", Value(name)}});
      publish(private_channel(key_, receiver), body("startWriting", std::move(params)), kTypingExpiry);
    }
  }
}

void subscribe_im_push(ChangeFeed& feed, ImPush& push) {
  feed.after_commit([&push](uint64_t, const Cause&, const Changes& changes) { push.on_commit(changes); });
}

}  // namespace imhub
