// What the write path of a message reads every time — the chat row, the author's membership, the
// private dialog's chat — kept in memory on the writer connection between units (design.md
// "Performance design": hot metadata cached, the store the truth).
//
// Trust rule: an entry is used only while WritePathConn::write_epoch("chats") is what it was when the entry
// was read. Any statement on the connection that writes `chats` (a trigger included), a unit that
// rolled back, or a commit by another process (the CLI) moves it, and everything is dropped. The
// one write to `chats` that keeps the entries is the append's own (appended()): it runs only on an
// entry that is still trusted and moves that entry's head with the row, so a chat's last_seq here is
// exactly the stored one and the next message's sequence needs no RETURNING. A membership is trusted
// while the chat's members_version (moved by the chat_members triggers on every join, leave, mute
// or manager change, migration 28) is the one it was checked at. On a connection that cannot tell
// (a read connection, another backend) of() is null and callers read the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "im/chat.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"

namespace imhub {

struct WriteChat {
  Chat chat;
  int64_t members_version = 0;
};

class WritePathCache : public WritePathConn::Attachment {
 public:
  // The cache of the writer connection `c` (made on first use), or null when `c` has no write path
  // (store/write_path.hpp).
  static WritePathCache* of(Conn& c);

  // The chat as stored now (read on a miss), or null when it does not exist. Valid until the next
  // call on this cache.
  const WriteChat* chat(Conn& c, int64_t id);
  // The chat id of the private dialog between users `a` and `b`, or 0 when there is none.
  int64_t private_chat_id(Conn& c, int64_t a, int64_t b);
  // Whether `user_id` is a member of `chat` (an entry of chat()).
  bool is_member(Conn& c, const WriteChat& chat, int64_t user_id);
  // The message append is about to write `chat_id`'s head: returns the epoch to hand to appended().
  uint64_t before_append(Conn& c) const;
  // It wrote last_seq, last_message_id and last_message_at; `epoch_before` is before_append()'s.
  void appended(Conn& c, uint64_t epoch_before, int64_t chat_id, int64_t seq, int64_t message_id, int64_t at);

  // The id the next message gets. The writer hands message ids out (migration 31): one more than
  // the highest ever handed out, read again whenever anything but message_inserted() may have
  // written `messages` (a delete, an edit, a rollback, another process).
  int64_t next_message_id(Conn& c);
  // The message `id` (next_message_id()'s) was inserted, and nothing else wrote `messages` since.
  void message_inserted(Conn& c, int64_t id);

  // State of a higher layer (the bots' member lists) that lives and dies with this cache.
  template <class T>
  T& extension() {
    for (auto& e : extensions_)
      if (auto* t = dynamic_cast<T*>(e.get())) return *t;
    extensions_.push_back(std::make_unique<T>());
    return static_cast<T&>(*extensions_.back());
  }

 private:
  void refresh(Conn& c);

  uint64_t stamp_ = 0;
  uint64_t ids_stamp_ = 0;  // write_epoch("messages") next_message_id_ is trusted at
  int64_t next_message_id_ = 0;
  std::unordered_map<int64_t, WriteChat> chats_;
  struct IdPair {
    int64_t first, second;
    bool operator==(const IdPair&) const = default;
  };
  struct IdPairHash {
    size_t operator()(const IdPair& k) const { return std::hash<int64_t>{}(k.first * 1000003 ^ k.second); }
  };
  // By the two users, lower id first: no key string is built or hashed per message.
  std::unordered_map<IdPair, int64_t, IdPairHash> private_ids_;
  std::unordered_map<IdPair, int64_t, IdPairHash> members_;  // (chat, user) → members_version when checked
  std::vector<std::unique_ptr<WritePathConn::Attachment>> extensions_;
};

// find_chat / find_member / find_private_chat through the cache where the connection has one.
std::optional<Chat> write_path_chat(Conn& c, int64_t id);
bool write_path_member(Conn& c, int64_t chat_id, int64_t user_id);
std::optional<Chat> write_path_private_chat(Conn& c, int64_t a, int64_t b);

}  // namespace imhub
