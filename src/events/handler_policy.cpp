#include "events/handler_policy.hpp"

#include "core/address_policy.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

// The host of an http(s) URL, lower case, IPv6 literals with their brackets; "" when there is none.
std::string url_host(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    return close == std::string_view::npos ? "" : std::string(authority.substr(0, close + 1));
  }
  return to_lower(authority.substr(0, authority.find(':')));
}

bool is_localhost_name(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  constexpr std::string_view kName = "localhost";
  return host == kName || (host.size() > kName.size() && host.substr(host.size() - kName.size() - 1) == ".localhost");
}

std::string refusal(const std::string& what, const AddressVerdict& v, const HandlerAddressRules& rules) {
  if (v.cls == AddressClass::kPublic || rules.allow_private) return "";
  if (v.cls == AddressClass::kLoopback) {
    if (rules.trusted) return "";
    return what + " is " + v.range +
           " (allowed only for handlers registered by an administrator or the CLI, or with [events] allow_private)";
  }
  return what + " is " + v.range + " (allowed only with [events] allow_private)";
}

}  // namespace

std::string handler_address_refusal(const sockaddr* address, const HandlerAddressRules& rules) {
  return refusal(address_text(address), classify_address(address), rules);
}

std::string handler_url_refusal(std::string_view url, const HandlerAddressRules& rules) {
  const std::string host = url_host(url);
  if (is_localhost_name(host)) return refusal(host, {AddressClass::kLoopback, "loopback (localhost)"}, rules);
  auto literal = parse_ip_literal(host);
  if (!literal) return "";
  const auto* address = reinterpret_cast<const sockaddr*>(&*literal);
  return refusal(address_text(address), classify_address(address), rules);
}

std::string loggable_handler(std::string_view url) { return std::string(url.substr(0, url.find_first_of("?#"))); }

}  // namespace imhub
