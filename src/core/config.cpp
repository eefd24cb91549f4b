#include "core/config.hpp"

#include <toml++/toml.h>
#include <functional>
#include <map>

#include <unistd.h>

namespace imhub {
namespace {

using Setter = std::function<void(const toml::node&, const std::string&)>;

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw ConfigError("config: " + key + ": " + why);
}

Setter string_opt(std::string& dst) {
  return [&dst](const toml::node& n, const std::string& key) {
    auto v = n.value<std::string>();
    if (!v || !n.is_string()) bad(key, "expected a string");
    dst = *v;
  };
}
Setter bool_opt(bool& dst) {
  return [&dst](const toml::node& n, const std::string& key) {
    if (!n.is_boolean()) bad(key, "expected true or false");
    dst = *n.value<bool>();
  };
}
template <class T>
Setter int_opt(T& dst, int64_t lo, int64_t hi) {
  return [&dst, lo, hi](const toml::node& n, const std::string& key) {
    if (!n.is_integer()) bad(key, "expected an integer");
    int64_t v = *n.value<int64_t>();
    if (v < lo || v > hi) bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    dst = static_cast<T>(v);
  };
}
Setter double_opt(double& dst, double lo) {
  return [&dst, lo](const toml::node& n, const std::string& key) {
    if (!n.is_number()) bad(key, "expected a number");
    double v = *n.value<double>();
    if (v < lo) bad(key, "must be at least " + std::to_string(lo));
    dst = v;
  };
}

}  // namespace

