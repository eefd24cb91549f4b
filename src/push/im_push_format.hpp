// The shared pieces of the im realtime commands (protocol-push.md §9): the body and its `extra`,
// the dialog id from a receiver's side, the message object, and where one change's commands go
// (ImOut: each receiver's private channel, an open chat's watchers; Fanout: receivers whose bodies
// are equal share one published message, so a big chat costs one serialization per distinct body).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/config.hpp"
#include "core/value.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"  // dialog_id_of: the same, reading a private dialog's members itself
#include "im/message.hpp"
#include "push/member_ids_cache.hpp"
#include "push/publisher.hpp"
#include "push/watch.hpp"
#include "store/store.hpp"

namespace imhub {

inline constexpr int64_t kTypingExpiry = 60;         // startWriting (§9.4)
inline constexpr int64_t kOpponentReadExpiry = 600;  // read…Opponent (§9.3)
inline constexpr int64_t kChatHideExpiry = 3600;     // chatHide (§9.5)

// The users' private channel ids (each an HMAC), remembered: the worker publishes to the same
// people again and again. One thread's.
class PrivateChannels {
 public:
  explicit PrivateChannels(std::string key) : key_(std::move(key)) {}
  const std::string& of(int64_t user);

 private:
  std::string key_;
  std::unordered_map<int64_t, std::string> ids_;
};

// Where the commands of one change go, and what building them reads.
struct ImOut {
  Conn& c;
  const Config& config;
  std::string_view key;  // the push key the channel ids derive from
  PushPublisher& publisher;
  const PushWatch* watch;               // null: no watch tags (push disabled in tests of the worker alone)
  PrivateChannels* channels = nullptr;  // the worker's cache of channel ids (null: computed each time)
  std::string_view file_key = {};       // the master key file links are signed with (views/file_view.hpp)
  // The im user objects built so far in this batch's read transaction (null: built each time).
  std::unordered_map<int64_t, Value>* user_objects = nullptr;
  // The worker's cache of member ids by chat (null: anyone_to_tell reads nothing and says yes).
  MemberIdsCache* member_ids = nullptr;

  // {<id>: im user object} for the users that exist (users_by_id, through user_objects).
  Value users(const std::vector<int64_t>& ids) const;

  // One stored message for the private channels of every user in `users`.
  void to_users(const std::vector<int64_t>& users, Value body, int64_t expiry = 0) const;
  void to_user(int64_t user, Value body, int64_t expiry = 0) const { to_users({user}, std::move(body), expiry); }
  // The same with the body already serialized (PushMessage::body_json).
  void to_users_json(const std::vector<int64_t>& users, std::string body_json, int64_t expiry = 0) const;
  // The users watching an open chat's tag (IM_PUBLIC_<id>) who are not among `members`; none for
  // other chats.
  std::vector<int64_t> watchers(const Chat& chat, const std::vector<int64_t>& members) const;
};

// A body serialized once with slots for what differs between receivers (a counter, a dialog
// id); each receiver group's text is the pieces joined with its own values, with no Value tree
// copied or serialized again. slot(n) is the placeholder value: a string no client can write (it
// carries a random number of this process).
class BodyTemplate {
 public:
  static Value slot(int n);
  explicit BodyTemplate(const Value& body);
  // The body with slot i replaced by the JSON text values[i] (as many values as slots).
  std::string fill(std::initializer_list<std::string_view> values) const;
  std::string fill(const std::vector<std::string_view>& values) const;

 private:
  std::string fill(const std::string_view* values) const;

  std::vector<std::string> pieces_;  // text before each slot, and after the last
  std::vector<int> slots_;           // which slot follows pieces_[i]
};

// Receivers grouped by the part of their body that differs (`variant`); each group's body is
// built once and published once to all of its channels.
class Fanout {
 public:
  explicit Fanout(const ImOut& out, int64_t expiry = 0) : out_(out), expiry_(expiry) {}
  void add(int64_t receiver, const std::string& variant, const std::function<Value()>& build);
  // The same with the body built as JSON text (from a BodyTemplate).
  void add_json(int64_t receiver, const std::string& variant, const std::function<std::string()>& build);
  // Publishes every group (in the order their first receiver was added).
  void flush();

 private:
  struct Group {
    std::vector<int64_t> users;
    Value body;
    std::string json;  // when built as text
  };
  const ImOut& out_;
  int64_t expiry_;
  std::map<std::string, size_t> index_;
  std::vector<Group> groups_;
};

// A chat and its members as the change's commands see them after the commit (for a LINES chat, its
// members but the connector users).
struct ChatAudience {
  Chat chat;
  std::vector<ChatMember> members;  // one query for all (im/chat.hpp chat_members)
  std::vector<int64_t> ids;
};
std::optional<ChatAudience> chat_audience(Conn& c, int64_t chat_id);
// Whether a command for the chat could reach anyone: a member this node's hub may reach, or a
// watcher of an open chat. From the member ids cache, before the chat's member rows are read.
bool anyone_to_tell(const ImOut& out, int64_t chat_id);
// The same decided from a roster already in hand.
bool reaches_anyone(const PushPublisher& publisher, const PushWatch* watch, int64_t chat_id, const ChatMemberIds& chat);

// `command` to every member, with params built once per distinct dialog id (twice for a private
// dialog, once for a chat), and to an open chat's watchers as a shared event.
void to_chat(const ImOut& out, const ChatAudience& a, std::string_view command,
             const std::function<Value(const std::string& dialog_id)>& params, int64_t expiry = 0);

// {module_id: "im", command, params, extra}; `shared`: extra.is_shared_event (a watcher's copy).
Value im_body(std::string_view command, Value params, bool shared = false);

bool is_private_chat(const Chat& chat);
// "chat<ID>".
std::string chat_dialog_id(int64_t chat_id);
// The dialog id as `receiver` sees it: the other user of a private dialog, else "chat<ID>".
std::string dialog_id_for(const Chat& chat, const std::vector<int64_t>& members, int64_t receiver);
// "private" or "chat" (the `type` of messageUpdate and read commands).
std::string_view dialog_type(const Chat& chat);

Value ids_list(const std::vector<int64_t>& ids);
std::vector<int64_t> user_ids(const std::vector<ChatMember>& members);

// The `message` object of §9.2 (types/message.js); `counter` is the receiver's, set per group.
Value message_object(const Message& m, const Chat& chat, const std::vector<int64_t>& members, int64_t prev_id);

// {<id>: im user object} for the users that exist.
Value users_by_id(Conn& c, const Config& config, const std::vector<int64_t>& ids);

}  // namespace imhub
