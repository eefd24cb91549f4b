#include "events/http_poster.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "core/address_policy.hpp"
#include "core/strings.hpp"

namespace imhub {

struct HttpPoster::Transfer {
  CURL* easy = nullptr;
  uint64_t tag = 0;
  std::string body;
  curl_slist* headers = nullptr;
  int64_t max_bytes = 0;
  int64_t received = 0;
  bool too_large = false;
  size_t keep_answer = 0;
  std::string answer;
  HandlerAddressRules rules;
  std::string refused;  // why the address policy stopped the request
  std::string retry_after;
  char error[CURL_ERROR_SIZE] = {};
};

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The answer is read to keep the connection reusable; only its first bytes are kept (for the
// delivery log).
size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<HttpPoster::Transfer*>(user);
  const size_t n = size * count;
  if (t->answer.size() < t->keep_answer) t->answer.append(data, std::min(n, t->keep_answer - t->answer.size()));
  t->received += static_cast<int64_t>(n);
  if (t->received > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<HttpPoster::Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && starts_with_ci(line, kName))
    t->retry_after = std::string(trim(line.substr(kName.size())));
  return n;
}

// Every new connection passes here with the address curl resolved, before its socket exists.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* t = static_cast<HttpPoster::Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  if (std::string why = handler_address_refusal(&address->addr, t->rules); !why.empty()) {
    if (t->refused.empty()) t->refused = std::move(why);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

// Every request passes here before it is sent, on a new or a reused connection: a kept-alive
// connection opened for a handler that may reach an address must not carry one that may not.
int on_prereq(void* user, char* primary_ip, char*, int, int) {
  auto* t = static_cast<HttpPoster::Transfer*>(user);
  auto address = parse_ip_literal(primary_ip ? primary_ip : "");
  std::string why = address ? handler_address_refusal(reinterpret_cast<const sockaddr*>(&*address), t->rules)
                            : std::string("the connection's address is unknown");
  if (why.empty()) return CURL_PREREQFUNC_OK;
  t->refused = std::move(why);
  return CURL_PREREQFUNC_ABORT;
}

PostResult result_of(HttpPoster::Transfer* t, CURLcode code) {
  PostResult r;
  r.tag = t->tag;
  r.retry_after = t->retry_after;
  r.answer = std::move(t->answer);
  curl_off_t total_us = 0;
  if (curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK) r.duration_ms = total_us / 1000;
  if (!t->refused.empty()) {
    r.outcome = PostResult::Outcome::kRefused;
    r.error = "refused by the address policy: " + t->refused;
    return r;
  }
  if (code == CURLE_OK) {
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
    r.outcome = PostResult::Outcome::kAnswered;
    if (r.status < 200 || r.status >= 300) r.error = "HTTP " + std::to_string(r.status);
    return r;
  }
  const std::string detail = t->error[0] ? t->error : curl_easy_strerror(code);
  if (t->too_large) {
    r.outcome = PostResult::Outcome::kTooLarge;
    r.error = "answer larger than the limit";
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    r.outcome = PostResult::Outcome::kTimeout;
    r.error = "timeout: " + detail;
  } else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
             code == CURLE_COULDNT_RESOLVE_PROXY) {
    r.outcome = PostResult::Outcome::kConnect;
    r.error = "connect: " + detail;
  } else {
    r.outcome = PostResult::Outcome::kOther;
    r.error = detail;
  }
  return r;
}

}  // namespace

HttpPoster::HttpPoster(PostOptions options) : options_(std::move(options)) {
  global_init();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(options_.keep_connections, 1)));
}

HttpPoster::~HttpPoster() {
  abort_all();
  for (void* e : idle_easy_) curl_easy_cleanup(static_cast<CURL*>(e));
  curl_multi_cleanup(multi_);
}

void HttpPoster::start(PostRequest request) {
  auto* t = new Transfer;
  t->tag = request.tag;
  t->body = std::move(request.body);
  t->max_bytes = options_.max_response_bytes;
  t->keep_answer = options_.keep_answer_bytes;
  t->rules = request.rules;
  if (!idle_easy_.empty()) {
    t->easy = static_cast<CURL*>(idle_easy_.back());
    idle_easy_.pop_back();
    curl_easy_reset(t->easy);
  } else {
    t->easy = curl_easy_init();
  }
  t->headers = curl_slist_append(t->headers, "Content-Type: application/x-www-form-urlencoded");
  // Without this curl sends "Expect: 100-continue" for bodies over 1 KB and waits for an
  // interim answer that many handlers never send.
  t->headers = curl_slist_append(t->headers, "Expect:");
  for (const std::string& h : request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // A proxy from the environment is not the handler the application registered.
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_multi_add_handle(multi_, e);
  active_.push_back(t);
}

std::vector<PostResult> HttpPoster::poll(int timeout_ms) {
  std::vector<PostResult> done;
  int running = 0;
  curl_multi_perform(multi_, &running);
  curl_multi_poll(multi_, nullptr, 0, std::max(timeout_ms, 0), nullptr);
  curl_multi_perform(multi_, &running);
  int queued = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &queued)) {
    if (m->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
    const CURLcode code = m->data.result;
    done.push_back(result_of(t, code));
    curl_multi_remove_handle(multi_, t->easy);
    idle_easy_.push_back(t->easy);
    curl_slist_free_all(t->headers);
    active_.erase(std::find(active_.begin(), active_.end(), t));
    delete t;
  }
  return done;
}

void HttpPoster::wakeup() { curl_multi_wakeup(multi_); }

std::vector<uint64_t> HttpPoster::abort_all() {
  std::vector<uint64_t> tags;
  for (Transfer* t : active_) {
    tags.push_back(t->tag);
    curl_multi_remove_handle(multi_, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    delete t;
  }
  active_.clear();
  return tags;
}

size_t HttpPoster::in_flight() const { return active_.size(); }

}  // namespace imhub
