// im.dialog.* (scope `im`): history, read marks, the dialog object, participants, typing.
// Contract: spec 002 "Chat API"; reference chats/messages/ and chats/chat-users/.
#include <algorithm>
#include <set>

#include "api/common.hpp"
#include "api/file_view.hpp"
#include "api/im_common.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "im/message.hpp"
#include "im/read_state.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"
#include "views/chat_view.hpp"
#include "views/im_user.hpp"
#include "views/message_view.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/";

constexpr int kDefaultHistoryLimit = 20;
constexpr int kMaxHistoryLimit = 50;

DialogRef require_dialog(const MethodCall& call) {
  auto d = dialog_param(call);
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  return *d;
}

// FIRST_ID / LAST_ID must be digits (`^\d+$`); absent is fine.
std::optional<int64_t> id_bound(const MethodCall& call, std::string_view name, const ErrorSpec& error) {
  const Value& v = call.param(name);
  if (v.is_null()) return std::nullopt;
  auto id = v.to_int();
  if (!id || *id < 0) throw ApiError(error);
  return id;
}

// The users a list of user ids names, keyed by id as the spec example shows ("users": {"1": {...}}).
Value users_by_id(Conn& c, const MethodCall& call, const std::set<int64_t>& ids) {
  Value out = Value::map();
  for (int64_t id : ids) {
    auto u = call.services.users->find(id);
    if (u) out[std::to_string(id)] = im_user_object(c, call.services.config, *u);
  }
  return out;
}

MethodResult dialog_messages_get(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  auto first_id = id_bound(call, "FIRST_ID", errors::kFirstIdString);
  auto last_id = id_bound(call, "LAST_ID", errors::kLastIdString);
  int64_t limit = call.param("LIMIT").to_int_or(kDefaultHistoryLimit);
  if (limit <= 0) limit = kDefaultHistoryLimit;
  limit = std::min<int64_t>(limit, kMaxHistoryLimit);
  const int64_t me = call.caller.user_id;
  Value out = Value::map();
  call.services.store.read([&](Conn& c) {
    std::optional<Chat> chat = readable_chat(c, d, me);
    if (!chat) {
      // A private dialog with no message yet is empty, not forbidden.
      auto other = d.is_chat ? nullptr : call.services.users->find(d.id);
      if (!other) throw ApiError(errors::kNoAccess);
      out["messages"] = Value::list();
      out["users"] = Value::map();
      out["files"] = Value::map();
      out["chat_id"] = int64_t{0};
      return;
    }
    auto member = find_member(c, chat->id, me);
    HistoryPage page;
    page.limit = static_cast<int>(limit);
    page.first_visible_id = member ? member->first_visible_id : 0;
    if (first_id)
      page.after_id = *first_id;
    else if (last_id)
      page.before_id = *last_id;
    const int64_t read_seq = member ? member->last_read_seq : chat->last_seq;
    Value messages = Value::list();
    std::set<int64_t> authors, files;
    for (const Message& m : load_history(c, chat->id, page)) {
      messages.push_back(im_message_object(m, me, read_seq));
      if (m.author_id > 0) authors.insert(m.author_id);
      if (m.params.is_map())
        for (const Value* f : m.params["FILE_ID"].elements()) files.insert(f->to_int_or(0));
    }
    out["messages"] = std::move(messages);
    out["users"] = users_by_id(c, call, authors);
    // The files the messages carry, keyed by id like `users` (spec example).
    Value file_objects = Value::map();
    for (int64_t id : files) {
      Value f = id > 0 ? im_file_object(c, call.services, id, me) : Value();
      if (!f.is_null()) file_objects[std::to_string(id)] = std::move(f);
    }
    out["files"] = std::move(file_objects);
    out["chat_id"] = chat->id;
  });
  return out;
}

MethodResult dialog_read(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  int64_t message_id = call.param("MESSAGE_ID").to_int_or(0);
  if (!call.param("LAST_ID").is_null()) message_id = call.param("LAST_ID").to_int_or(0);
  const int64_t me = call.caller.user_id;
  Value out;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    auto mine = membership(c, d, me);
    // "false when no new read mark can be set" (spec im.dialog.read).
    if (!mine || !read_up_to(tx, mine->chat, mine->member, std::max<int64_t>(message_id, 0))) {
      out = Value(false);
      return;
    }
    auto now = find_member(c, mine->chat.id, me);
    out = Value::object({{"dialogId", dialog_id_of(c, mine->chat, me)},
                         {"chatId", mine->chat.id},
                         {"counter", unread_count(mine->chat, *now)},
                         {"lastId", now->last_read_id}});
  });
  return out;
}

MethodResult dialog_unread(MethodCall& call) {
  // The message is checked before the dialog (im_rest.php dialogUnread).
  auto message_id = positive_id_param(call, {"MESSAGE_ID"});
  if (!message_id) throw ApiError(errors::kMessageIdEmpty);
  const DialogRef d = require_dialog(call);
  const int64_t me = call.caller.user_id;
  bool done = false;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    auto mine = membership(c, d, me);
    done = mine && unread_from(tx, mine->chat, me, *message_id);
  });
  return Value(done);
}

