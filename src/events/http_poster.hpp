// Outbound POSTs for event delivery over libcurl's multi interface, driven from one thread:
// many requests in flight, connections kept alive and reused between requests to the same host,
// connect and total timeouts, a cap on the answer's size. Nothing else in imhub makes outbound
// calls to event handlers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/handler_policy.hpp"

namespace imhub {

struct PostOptions {
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 15000;
  int64_t max_response_bytes = 64 * 1024;
  int keep_connections = 128;  // idle connections kept for reuse
  std::string user_agent;
  size_t keep_answer_bytes = 0;  // first bytes of each answer returned in PostResult::answer
};

struct PostRequest {
  uint64_t tag = 0;  // the caller's handle for the result
  std::string url;
  std::string body;                  // application/x-www-form-urlencoded
  std::vector<std::string> headers;  // extra "Name: value" lines
  // Checked against every address connected to (and the address of a reused connection) before a
  // byte is sent: a refused address never gets a socket.
  HandlerAddressRules rules;
};

struct PostResult {
  enum class Outcome { kAnswered, kTimeout, kConnect, kTooLarge, kRefused, kOther };
  uint64_t tag = 0;
  Outcome outcome = Outcome::kOther;
  long status = 0;          // HTTP status when kAnswered
  std::string retry_after;  // the Retry-After header, if any
  std::string error;        // what went wrong, for the failed list ("" when answered)
  std::string answer;       // the answer's first keep_answer_bytes bytes
  int64_t duration_ms = 0;  // from start to the end of the answer (or the failure)
  bool ok() const { return outcome == Outcome::kAnswered && status >= 200 && status < 300; }
};

class HttpPoster {
 public:
  struct Transfer;  // one request in flight (defined in the .cpp)

  explicit HttpPoster(PostOptions options);
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  void start(PostRequest request);
  // Drives the transfers, waiting up to `timeout_ms` for network activity or wakeup(); returns
  // the requests that finished.
  std::vector<PostResult> poll(int timeout_ms);
  // Makes a poll() in progress (or the next one) return at once. Any thread may call it.
  void wakeup();
  // Abandons every request in flight (their events stay in the outbox).
  std::vector<uint64_t> abort_all();
  size_t in_flight() const;

 private:
  void* multi_;
  PostOptions options_;
  std::vector<Transfer*> active_;
  std::vector<void*> idle_easy_;  // reused: curl keeps their DNS and TLS session caches
};

}  // namespace imhub
