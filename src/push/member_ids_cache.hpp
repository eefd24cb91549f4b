// Who a chat's im commands could reach, decided before anything is read for them. Most members
// of most chats are offline at any moment; a message into a 50-member chat with nobody online
// used to read the chat's 50 member rows (sorted) only to find that out, which cost the push
// worker more CPU than the writer spent storing the message. This cache keeps each chat's member
// ids, checked on every use against the chat row's members_version and created_at (the same
// stamp as chat_roster.hpp: moved by triggers on every join, leave, mute or manager change, in the
// writer's transaction), so it never answers for another roster. Shared by the push worker, which
// loads it, and the request threads, which ask it before they queue a message for the worker.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct ChatMemberIds {
  std::string type;  // the chat's type ("P", "C", "O", …): open chats have watchers besides members
  std::vector<int64_t> ids;
};

class MemberIdsCache {
 public:
  // The chat's type and member ids as of the snapshot `c` reads; null when the chat does not exist.
  std::shared_ptr<const ChatMemberIds> get(Conn& c, int64_t chat_id);
  // The entry for exactly that roster stamp, without reading anything; null when not held.
  std::shared_ptr<const ChatMemberIds> held(int64_t chat_id, int64_t version, int64_t created_at) const;
  size_t loads() const;  // member lists read from the store so far (tests)

 private:
  struct Entry {
    int64_t version = 0;
    int64_t created_at = 0;
    std::shared_ptr<const ChatMemberIds> chat;
  };
  static constexpr size_t kMaxEntries = 1 << 16;  // a full cache starts over
  mutable std::mutex mu_;
  std::unordered_map<int64_t, Entry> entries_;
  size_t loads_ = 0;
};

}  // namespace imhub
