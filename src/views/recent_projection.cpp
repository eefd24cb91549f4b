#include "views/recent_projection.hpp"

#include <algorithm>

namespace imhub {
namespace {

// The watched columns, in the order Store::watch_rows reports them by.
enum Watch { kChatRow, kChatMessage, kMemberUser, kPresenceUser, kUsers, kDepartments, kBots, kApps };

std::vector<WatchedColumn> watched() {
  return {{"chats", "rowid"}, {"messages", "chat_id"},       {"chat_members", "user_id"}, {"user_presence", "user_id"},
          {"users", "rowid"}, {"user_departments", "rowid"}, {"bots", "rowid"},           {"apps", "rowid"}};
}

// Another process writing any of these drops every list.
constexpr std::array<const char*, RecentStamp::kForeignTables> kForeign = {
    "chats", "messages", "chat_members", "user_presence", "users", "user_departments", "bots", "apps"};

// The stamp maps hold one entry per chat or user written; past this they start over (with every
// list older than that dropped), which bounds them at a few MB.
constexpr size_t kMaxStamps = 1 << 16;

}  // namespace

size_t RecentList::bytes() const {
  size_t n = sizeof(RecentList) + chats.size() * sizeof(int64_t);
  for (const RecentListItem& i : items) n += sizeof(RecentListItem) + (i.json ? i.json->size() : 0);
  return n;
}

RecentProjection::RecentProjection(Store& store, size_t max_bytes) : shard_bytes_(max_bytes / kShards) {
  reports_ = dynamic_cast<RowReports*>(&store);
  if (shard_bytes_ == 0 || !reports_) return;
  reports_->watch_rows(watched(), [this](const std::vector<RowKey>& keys) { written(keys); });
  enabled_ = true;
}

RecentProjection::~RecentProjection() {
  if (enabled_) reports_->watch_rows({}, nullptr);
}

RecentStamp RecentProjection::stamp() const {
  RecentStamp s;
  s.generation = generation_.load(std::memory_order_acquire);
  for (size_t i = 0; i < kForeign.size(); ++i) s.foreign[i] = reports_->foreign_epoch(kForeign[i]);
  return s;
}

void RecentProjection::written(const std::vector<RowKey>& keys) {
  std::lock_guard lock(stamps_mu_);
  const uint64_t g = generation_.load(std::memory_order_relaxed) + 1;
  for (const RowKey& k : keys) {
    switch (k.watch) {
      case kChatRow:
      case kChatMessage:
        chat_stamps_[k.value] = g;
        break;
      case kMemberUser:
      case kPresenceUser:
        user_stamps_[k.value] = g;
        break;
      default:
        floor_ = g;
    }
  }
  if (chat_stamps_.size() + user_stamps_.size() > kMaxStamps) {
    chat_stamps_.clear();
    user_stamps_.clear();
    floor_ = g;
  }
  // Published last: a reader that sees g finds its stamps.
  generation_.store(g, std::memory_order_release);
}

RecentLookup RecentProjection::check(int64_t viewer, std::shared_ptr<const RecentList> list) const {
  for (size_t i = 0; i < kForeign.size(); ++i)
    if (reports_->foreign_epoch(kForeign[i]) != list->stamp.foreign[i]) return {};
  const uint64_t built = list->stamp.generation;
  if (generation_.load(std::memory_order_acquire) == built) return {std::move(list), {}};  // nothing written since
  std::lock_guard lock(stamps_mu_);
  auto later = [built](const std::unordered_map<int64_t, uint64_t>& stamps, int64_t id) {
    auto it = stamps.find(id);
    return it != stamps.end() && it->second > built;
  };
  if (floor_ > built || later(user_stamps_, viewer)) return {};
  RecentLookup out;
  for (int64_t chat : list->chats)
    if (later(chat_stamps_, chat)) out.stale_chats.push_back(chat);
  for (const RecentListItem& i : list->items)
    if (i.shown != 0 && i.shown != viewer && later(user_stamps_, i.shown)) out.stale_chats.push_back(i.keys.chat_id);
  std::sort(out.stale_chats.begin(), out.stale_chats.end());
  out.stale_chats.erase(std::unique(out.stale_chats.begin(), out.stale_chats.end()), out.stale_chats.end());
  out.list = std::move(list);
  return out;
}

RecentLookup RecentProjection::lookup(int64_t viewer, int form) const {
  if (!enabled_) return {};
  std::shared_ptr<const RecentList> list;
  {
    Shard& s = shard_of(viewer);
    std::lock_guard lock(s.mu);
    auto it = s.lists.find(viewer * 2 + form);
    if (it == s.lists.end()) return {};
    list = it->second;
  }
  return check(viewer, std::move(list));
}

void RecentProjection::put(int64_t viewer, int form, std::shared_ptr<const RecentList> list) {
  if (!enabled_) return;
  const size_t bytes = list->bytes();
  if (bytes > shard_bytes_) return;
  Shard& s = shard_of(viewer);
  std::lock_guard lock(s.mu);
  const int64_t key = viewer * 2 + form;
  if (auto it = s.lists.find(key); it != s.lists.end()) {
    s.bytes -= it->second->bytes();
    s.lists.erase(it);
  }
  // Bounded without bookkeeping per entry, as the fragments are: a full shard starts over.
  if (s.bytes + bytes > shard_bytes_) {
    s.lists.clear();
    s.bytes = 0;
  }
  s.lists.emplace(key, std::move(list));
  s.bytes += bytes;
}

}  // namespace imhub
