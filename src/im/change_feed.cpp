#include "im/change_feed.hpp"

#include <spdlog/spdlog.h>

namespace imhub {

void ChangeFeed::deliver(Tx& tx, const Change& change) const {
  // An in-transaction subscriber's failure fails the transaction: its rows belong to the change.
  for (const InTransaction& fn : in_tx_) fn(tx, change);
}

void ChangeFeed::publish(const Cause& cause, const Changes& changes) const {
  if (changes.empty() || after_.empty()) return;
  const uint64_t commit = commits_.fetch_add(1, std::memory_order_relaxed) + 1;
  // The commit is durable: a subscriber's failure must not turn it into an error for the caller.
  for (const AfterCommit& fn : after_) {
    try {
      fn(commit, cause, changes);
    } catch (const std::exception& e) {
      spdlog::error("change feed: an after-commit subscriber failed: {}", e.what());
    }
  }
}

void ChangeFeed::announce(const Cause& cause, Change change) const {
  Changes one;
  one.push_back(std::move(change));
  publish(cause, one);
}

namespace {

struct ScopeOf {
  ChangeScope operator()(const MessageAdded& c) const { return {c.chat.id, 0}; }
  ChangeScope operator()(const MessageUpdated& c) const { return {c.after.chat_id, 0}; }
  ChangeScope operator()(const MessageDeleted& c) const { return {c.before.chat_id, 0}; }
  ChangeScope operator()(const MessageLiked& c) const { return {c.message.chat_id, 0}; }
  ChangeScope operator()(const MessageParamsChanged& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const CommandPressed& c) const { return {c.message.chat_id, c.user_id}; }
  ChangeScope operator()(const ChatRead& c) const { return {c.chat_id, c.user_id}; }
  ChangeScope operator()(const ChatUnread& c) const { return {c.chat_id, c.user_id}; }
  ChangeScope operator()(const AllRead& c) const { return {0, c.user_id}; }
  ChangeScope operator()(const ChatCreated& c) const { return {c.chat.id, 0}; }
  ChangeScope operator()(const MembersAdded& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const MemberRemoved& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const ChatChanged& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const ManagerChanged& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const ChatMuted& c) const { return {c.chat_id, c.user_id}; }
  ChangeScope operator()(const Typing& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const RecentChanged& c) const { return {c.chat_id, c.user_id}; }
  ChangeScope operator()(const NotificationChanged& c) const { return {0, c.user_id}; }
  ChangeScope operator()(const UserStatusChanged& c) const { return {0, c.user_id}; }
  ChangeScope operator()(const UserAdded& c) const { return {0, c.user_id}; }
  ChangeScope operator()(const FileCommitted& c) const { return {c.chat_id, 0}; }
  ChangeScope operator()(const FileDeleted& c) const { return {c.chat_id, c.chat_id ? 0 : c.user_id}; }
  ChangeScope operator()(const BotRegistered&) const { return {}; }
  ChangeScope operator()(const BotRemoved&) const { return {}; }
  ChangeScope operator()(const AppUninstalled&) const { return {}; }
  ChangeScope operator()(const LinesSessionChanged& c) const { return {c.chat_id, 0}; }
};

}  // namespace

ChangeScope scope_of(const Change& change) { return std::visit(ScopeOf{}, change); }

}  // namespace imhub
