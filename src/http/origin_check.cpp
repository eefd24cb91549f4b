#include "http/origin_check.hpp"

#include "core/strings.hpp"
#include "rest/session_cookie.hpp"

namespace imhub {
namespace {

struct Authority {
  std::string host;  // "[::1]" keeps its brackets
  std::string port;  // "" when none was given
};

Authority split_authority(std::string_view a) {
  const size_t colon = a.rfind(':');
  if (colon == std::string_view::npos || (a.front() == '[' && a.back() == ']')) return {std::string(a), ""};
  return {std::string(a.substr(0, colon)), std::string(a.substr(colon + 1))};
}

std::string origin_of(std::string_view scheme, const Authority& a) {
  const bool default_port =
      a.port.empty() || (scheme == "http" && a.port == "80") || (scheme == "https" && a.port == "443");
  return to_lower(std::string(scheme) + "://" + a.host + (default_port ? "" : ":" + a.port));
}

bool all_interfaces(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "[::]"; }

void add(std::vector<std::string>& out, std::string origin) {
  for (const std::string& o : out)
    if (o == origin) return;
  out.push_back(std::move(origin));
}

}  // namespace

std::vector<std::string> own_origins(const Config& config) {
  std::vector<std::string> out;
  const std::string_view url = config.public_url;
  const size_t scheme_end = url.find("://");
  Authority public_host;
  if (scheme_end != std::string_view::npos) {
    const std::string_view rest = url.substr(scheme_end + 3);
    public_host = split_authority(rest.substr(0, rest.find('/')));
    add(out, origin_of(url.substr(0, scheme_end), public_host));
  }
  // The listeners: tls.listen speaks https; server.listen does too when tls.enabled has no
  // tls.listen of its own.
  const bool main_https = config.tls_enabled && config.tls_listen.empty();
  std::vector<std::pair<std::string, std::string>> listeners = {{main_https ? "https" : "http", config.listen}};
  // ("auto" and "off" are resolved into an address or "" once the config is validated.)
  if (!config.tls_listen.empty() && config.tls_listen != "auto" && config.tls_listen != "off")
    listeners.emplace_back("https", config.tls_listen);
  for (const auto& [scheme, listen] : listeners) {
    const Authority a = split_authority(listen);
    if (!all_interfaces(a.host)) add(out, origin_of(scheme, a));
    if (!public_host.host.empty()) add(out, origin_of(scheme, Authority{public_host.host, a.port}));
  }
  return out;
}

bool own_origin(const Config& config, std::string_view origin) {
  if (origin.empty() || origin == "null") return false;
  const std::string given = to_lower(std::string(origin));
  for (const std::string& o : own_origins(config))
    if (o == given) return true;
  return false;
}

bool cross_origin_session(const Config& config, std::string_view cookie_header, std::string_view origin) {
  if (!cookie_value(cookie_header, kSessionCookie)) return false;
  return !own_origin(config, origin);
}

}  // namespace imhub
