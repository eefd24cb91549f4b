// Watch tags (protocol-push.md §2.5): a user who reads an open chat without being a member asks
// pull.watch.extend for its tag (`IM_PUBLIC_<chatId>`); what is published to the tag reaches the
// private channels of the users watching it until their watch expires. A watch lasts a little
// longer than the SDK's 29-minute extension period, so a live client never loses one.
// In memory: a watch is renewed by every live client within half an hour, so a restart only
// delays tag events until the next extension.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

inline constexpr int64_t kWatchTtl = 1860;  // seconds (the SDK extends every 1,740 s)

// The watch tag of an open chat (§9.1).
std::string public_chat_tag(int64_t chat_id);
// The chat of an `IM_PUBLIC_<chatId>` tag; nullopt for any other tag.
std::optional<int64_t> public_chat_of(std::string_view tag);

class PushWatch {
 public:
  // Watches `tag` for `user_id` until now + ttl (a later call extends it).
  void extend(int64_t user_id, const std::string& tag, int64_t now, int64_t ttl = kWatchTtl);
  // The users watching `tag` at `now`, ascending.
  std::vector<int64_t> watchers(std::string_view tag, int64_t now) const;
  // Watches that have not expired (for `imhub push status`).
  size_t size(int64_t now) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<int64_t, int64_t>, std::less<>> tags_;  // tag → user → expires
};

// Who watches an open chat (type "O") without being one of `members`: they are told of its messages
// as well (§9.1). Empty for any other chat type or without a watch.
std::vector<int64_t> non_member_watchers(const PushWatch* watch, int64_t chat_id, std::string_view chat_type,
                                         const std::vector<int64_t>& members, int64_t now);

}  // namespace imhub
