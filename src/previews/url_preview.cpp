#include "previews/url_preview.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "previews/html_meta.hpp"

namespace imhub {

namespace {

constexpr size_t kMaxTitleChars = 255;
constexpr size_t kMaxDescriptionChars = 500;
constexpr size_t kMaxUrlBytes = 2048;
// A failed fetch is retried after this long at most, however long good previews are kept.
constexpr int64_t kFailureReuseSeconds = 600;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

size_t find_ci(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool ends_url(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == '[' || c == ']' || c == '"' || c == '<' || c == '>' || c == '`' ||
         c == '{' || c == '}' || c == '|' || c == '\\';
}

// Drops what is more likely the sentence's punctuation than the link's end: "see http://a.b/."
std::string_view trim_url_tail(std::string_view url) {
  while (!url.empty()) {
    char c = url.back();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*') {
      url.remove_suffix(1);
    } else if (c == ')' && std::count(url.begin(), url.end(), '(') < std::count(url.begin(), url.end(), ')')) {
      url.remove_suffix(1);
    } else {
      break;
    }
  }
  return url;
}

// Invalid UTF-8 bytes become U+FFFD so that the stored params stay valid JSON text.
std::string sanitize_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len > 0 && i + len <= s.size() && valid_utf8(s.substr(i, len))) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// The first `max_chars` code points of valid UTF-8 text, with "…" when cut.
std::string cut_chars(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return s.substr(0, i) + "\xE2\x80\xA6";
  }
  return s;
}

std::string charset_of(std::string_view content_type) {
  size_t p = find_ci(content_type, "charset=", 0);
  if (p == std::string_view::npos) return "";
  std::string_view v = content_type.substr(p + 8);
  size_t end = 0;
  while (end < v.size() && v[end] != ';' && v[end] != ' ' && v[end] != '"') ++end;
  std::string_view cs = v.substr(0, end);
  if (!cs.empty() && cs.front() == '"') cs.remove_prefix(1);
  return to_lower(cs);
}

}  // namespace

UrlPreviewOptions url_preview_options(const Config& config) {
  UrlPreviewOptions o;
  o.enabled = config.url_preview_enabled;
  o.fetch.allow_private = config.url_preview_allow_private;
  o.fetch.connect_timeout_ms = config.url_preview_connect_timeout * 1000L;
  o.fetch.timeout_ms = config.url_preview_timeout * 1000L;
  o.fetch.max_bytes = static_cast<size_t>(config.url_preview_max_bytes);
  o.fetch.max_redirects = config.url_preview_max_redirects;
  o.cache_seconds = config.url_preview_cache_seconds;
  o.workers = config.url_preview_workers;
  return o;
}

std::vector<std::string> find_urls(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  size_t code = find_ci(text, "[code]", 0);
  while (i < text.size()) {
    if (code != std::string_view::npos && code < i) code = find_ci(text, "[code]", i);
    size_t http = find_ci(text, "http", i);
    if (http == std::string_view::npos) break;
    if (code != std::string_view::npos && code < http) {
      size_t end = find_ci(text, "[/code]", code + 6);
      if (end == std::string_view::npos) break;
      i = end + 7;
      continue;
    }
    std::string_view rest = text.substr(http);
    size_t scheme = starts_with_ci(rest, "https://") ? 8 : starts_with_ci(rest, "http://") ? 7 : 0;
    bool word_start = http == 0 || !std::isalnum(static_cast<unsigned char>(text[http - 1]));
    if (scheme == 0 || !word_start) {
      i = http + 4;
      continue;
    }
    size_t end = scheme;
    while (end < rest.size() && !ends_url(rest[end])) ++end;
    std::string_view url = trim_url_tail(rest.substr(0, end));
    if (url.size() > scheme && url.size() <= kMaxUrlBytes) out.emplace_back(url);
    i = http + end;
  }
  return out;
}

bool is_image_url(std::string_view url) {
  std::string_view path = url.substr(0, std::min(url.find('?'), url.find('#')));
  size_t scheme = path.find("://");
  if (scheme == std::string_view::npos || path.find('/', scheme + 3) == std::string_view::npos) return false;
  std::string lower_path = to_lower(path);
  for (std::string_view ext : {".png", ".jpg", ".jpeg", ".gif"})
    if (lower_path.size() > ext.size() && lower_path.compare(lower_path.size() - ext.size(), ext.size(), ext) == 0)
      return true;
  return false;
}