Config load_config(const std::string& path) {
  Config c;
  std::map<std::string, Setter> known = {
      {"server.listen", string_opt(c.listen)},
      {"server.public_url", string_opt(c.public_url)},
      {"server.threads", int_opt(c.threads, 0, 256)},
      {"server.workers", int_opt(c.workers, 1, 1024)},
      {"server.body_limit", int_opt(c.body_limit, 1024, int64_t{4} << 30)},
      {"server.max_upload_bytes", int_opt(c.max_upload_bytes, 1, int64_t{16} << 30)},
      {"server.header_timeout", int_opt(c.header_timeout, 1, 3600)},
      {"server.body_timeout", int_opt(c.body_timeout, 1, 3600)},
      {"server.idle_timeout", int_opt(c.idle_timeout, 1, 86400)},
      {"server.max_connections", int_opt(c.max_connections, 1, 1000000)},
      {"server.preauth_body_limit", int_opt(c.preauth_body_limit, 0, int64_t{4} << 30)},
      {"server.body_memory_limit", int_opt(c.body_memory_limit, 1024, int64_t{1} << 40)},
      {"tls.enabled", bool_opt(c.tls_enabled)},
      {"tls.cert", string_opt(c.tls_cert)},
      {"tls.key", string_opt(c.tls_key)},
      {"tls.listen", string_opt(c.tls_listen)},
      {"metrics.listen", string_opt(c.metrics_listen)},
      {"metrics.token", string_opt(c.metrics_token)},
      {"files.link_ttl", int_opt(c.files_link_ttl, 60, int64_t{3650} * 86400)},
      {"limits.max_depth", int_opt(c.max_depth, 1, 512)},
      {"limits.max_keys", int_opt(c.max_keys, 1, 10000000)},
      {"limits.max_key_bytes", int_opt(c.max_key_bytes, 16, 1 << 20)},
      {"auth.session_idle_timeout", int_opt(c.auth_session_idle_timeout, 1, int64_t{3650} * 86400)},
      {"auth.session_lifetime", int_opt(c.auth_session_lifetime, 1, int64_t{3650} * 86400)},
      {"auth.login_failures_per_user", int_opt(c.auth_login_failures_per_user, 1, 1000000)},
      {"auth.login_failures_per_address", int_opt(c.auth_login_failures_per_address, 1, 1000000)},
      {"auth.login_window", int_opt(c.auth_login_window, 1, 86400)},
      {"rate_limit.enabled", bool_opt(c.rate_limit_enabled)},
      {"rate_limit.rate", double_opt(c.rate_limit_rate, 0.001)},
      {"rate_limit.burst", double_opt(c.rate_limit_burst, 1)},
      {"operating_limit.enabled", bool_opt(c.operating_limit_enabled)},
      {"operating_limit.seconds", double_opt(c.operating_limit_seconds, 0.001)},
      {"operating_limit.record_threshold", double_opt(c.operating_limit_record_threshold, 0)},
      {"store.synchronous", string_opt(c.store_synchronous)},
      {"store.read_connections", int_opt(c.store_read_connections, 1, 256)},
      {"store.min_free_bytes", int_opt(c.store_min_free_bytes, 0, int64_t{1} << 50)},
      {"url_preview.enabled", bool_opt(c.url_preview_enabled)},
      {"url_preview.allow_private", bool_opt(c.url_preview_allow_private)},
      {"url_preview.connect_timeout", int_opt(c.url_preview_connect_timeout, 1, 600)},
      {"url_preview.timeout", int_opt(c.url_preview_timeout, 1, 600)},
      {"url_preview.max_bytes", int_opt(c.url_preview_max_bytes, 1024, int64_t{64} << 20)},
      {"url_preview.max_redirects", int_opt(c.url_preview_max_redirects, 0, 20)},
      {"url_preview.cache_seconds", int_opt(c.url_preview_cache_seconds, 0, int64_t{365} * 86400)},
      {"url_preview.workers", int_opt(c.url_preview_workers, 1, 64)},
      {"bots.max_per_app", int_opt(c.bots_max_per_app, 0, 1000000)},
      {"push.enabled", bool_opt(c.push_enabled)},
      {"push.expiry", int_opt(c.push_expiry, 1, int64_t{30} * 86400)},
      {"push.max_per_channel", int_opt(c.push_max_per_channel, 1, 1000000)},
      {"push.ping_interval", int_opt(c.push_ping_interval, 1, 19)},
      {"push.max_frame_bytes", int_opt(c.push_max_frame_bytes, 1024, int64_t{16} << 20)},
      {"push.max_client_messages", int_opt(c.push_max_client_messages, 1, 100000)},
      {"push.send_queue", int_opt(c.push_send_queue, 1, 1000000)},
      {"events.enabled", bool_opt(c.events_enabled)},
      {"events.concurrency", int_opt(c.events_concurrency, 1, 100000)},
      {"events.per_handler_concurrency", int_opt(c.events_per_handler_concurrency, 1, 100000)},
      {"events.connect_timeout", double_opt(c.events_connect_timeout, 0.01)},
      {"events.timeout", double_opt(c.events_timeout, 0.01)},
      {"events.max_response_bytes", int_opt(c.events_max_response_bytes, 0, int64_t{1} << 30)},
      {"events.retry_base", double_opt(c.events_retry_base, 0.001)},
      {"events.retry_max", double_opt(c.events_retry_max, 0.001)},
      {"events.expire_after", int_opt(c.events_expire_after, 1, int64_t{3650} * 86400)},
      {"events.drain_timeout", double_opt(c.events_drain_timeout, 0)},
      {"events.signature", bool_opt(c.events_signature)},
      {"events.delivery_id_header", bool_opt(c.events_delivery_id_header)},
      {"events.user_agent", string_opt(c.events_user_agent)},
      {"events.allow_private", bool_opt(c.events_allow_private)},
      {"events.log_per_handler", int_opt(c.events_log_per_handler, 0, 100000)},
      {"chat_apps.allow_http_iframe", bool_opt(c.chat_apps_allow_http_iframe)},
      {"giphy.base_url", string_opt(c.giphy_base_url)},
      {"giphy.api_key", string_opt(c.giphy_api_key)},
      {"giphy.connect_timeout", int_opt(c.giphy_connect_timeout, 1, 600)},
      {"giphy.timeout", int_opt(c.giphy_timeout, 1, 600)},
      {"giphy.rating", string_opt(c.giphy_rating)},
      {"log.level", string_opt(c.log_level)},
      {"log.access_log", bool_opt(c.access_log)},
  };
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError("config: " + path + ": " + std::string(e.description()));
  }
  for (const auto& [section, node] : root) {
    const auto* table = node.as_table();
    if (!table) bad(std::string(section.str()), "unknown key (options live in sections such as [server])");
    for (const auto& [key, value] : *table) {
      std::string full = std::string(section.str()) + "." + std::string(key.str());
      auto it = known.find(full);
      if (it == known.end()) bad(full, "unknown key");
      it->second(value, full);
    }
  }
  return c;
}

