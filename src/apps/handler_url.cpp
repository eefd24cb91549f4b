#include "apps/handler_url.hpp"

#include "core/strings.hpp"

namespace imhub {

UrlCheck check_handler_url(std::string_view url, bool require_dot) {
  std::string_view rest;
  if (starts_with_ci(url, "http://")) {
    rest = url.substr(7);
  } else if (starts_with_ci(url, "https://")) {
    rest = url.substr(8);
  } else {
    return UrlCheck::kUnsupportedProtocol;
  }
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return UrlCheck::kWrongUrl;
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {  // IPv6 literal
    auto close = host.find(']');
    if (close == std::string_view::npos || close < 3) return UrlCheck::kWrongUrl;
    std::string_view after = host.substr(close + 1);
    if (!after.empty() && after.front() != ':') return UrlCheck::kWrongUrl;
    return UrlCheck::kOk;
  }
  if (auto colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
      return UrlCheck::kWrongUrl;
  }
  if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-') return UrlCheck::kWrongUrl;
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_'))
      return UrlCheck::kWrongUrl;
  if (require_dot && host.find('.') == std::string_view::npos) return UrlCheck::kWrongUrl;
  return UrlCheck::kOk;
}

}  // namespace imhub
