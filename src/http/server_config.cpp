#include "http/server_config.hpp"

#include <unistd.h>

namespace imhub {
namespace {

// HOST:PORT, [IPV6]:PORT or :PORT (every interface).
void validate_listen(const std::string& key, const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) config_fail(key, "expected HOST:PORT, got " + listen);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    config_fail(key, "bad port in " + listen);
  const std::string host = listen.substr(0, colon);
  if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']'))
    config_fail(key, "an IPv6 address goes in brackets, as [::]:8080");
}

// tls.listen = "auto": HTTPS for local use next to the plain listener, on the same host at the port
// + 363 (8443 beside the default 8080), so the official SDKs, which refuse http://, work on a fresh
// install. Nothing when the listen port is 0 (chosen by the kernel) or would overflow.
void resolve_auto_tls_listen(Config& c) {
  if (c.tls_listen == "off") c.tls_listen.clear();
  if (c.tls_listen != "auto") return;
  c.tls_listen.clear();
  if (c.tls_enabled) return;  // the listen address itself speaks HTTPS
  const auto colon = c.listen.rfind(':');
  const int port = std::stoi(c.listen.substr(colon + 1));
  if (port == 0 || port + 363 > 65535) return;
  c.tls_listen = c.listen.substr(0, colon + 1) + std::to_string(port + 363);
  c.tls_listen_optional = true;
}

// The address clients are told when none is configured: the HTTPS listener when one was asked
// for (official SDKs insist on https), and this machine's name in place of an all-interfaces
// host. The automatic HTTPS listener leaves it http: it may not start (its port taken).
std::string default_public_url(const Config& c) {
  const bool https = c.tls_enabled || (!c.tls_listen.empty() && !c.tls_listen_optional);
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
  const std::string key = "server.public_url";
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    config_fail(key, "expected http://HOST[:PORT] or https://…, got \"" + url + "\"");
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
    config_fail(key, "\"" + url + "\" has no host clients can reach");
  if (authority.size() > host.size()) {
    const std::string port = authority.substr(host.size());
    if (port.size() < 2 || port[0] != ':' || port.find_first_not_of("0123456789", 1) != std::string::npos)
      config_fail(key, "bad port in \"" + url + "\"");
  }
}

}  // namespace

void describe_server_config(ConfigSchema& schema, Config& c) {
  schema.section("server")
      .text("listen", c.listen)
      .text("public_url", c.public_url)
      .integer("threads", c.threads, 0, 256)
      .integer("workers", c.workers, 1, 1024)
      .integer("body_limit", c.body_limit, 1024, int64_t{4} << 30)
      .integer("max_upload_bytes", c.max_upload_bytes, 1, int64_t{16} << 30)
      .integer("header_timeout", c.header_timeout, 1, 3600)
      .integer("body_timeout", c.body_timeout, 1, 3600)
      .integer("idle_timeout", c.idle_timeout, 1, 86400)
      .integer("max_connections", c.max_connections, 1, 1000000)
      .integer("preauth_body_limit", c.preauth_body_limit, 0, int64_t{4} << 30)
      .integer("body_memory_limit", c.body_memory_limit, 1024, int64_t{1} << 40)
      .rule([&c] { validate_listen("server.listen", c.listen); });
  schema.section("tls")
      .flag("enabled", c.tls_enabled)
      .text("cert", c.tls_cert)
      .text("key", c.tls_key)
      .text("listen", c.tls_listen)
      .rule([&c] {
        resolve_auto_tls_listen(c);
        if (!c.tls_listen.empty()) validate_listen("tls.listen", c.tls_listen);
        if ((c.tls_enabled || !c.tls_listen.empty()) && (c.tls_cert.empty() || c.tls_key.empty()))
          throw ConfigError("config: tls.cert and tls.key are required when tls.enabled = true or tls.listen is set");
      });
  schema.section("metrics").text("listen", c.metrics_listen).text("token", c.metrics_token).rule([&c] {
    if (!c.metrics_listen.empty()) validate_listen("metrics.listen", c.metrics_listen);
  });
  // After [tls]'s rule: the default public address depends on whether https is served.
  schema.section("server").rule([&c] {
    if (c.public_url.empty()) c.public_url = default_public_url(c);
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    validate_public_url(c.public_url);
  });
}

}  // namespace imhub