UrlPreview preview_from_page(const std::string& url, const FetchResult& page) {
  UrlPreview p;
  p.url = url;
  p.kind = "none";
  p.fetched_at = now_unix_seconds();
  if (!page.ok) return p;
  const std::string type = to_lower(page.content_type);
  if (starts_with_ci(type, "image/")) {
    p.kind = "image";
    return p;
  }
  if (!type.empty() && type.find("html") == std::string::npos) return p;
  std::string charset = charset_of(page.content_type);
  HtmlMeta meta = parse_html_meta(page.body);
  if (charset.empty()) charset = meta.charset;
  if (!charset.empty() && charset != "utf-8" && charset != "utf8") meta = parse_html_meta(to_utf8(page.body, charset));
  p.title = cut_chars(sanitize_utf8(meta.title), kMaxTitleChars);
  p.description = cut_chars(sanitize_utf8(meta.description), kMaxDescriptionChars);
  if (!meta.image.empty()) {
    std::string image = resolve_url(page.effective_url.empty() ? url : page.effective_url, meta.image);
    if ((starts_with_ci(image, "http://") || starts_with_ci(image, "https://")) && image.size() <= kMaxUrlBytes)
      p.image = sanitize_utf8(image);
  }
  if (!p.title.empty()) p.kind = "page";
  return p;
}

UrlPreviewer::UrlPreviewer(Store& store, UrlPreviewOptions options) : store_(store), options_(std::move(options)) {}

UrlPreviewer::~UrlPreviewer() { stop(); }

void UrlPreviewer::start() {
  std::lock_guard lock(mu_);
  if (running_ || !options_.enabled) return;
  running_ = true;
  stopping_ = false;
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { run(); });
}

void UrlPreviewer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    running_ = false;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  idle_cv_.notify_all();
}

void UrlPreviewer::enqueue(int64_t message_id, std::string text) {
  if (!options_.enabled) return;
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    if (queue_.size() >= options_.max_queue) {
      spdlog::warn("url preview: queue full, message {} gets no preview", message_id);
      return;
    }
    queue_.push_back(Job{message_id, std::move(text)});
  }
  cv_.notify_one();
}

void UrlPreviewer::set_on_updated(std::function<void(int64_t, int64_t)> fn) {
  std::lock_guard lock(mu_);
  on_updated_ = std::move(fn);
}

void UrlPreviewer::wait_idle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return (queue_.empty() && busy_ == 0) || !running_; });
}

void UrlPreviewer::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      process(job);
    } catch (const std::exception& e) {
      spdlog::warn("url preview of message {} failed: {}", job.message_id, e.what());
    }
    std::lock_guard lock(mu_);
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_cv_.notify_all();
  }
}

std::optional<UrlPreview> UrlPreviewer::preview(const std::string& url) {
  const int64_t now = now_unix_seconds();
  auto cached = store_.read_with([&](Conn& c) {
    auto p = find_url_preview(c, url, now - options_.cache_seconds);
    if (p && p->kind == "none" && p->fetched_at < now - std::min(options_.cache_seconds, kFailureReuseSeconds))
      p.reset();
    return p;
  });
  if (cached) return cached;
  UrlPreview fresh;
  if (is_image_url(url)) {
    fresh.url = url;
    fresh.kind = "image";
    fresh.fetched_at = now;
  } else {
    FetchResult page = fetch_url(url, options_.fetch);
    if (!page.ok) spdlog::debug("url preview: {}: {}", url, page.refused ? "address refused" : page.error);
    fresh = preview_from_page(url, page);
  }
  return store_.write_with([&](Conn& c) {
    UrlPreview stored = insert_url_preview(c, fresh);
    prune_url_previews(c, now - std::max(options_.cache_seconds, kFailureReuseSeconds));
    return stored;
  });
}

void UrlPreviewer::process(const Job& job) {
  std::vector<std::string> urls = find_urls(job.text);
  std::optional<UrlPreview> p;
  if (!urls.empty()) {
    p = preview(urls.front());
  } else {
    // Most messages have no link: only an edit that removed one needs a write.
    bool had_preview = store_.read_with([&](Conn& c) {
      auto row = c.query_one("SELECT params FROM messages WHERE id = $1", {job.message_id});
      return row && row->str(0).find("\"URL_ID\"") != std::string::npos;
    });
    if (!had_preview) return;
  }
  const auto chat = store_.write_with([&](Conn& c) { return apply_preview_to_message(c, job.message_id, p); });
  if (!chat) return;
  std::function<void(int64_t, int64_t)> notify;
  {
    std::lock_guard lock(mu_);
    notify = on_updated_;
  }
  if (notify) notify(job.message_id, *chat);
}

}  // namespace imhub
