// Fetching a page for a link preview with libcurl, under the rules a server that fetches
// user-supplied URLs needs: http/https only, few redirects, time and size caps, and no
// connections to loopback / private / link-local addresses unless configured (so a message
// cannot make imhub probe its own network).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string>

#include "core/address_policy.hpp"  // is_public_address: the policy every fetch applies

namespace imhub {

struct FetchOptions {
  bool allow_private = false;
  long connect_timeout_ms = 5000;
  long timeout_ms = 10000;
  size_t max_bytes = 1 << 20;  // the rest of a larger body is not read
  long max_redirects = 3;
  std::string user_agent = "Mozilla/5.0 (compatible; imhub-url-preview/1.0)";
};

struct FetchResult {
  bool ok = false;  // a 2xx answer was read (possibly cut at max_bytes)
  long status = 0;
  bool refused = false;       // the address policy refused a connection
  std::string effective_url;  // after redirects
  std::string content_type;
  std::string body;
  std::string error;
};

FetchResult fetch_url(const std::string& url, const FetchOptions& options);

// `ref` resolved against `base` (for relative og:image values); "" when it cannot be.
std::string resolve_url(const std::string& base, const std::string& ref);

// `body` converted to UTF-8 from `charset` (invalid sequences replaced), for pages that are not
// UTF-8 yet.
std::string to_utf8(const std::string& body, const std::string& charset);

}  // namespace imhub
