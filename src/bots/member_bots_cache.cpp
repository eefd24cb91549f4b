#include "bots/member_bots_cache.hpp"

#include <unordered_map>
#include <utility>

#include "im/write_path_cache.hpp"

namespace imhub {
namespace {

constexpr size_t kMaxChats = 4096;  // a full map starts over

struct MemberBots : WritePathConn::Attachment {
  uint64_t bots_epoch = 0;
  struct Entry {
    int64_t members_version = 0;
    std::vector<Bot> bots;
  };
  std::unordered_map<int64_t, Entry> by_chat;
};

}  // namespace

std::vector<Bot> write_path_member_bots(Conn& c, int64_t chat_id) {
  WritePathCache* cache = WritePathCache::of(c);
  const WriteChat* chat = cache ? cache->chat(c, chat_id) : nullptr;
  if (!chat) return member_bots(c, chat_id);
  const int64_t version = chat->members_version;
  auto& mine = cache->extension<MemberBots>();
  if (const uint64_t epoch = write_path(c)->write_epoch("bots"); epoch != mine.bots_epoch) {
    mine.by_chat.clear();
    mine.bots_epoch = epoch;
  }
  if (auto it = mine.by_chat.find(chat_id); it != mine.by_chat.end() && it->second.members_version == version)
    return it->second.bots;
  std::vector<Bot> bots = member_bots(c, chat_id);
  if (mine.by_chat.size() >= kMaxChats) mine.by_chat.clear();
  mine.by_chat.insert_or_assign(chat_id, MemberBots::Entry{version, bots});
  return bots;
}

}  // namespace imhub
