#include "push/watch.hpp"

#include <algorithm>
#include <charconv>

namespace imhub {

namespace {
constexpr std::string_view kPublicChatPrefix = "IM_PUBLIC_";
}  // namespace

std::string public_chat_tag(int64_t chat_id) { return std::string(kPublicChatPrefix) + std::to_string(chat_id); }

std::optional<int64_t> public_chat_of(std::string_view tag) {
  if (!tag.starts_with(kPublicChatPrefix)) return std::nullopt;
  const std::string_view digits = tag.substr(kPublicChatPrefix.size());
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || digits[0] == '0' || id <= 0)
    return std::nullopt;
  return id;
}

void PushWatch::extend(int64_t user_id, const std::string& tag, int64_t now, int64_t ttl) {
  std::lock_guard lock(mu_);
  auto& users = tags_[tag];
  // Expired watches of the tag go when it is touched, so the map stays as large as what is live.
  for (auto it = users.begin(); it != users.end();) it = it->second <= now ? users.erase(it) : std::next(it);
  users[user_id] = now + ttl;
}

std::vector<int64_t> PushWatch::watchers(std::string_view tag, int64_t now) const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  const auto it = tags_.find(tag);
  if (it == tags_.end()) return out;
  for (const auto& [user, expires] : it->second)
    if (expires > now) out.push_back(user);
  return out;
}

size_t PushWatch::size(int64_t now) const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [tag, users] : tags_)
    for (const auto& [user, expires] : users) n += expires > now;
  return n;
}

std::vector<int64_t> non_member_watchers(const PushWatch* watch, int64_t chat_id, std::string_view chat_type,
                                         const std::vector<int64_t>& members, int64_t now) {
  if (!watch || chat_type != "O") return {};
  std::vector<int64_t> out = watch->watchers(public_chat_tag(chat_id), now);
  if (out.empty()) return out;
  std::vector<int64_t> sorted = members;
  std::sort(sorted.begin(), sorted.end());
  std::erase_if(out, [&](int64_t u) { return std::binary_search(sorted.begin(), sorted.end(), u); });
  return out;
}

}  // namespace imhub
