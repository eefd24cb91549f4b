// `imhub push status`: what the running server's push server holds right now (connections,
// channels, queued and stored messages, watch tags) and its counters. The hub lives in the
// server's memory, not in the data directory, so the command asks the server: it reads the
// imhub_push_* lines of /metrics (on metrics.listen when that is set, with metrics.token), the
// address and token taken from the same --config file `serve` uses, or from --url / --token.
// Over HTTPS it trusts the data directory's local CA (DATA/ca.pem) besides the system's.
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "app_config.hpp"
#include "cli/commands.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

struct PushStatusOptions {
  std::string data = "./data";  // its local CA (ca.pem) is trusted when /metrics is on HTTPS
  std::string config_file;
  std::string url;    // the server's base URL (or its metrics listener's)
  std::string token;  // metrics.token
};

// Where /metrics is served: metrics.listen when set, else the listen address (HTTPS there when
// tls.enabled has no tls.listen of its own). 0.0.0.0 and [::] are asked on loopback.
std::string metrics_base(const Config& c) {
  std::string address = c.metrics_listen.empty() ? c.listen : c.metrics_listen;
  // tls.enabled makes the listen address itself https unless another https address is named.
  const bool own_https_listener = !c.tls_listen.empty() && c.tls_listen != "auto" && c.tls_listen != "off";
  const bool https = c.metrics_listen.empty() && c.tls_enabled && !own_https_listener;
  if (address.rfind("0.0.0.0:", 0) == 0) address = "127.0.0.1" + address.substr(7);
  if (address.rfind("[::]:", 0) == 0) address = "[::1]" + address.substr(4);
  if (!address.empty() && address[0] == ':') address = "127.0.0.1" + address;
  return (https ? "https://" : "http://") + address;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string fetch_metrics(const std::string& url, const std::string& token, const std::string& ca_file) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("libcurl failed to start");
  std::string body;
  curl_slist* headers = nullptr;
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (!ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca_file.c_str());
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK)
    throw std::runtime_error("cannot reach the server at " + url + ": " + curl_easy_strerror(rc) +
                             " (is `imhub serve` running? give --config or --url)");
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status == 401) throw std::runtime_error(url + " wants metrics.token: give --config or --token");
  if (status != 200) throw std::runtime_error(url + " answered HTTP " + std::to_string(status));
  return body;
}

// imhub_push_* samples: "name{labels}" → value.
std::map<std::string, double> push_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (l.rfind("imhub_push_", 0) != 0) continue;
    const auto space = l.rfind(' ');
    if (space == std::string::npos) continue;
    try {
      out[l.substr(0, space)] = std::stod(l.substr(space + 1));
    } catch (const std::exception&) {
    }
  }
  return out;
}

Value status_json(const std::map<std::string, double>& m) {
  auto n = [&](const std::string& key) {
    auto it = m.find(key);
    return Value(it == m.end() ? int64_t{0} : static_cast<int64_t>(it->second));
  };
  const double count = m.count("imhub_push_fanout_seconds_count") ? m.at("imhub_push_fanout_seconds_count") : 0;
  const double sum = m.count("imhub_push_fanout_seconds_sum") ? m.at("imhub_push_fanout_seconds_sum") : 0;
  Value out = Value::object(
      {{"connections", Value::object({{"websocket", n("imhub_push_connections{transport=\"websocket\"}")},
                                      {"long_polling", n("imhub_push_connections{transport=\"long_polling\"}")}})},
       {"long_polls_waiting", n("imhub_push_long_polls_waiting")},
       {"channels", n("imhub_push_channels")},
       {"stored_messages", n("imhub_push_stored_messages")},
       {"queued_frames", n("imhub_push_queued_frames")},
       {"status_watchers", n("imhub_push_status_watchers")},
       {"published", n("imhub_push_published_total")},
       {"frames_sent", n("imhub_push_frames_sent_total")},
       {"slow_client_drops", n("imhub_push_slow_client_drops_total")},
       {"catch_ups", n("imhub_push_catch_ups_total")},
       {"fanout_mean_ms", Value(count > 0 ? sum / count * 1000.0 : 0.0)}});
  if (m.count("imhub_push_watches")) out["watches"] = n("imhub_push_watches");
  return out;
}

int run_push_status(const PushStatusOptions& o) {
  const Config config = o.config_file.empty() ? Config{} : load_config(o.config_file);
  std::string base = o.url.empty() ? metrics_base(config) : o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string token = o.token.empty() ? config.metrics_token : o.token;
  const std::string ca = o.data + "/ca.pem";
  const bool local_ca = base.rfind("https://", 0) == 0 && std::filesystem::exists(ca);
  const std::string text = fetch_metrics(base + "/metrics", token, local_ca ? ca : "");
  const auto samples = push_samples(text);
  if (samples.empty())
    throw std::runtime_error("the server at " + base + " runs without the push server ([push] enabled = false)");
  std::cout << to_plain_json(status_json(samples)) << std::endl;
  return 0;
}

}  // namespace

void add_push_group(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<PushStatusOptions>();
  auto* push = cli.add_subcommand("push", "the realtime push server of a running imhub");
  push->require_subcommand(1);
  auto* status = push->add_subcommand("status", "connections, channels, queued messages, watch tags (asks the server)");
  status->add_option("--config", o->config_file, "the TOML file `imhub serve` runs with (its address, metrics.token)");
  status->add_option("--url", o->url,
                     "the server's base URL instead (default from --config, else http://127.0.0.1:8080)");
  status->add_option("--token", o->token, "metrics.token, when not in --config");
  add_data_option(status, o->data);
  table.add(
      push, [o] { return run_push_status(*o); }, DataUse::kNone);
}

}  // namespace imhub
