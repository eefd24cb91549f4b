#include "previews/url_fetch.hpp"

#include <curl/curl.h>
#include <iconv.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "core/strings.hpp"

namespace imhub {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const FetchOptions* options = nullptr;
  std::string body;
  bool truncated = false;
  bool refused = false;
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  size_t room = t->options->max_bytes - std::min(t->options->max_bytes, t->body.size());
  if (n > room) {
    t->body.append(data, room);
    t->truncated = true;
    return 0;  // stops the transfer: what a preview needs is at the top of the page
  }
  t->body.append(data, n);
  return n;
}

// Every connection (the first and each redirect's) passes here with the address curl resolved,
// so a name that resolves to a private address is refused too, not only literal IPs.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  if (!t->options->allow_private && !is_public_address(&address->addr)) {
    t->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

FetchResult fetch_url(const std::string& url, const FetchOptions& options) {
  global_init();
  FetchResult r;
  CURL* h = curl_easy_init();
  if (!h) {
    r.error = "curl_easy_init failed";
    return r;
  }
  Transfer t;
  t.options = &options;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // A proxy from the environment would be connected to instead of the page's address and so
  // bypass the address check.
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  char* effective = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) r.effective_url = effective;
  char* type = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) r.content_type = type;
  curl_easy_cleanup(h);
  r.refused = t.refused;
  const bool read = rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t.truncated);
  r.ok = read && r.status >= 200 && r.status < 300;
  if (!read) r.error = error[0] ? error : curl_easy_strerror(rc);
  r.body = std::move(t.body);
  return r;
}

std::string resolve_url(const std::string& base, const std::string& ref) {
  CURLU* u = curl_url();
  if (!u) return "";
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, ref.c_str(), 0) == CURLUE_OK) {
    char* full = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK && full) {
      out = full;
      curl_free(full);
    }
  }
  curl_url_cleanup(u);
  return out;
}

std::string to_utf8(const std::string& body, const std::string& charset) {
  std::string cs = to_lower(charset);
  if (cs.empty() || cs == "utf-8" || cs == "utf8") return body;
  iconv_t cd = iconv_open("UTF-8//TRANSLIT", cs.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return body;
  std::string out;
  out.resize(body.size() * 4 + 16);
  char* in = const_cast<char*>(body.data());
  size_t in_left = body.size();
  char* dst = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
      if (errno == E2BIG) break;
      ++in;  // an unconvertible byte is skipped
      --in_left;
    }
  }
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace imhub