MethodResult dialog_get(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  const int64_t me = call.caller.user_id;
  return call.services.store.read_with([&](Conn& c) {
    std::optional<Chat> chat = readable_chat(c, d, me);
    if (!chat) throw ApiError(d.is_chat ? errors::kNoAccess : errors::kNoChat);
    // The spec example prints "id" and "owner" as strings.
    return im_chat_object(c, *chat, ChatViewOptions{.string_ids = true, .viewer = me});
  });
}

// SKIP_EXTERNAL: leave out users of external auth types (bots, e-mail, connectors...), except
// the types SKIP_EXTERNAL_EXCEPT_TYPES lists (its presence alone turns skipping on).
struct ExternalFilter {
  bool skip = false;
  std::set<std::string> keep;
  bool admits(const User& u) const {
    if (!skip) return true;
    const std::string& type = u.external_auth_id;
    if (type.empty() || type == "default") return true;
    return keep.count(type) > 0;
  }
};

ExternalFilter external_filter(const MethodCall& call) {
  ExternalFilter f;
  f.skip = call.param("SKIP_EXTERNAL").to_string() == "Y";
  const Value& except = call.param("SKIP_EXTERNAL_EXCEPT_TYPES");
  if (!except.is_null()) {
    f.skip = true;
    for (const auto& part : split(except.to_string(), ','))
      if (auto t = trim(part); !t.empty()) f.keep.insert(std::string(t));
  }
  return f;
}

MethodResult dialog_users_list(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  const ExternalFilter filter = external_filter(call);
  int64_t limit = call.param("LIMIT").to_int_or(50);
  if (limit <= 0) limit = 50;
  limit = std::min<int64_t>(limit, 200);
  int64_t offset = std::max<int64_t>(0, call.param("OFFSET").to_int_or(0));
  if (call.start > 0) offset = call.start;
  const Value& last_id_param = call.param("LAST_ID");
  const bool keyset = !last_id_param.is_null() && last_id_param.to_int_or(-1) >= 0;
  const int64_t last_id = keyset ? last_id_param.to_int_or(0) : 0;
  const int64_t me = call.caller.user_id;
  MethodResult result;
  call.services.store.read([&](Conn& c) {
    std::vector<int64_t> ids;
    if (auto chat = readable_chat(c, d, me)) {
      ids = member_ids(c, chat->id);
    } else if (!d.is_chat && call.services.users->find(d.id)) {
      ids = {me, d.id};
    } else {
      throw ApiError(errors::kNoAccess);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<User> users;
    for (int64_t id : ids) {
      auto u = call.services.users->find(id);
      if (u && u->active && filter.admits(*u)) users.push_back(*u);
    }
    Value list = Value::list();
    size_t begin = 0;
    if (keyset) {
      while (begin < users.size() && users[begin].id <= last_id) ++begin;
    } else {
      begin = std::min<size_t>(static_cast<size_t>(offset), users.size());
    }
    const size_t end = std::min(users.size(), begin + static_cast<size_t>(limit));
    for (size_t i = begin; i < end; ++i) list.push_back(im_user_object(c, call.services.config, users[i]));
    result.result = std::move(list);
    if (!keyset) {
      result.total = static_cast<int64_t>(users.size());
      if (end < users.size()) result.next = static_cast<int64_t>(end);
    }
  });
  return result;
}

MethodResult dialog_writing(MethodCall& call) {
  std::optional<DialogRef> d;
  if (call.param("DIALOG_ID").is_null() && !call.param("CHAT_ID").is_null()) {
    auto chat = positive_id_param(call, {"CHAT_ID"});
    if (!chat) throw ApiError(errors::kChatIdEmptyImDialog);
    d = DialogRef{true, *chat};
  } else {
    d = dialog_param(call);
  }
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  announce_typing(call, call.caller.user_id, *d);
  return Value(true);
}

MethodResult dialog_read_all(MethodCall& call) {
  const int64_t me = call.caller.user_id;
  write_tx(call, [&](Tx& tx) { read_everything(tx, me); });
  return Value(true);
}

}  // namespace

void register_im_dialog_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  table.add("im.dialog.messages.get", Effect::kRead, dialog_messages_get, "messages/im-dialog-messages-get.md");
  table.add("im.dialog.read", Effect::kWrite, dialog_read, "messages/im-dialog-read.md");
  table.add("im.dialog.unread", Effect::kWrite, dialog_unread, "messages/im-dialog-unread.md");
  table.add("im.dialog.get", Effect::kRead, dialog_get, "im-dialog-get.md");
  table.add("im.dialog.users.list", Effect::kRead, dialog_users_list, "chat-users/im-dialog-users-list.md");
  table.add("im.dialog.writing", Effect::kRead, dialog_writing, "messages/im-dialog-writing.md");
  // The private alias spec 003 lists (CHAT_ID form).
  table.add("im.chat.sendTyping", Effect::kRead, dialog_writing, "messages/im-dialog-writing.md");
  table.add("im.dialog.read.all", Effect::kWrite, dialog_read_all, "special-operations/im-dialog-read-all.md");
}

}  // namespace imhub
