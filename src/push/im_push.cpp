#include "push/im_push.hpp"

#include <spdlog/spdlog.h>

#include "push/im_push_commands.hpp"

namespace imhub {

ImPush::ImPush(Store& store, const Config& config, PushPublisher& publisher, std::string key, std::string file_key,
               const PushWatch* watch)
    : store_(store),
      config_(config),
      publisher_(publisher),
      key_(std::move(key)),
      file_key_(std::move(file_key)),
      watch_(watch),
      channels_(key_) {}

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
  std::vector<const Change*> wanted;
  for (const Change& c : changes)
    if (has_im_commands(c) && !nobody_to_tell(c)) wanted.push_back(&c);
  if (wanted.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (const Change* c : wanted) queue_.push_back(*c);
  }
  cv_.notify_one();
}

void ImPush::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::deque<Change> batch;
    batch.swap(queue_);
    lock.unlock();
    publish_batch(batch);
    lock.lock();
  }
}

// A message whose roster (the stamp its writer saw) is held and reaches nobody is not queued: no
// copy, no wake-up of the worker, no read. Asked on the request thread that committed it.
bool ImPush::nobody_to_tell(const Change& change) const {
  const auto* added = std::get_if<MessageAdded>(&change);
  if (!added || added->members_version < 0) return false;
  const auto chat = member_ids_.held(added->chat.id, added->members_version, added->chat.created_at);
  return chat && !reaches_anyone(publisher_, watch_, added->chat.id, *chat);
}

// One read transaction for the batch; a change that fails is logged and the rest still go out.
void ImPush::publish_batch(const std::deque<Change>& batch) {
  try {
    store_.read([&](Conn& c) {
      // One read transaction: what it shows does not change while the batch is published.
      std::unordered_map<int64_t, Value> user_objects;
      const ImOut out{c, config_, key_, publisher_, watch_, &channels_, file_key_, &user_objects, &member_ids_};
      for (const Change& change : batch) {
        try {
          std::visit(
              [&](const auto& ch) {
                if constexpr (requires { publish_im(out, ch); }) publish_im(out, ch);
              },
              change);
        } catch (const std::exception& e) {
          spdlog::warn("push: an im command was not published: {}", e.what());
        }
      }
    });
  } catch (const std::exception& e) {
    spdlog::warn("push: im commands not published: {}", e.what());
  }
}

void subscribe_im_push(ChangeFeed& feed, ImPush& push) {
  feed.after_commit([&push](uint64_t, const Cause&, const Changes& changes) { push.on_commit(changes); });
}

}  // namespace imhub