namespace {
// HOST:PORT, [IPV6]:PORT or :PORT (every interface).
void validate_listen(const std::string& key, const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw ConfigError("config: " + key + ": expected HOST:PORT, got " + listen);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    throw ConfigError("config: " + key + ": bad port in " + listen);
  const std::string host = listen.substr(0, colon);
  if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']'))
    throw ConfigError("config: " + key + ": an IPv6 address goes in brackets, as [::]:8080");
}
// The address clients are told when none is configured: the HTTPS listener when there is one
// (official SDKs insist on https), and this machine's name in place of an all-interfaces host.
std::string default_public_url(const Config& c) {
  const bool https = c.tls_enabled || !c.tls_listen.empty();
  std::string listen = c.tls_listen.empty() ? c.listen : c.tls_listen;
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "[::]") {
    char name[256] = {};
    host = ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
  }
  return std::string(https ? "https://" : "http://") + host + listen.substr(colon);
}

// scheme://host[:port][/path]: clients build URLs from it, so a bare host or a typo is refused.
void validate_public_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw ConfigError("config: server.public_url: expected http://HOST[:PORT] or https://…, got \"" + url + "\"");
  const std::string rest = url.substr(scheme_end + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  std::string host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  const bool bad_chars = authority.find_first_of("@?# \t") != std::string::npos;
  if (host.empty() || host == "[" || bad_chars || host == "0.0.0.0" || host == "[::]")
    throw ConfigError("config: server.public_url: \"" + url + "\" has no host clients can reach");
  if (authority.size() > host.size()) {
    const std::string port = authority.substr(host.size());
    if (port.size() < 2 || port[0] != ':' || port.find_first_not_of("0123456789", 1) != std::string::npos)
      throw ConfigError("config: server.public_url: bad port in \"" + url + "\"");
  }
}

}  // namespace

void validate_config(Config& c) {
  validate_listen("server.listen", c.listen);
  if (!c.tls_listen.empty()) validate_listen("tls.listen", c.tls_listen);
  if (!c.metrics_listen.empty()) validate_listen("metrics.listen", c.metrics_listen);
  if (c.store_synchronous != "full" && c.store_synchronous != "normal")
    throw ConfigError("config: store.synchronous: expected \"full\" or \"normal\"");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok |= c.log_level == l;
  if (!level_ok) throw ConfigError("config: log.level: expected trace, debug, info, warn, error or off");
  if (c.events_retry_max < c.events_retry_base)
    throw ConfigError("config: events.retry_max: must be at least events.retry_base");
  if ((c.tls_enabled || !c.tls_listen.empty()) && (c.tls_cert.empty() || c.tls_key.empty()))
    throw ConfigError("config: tls.cert and tls.key are required when tls.enabled = true or tls.listen is set");
  if (c.public_url.empty()) c.public_url = default_public_url(c);
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  validate_public_url(c.public_url);
  if (c.giphy_base_url.rfind("http://", 0) != 0 && c.giphy_base_url.rfind("https://", 0) != 0)
    throw ConfigError("config: giphy.base_url: expected an http:// or https:// URL");
  while (!c.giphy_base_url.empty() && c.giphy_base_url.back() == '/') c.giphy_base_url.pop_back();
}

}  // namespace imhub
