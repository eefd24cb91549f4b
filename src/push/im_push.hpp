// The realtime im commands (protocol-push.md §9) from the change feed: an after-commit
// subscriber hands each durable unit's changes to a worker thread, which reads what it needs
// from the store and publishes them (im_push_commands.hpp lists which change becomes which
// command). The writer and request threads only append to a queue.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/config.hpp"
#include "im/change_feed.hpp"
#include "push/im_push_format.hpp"
#include "push/publisher.hpp"
#include "push/watch.hpp"
#include "store/store.hpp"

namespace imhub {

class ImPush {
 public:
  // `key`: the push key channel ids derive from; `file_key`: the master key file links in pushed
  // messages are signed with. `watch` (may be null) adds an open chat's watchers to its commands.
  ImPush(Store& store, const Config& config, PushPublisher& publisher, std::string key, std::string file_key,
         const PushWatch* watch = nullptr);
  ~ImPush();
  void start();
  // Publishes what is queued, then stops the worker.
  void stop();
  // The after-commit subscriber (also gets announced changes such as Typing).
  void on_commit(const Changes& changes);

 private:
  void run();
  bool nobody_to_tell(const Change& change) const;
  void publish_batch(const std::deque<Change>& batch);

  Store& store_;
  const Config& config_;
  PushPublisher& publisher_;
  const std::string key_;
  const std::string file_key_;
  const PushWatch* watch_;
  PrivateChannels channels_;   // the worker's
  MemberIdsCache member_ids_;  // loaded by the worker, asked by on_commit
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Change> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

// Wires `push` as an after-commit subscriber of `feed`.
void subscribe_im_push(ChangeFeed& feed, ImPush& push);

}  // namespace imhub
