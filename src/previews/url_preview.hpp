// URL_PREVIEW=Y: the first link of a message becomes a rich-link attach (the page's title,
// description and image) or, for a .png/.jpg/.jpeg/.gif link, an image attach. Pages are
// fetched on worker threads after the message is stored, so sending never waits on a remote
// site; the result is written into the message's params (see url_preview_store.hpp).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "previews/url_fetch.hpp"
#include "previews/url_preview_store.hpp"
#include "store/store.hpp"

namespace imhub {

struct UrlPreviewOptions {
  bool enabled = true;
  FetchOptions fetch;
  int64_t cache_seconds = 86400;
  int workers = 2;
  size_t max_queue = 10000;  // jobs beyond it are dropped (logged): previews are best effort
};

UrlPreviewOptions url_preview_options(const Config& config);

// http(s) links in message text, in order: bare ones and those in [URL=…] / [URL]…[/URL];
// none inside [CODE]…[/CODE]. Trailing punctuation that usually ends a sentence is not part of
// the link.
std::vector<std::string> find_urls(std::string_view text);

// A link to a .png, .jpg, .jpeg or .gif file (by its path): shown as an image, not fetched.
bool is_image_url(std::string_view url);

// Builds the preview of one URL from a fetched page (kind "page", or "none" when the page has
// no title). Exposed for tests.
UrlPreview preview_from_page(const std::string& url, const FetchResult& page);

class UrlPreviewer {
 public:
  UrlPreviewer(Store& store, UrlPreviewOptions options);
  ~UrlPreviewer();
  UrlPreviewer(const UrlPreviewer&) = delete;
  UrlPreviewer& operator=(const UrlPreviewer&) = delete;

  void start();
  // Lets the workers finish the job at hand, drops the rest, joins them.
  void stop();

  // Previews the first link of `text` (the stored text of message `message_id`) and writes the
  // result into the message's params. Text without links clears an earlier preview (after an
  // edit). Does nothing when previews are disabled.
  void enqueue(int64_t message_id, std::string text);

  // Called on a worker thread once a message's changed params are committed (to notify its chat).
  void set_on_updated(std::function<void(int64_t message_id, int64_t chat_id)> fn);

  // Blocks until no job is queued or running (tests).
  void wait_idle();

  // The stored preview of `url`, fetched now unless a recent one exists.
  std::optional<UrlPreview> preview(const std::string& url);

 private:
  struct Job {
    int64_t message_id;
    std::string text;
  };
  void run();
  void process(const Job& job);

  Store& store_;
  UrlPreviewOptions options_;
  std::function<void(int64_t, int64_t)> on_updated_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> queue_;
  size_t busy_ = 0;
  bool stopping_ = false;
  bool running_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace imhub
