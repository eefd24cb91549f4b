// The realtime im commands (protocol-push.md §9) from the change feed (message, messageChat,
// messageUpdate, messageDelete, messageDeleteComplete, readMessage*, startWriting so far): an after-commit
// subscriber hands each durable unit's changes to a worker thread, which reads what it needs
// from the store and publishes one body per receiver (dialogId from the receiver's side, the
// receiver's own counter). The writer and request threads only append to a queue.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/config.hpp"
#include "im/change_feed.hpp"
#include "im/message.hpp"
#include "push/publisher.hpp"
#include "store/store.hpp"

namespace imhub {

class ImPush {
 public:
  ImPush(Store& store, const Config& config, PushPublisher& publisher, std::string key);
  ~ImPush();
  void start();
  // Publishes what is queued, then stops the worker.
  void stop();
  // The after-commit subscriber (also gets announced changes such as Typing).
  void on_commit(const Changes& changes);

 private:
  void run();
  void handle(Conn& c, const Change& change);
  void publish(std::string channel, Value body, int64_t expiry);
  void message_changed(Conn& c, const Message& m, std::string_view command, bool deleted);
  void chat_read(Conn& c, const ChatRead& read);

  Store& store_;
  const Config& config_;
  PushPublisher& publisher_;
  const std::string key_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Change> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

// Wires `push` as an after-commit subscriber of `feed`.
void subscribe_im_push(ChangeFeed& feed, ImPush& push);

}  // namespace imhub
