#include "events/request_redaction.hpp"

#include <algorithm>

#include "core/form.hpp"
#include "core/strings.hpp"

namespace imhub {

namespace {

constexpr std::string_view kRedactedEncoded = "%5Bredacted%5D";
constexpr std::string_view kRedacted = "[redacted]";
constexpr size_t kMinSecretBytes = 8;

// The last key of "auth[access_token]" (decoded): "access_token"; of "ts": "ts".
std::string last_key(std::string_view encoded_key) {
  std::string key = url_decode(encoded_key);
  while (!key.empty() && key.back() == ']') {
    const size_t open = key.rfind('[');
    if (open == std::string::npos) break;
    std::string inner = key.substr(open + 1, key.size() - open - 2);
    // "a[]" (a list entry) names nothing: look at the key before it.
    if (!inner.empty()) return to_lower(inner);
    key.resize(open);
  }
  return to_lower(key);
}

bool credential(std::string_view encoded_key) {
  const std::string k = last_key(encoded_key);
  return k.ends_with("token") || k.ends_with("secret") || k == "password";
}

void add_secret(std::vector<std::string>& out, std::string s) {
  if (s.size() < kMinSecretBytes || std::find(out.begin(), out.end(), s) != out.end()) return;
  out.push_back(std::move(s));
}

}  // namespace

RedactedRequest redact_request(std::string_view body) {
  RedactedRequest r;
  r.body.reserve(body.size());
  size_t at = 0;
  while (at <= body.size()) {
    size_t end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(at, end - at);
    const size_t eq = pair.find('=');
    if (at) r.body += '&';
    if (eq != std::string_view::npos && credential(pair.substr(0, eq))) {
      const std::string_view value = pair.substr(eq + 1);
      add_secret(r.secrets, std::string(value));
      add_secret(r.secrets, url_decode(value));
      r.body.append(pair.substr(0, eq + 1)).append(kRedactedEncoded);
    } else {
      r.body.append(pair);
    }
    at = end + 1;
  }
  return r;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.size() < kMinSecretBytes) continue;
    for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + kRedacted.size()))
      text.replace(at, s.size(), kRedacted);
  }
  // A cut answer may end inside a token: drop a tail that is the start of one.
  for (const std::string& s : secrets) {
    for (size_t n = std::min(s.size() - 1, text.size()); n >= kMinSecretBytes; --n) {
      if (text.compare(text.size() - n, n, s, 0, n) == 0) {
        text.resize(text.size() - n);
        break;
      }
    }
  }
  return text;
}

}  // namespace imhub
