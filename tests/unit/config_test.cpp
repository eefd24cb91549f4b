// The configuration schema: every subsystem's section (src/*/*_config.cpp) through
// describe_config, as `imhub serve --config` reads a file.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app_config.hpp"

namespace imhub {
namespace {

// Loads TOML text over the defaults and runs the rules, as serve does.
Config load(const std::string& toml) {
  Config c;
  ConfigSchema schema;
  describe_config(schema, c);
  schema.load_text(toml);
  schema.check();
  return c;
}

std::string error_of(const std::string& toml) {
  try {
    load(toml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, EmptyFileKeepsTheDefaults) {
  const Config c = load("");
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.push_expiry, 86400);
  EXPECT_EQ(c.events_user_agent, "Bitrix24 Webhook Engine");
}

TEST(ConfigTest, EachSectionReadsItsKeys) {
  const Config c = load(R"(
[server]
listen = "127.0.0.1:9000"
workers = 3
[tls]
cert = "/c.pem"
key = "/k.pem"
listen = "127.0.0.1:9443"
[limits]
max_depth = 7
[rate_limit]
rate = 0.5
[store]
synchronous = "normal"
[url_preview]
allow_private = true
[bots]
max_per_app = 0
[chat_apps]
allow_http_iframe = true
[giphy]
base_url = "http://127.0.0.1:1/v1/gifs///"
[events]
retry_base = 2.5
retry_max = 2.5
[push]
send_queue = 7
[files]
link_ttl = 120
[log]
level = "debug"
access_log = false
)");
  EXPECT_EQ(c.listen, "127.0.0.1:9000");
  EXPECT_EQ(c.workers, 3);
  EXPECT_EQ(c.public_url, "https://127.0.0.1:9443");  // the https listener is the default address
  EXPECT_EQ(c.max_depth, 7);
  EXPECT_DOUBLE_EQ(c.rate_limit_rate, 0.5);
  EXPECT_EQ(c.store_synchronous, "normal");
  EXPECT_TRUE(c.url_preview_allow_private);
  EXPECT_EQ(c.bots_max_per_app, 0);
  EXPECT_TRUE(c.chat_apps_allow_http_iframe);
  EXPECT_EQ(c.giphy_base_url, "http://127.0.0.1:1/v1/gifs");
  EXPECT_DOUBLE_EQ(c.events_retry_max, 2.5);
  EXPECT_EQ(c.push_send_queue, 7);
  EXPECT_EQ(c.files_link_ttl, 120);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_FALSE(c.access_log);
}

TEST(ConfigTest, UnknownKeysAndSectionsAreRefusedByName) {
  EXPECT_EQ(error_of("[server]\nlisten_on = \"x\""), "config: server.listen_on: unknown key");
  EXPECT_EQ(error_of("[nope]\nx = 1"), "config: nope.x: unknown key");
  EXPECT_EQ(error_of("workers = 3"), "config: workers: unknown key (options live in sections such as [server])");
}

TEST(ConfigTest, TypesAndRangesAreChecked) {
  EXPECT_EQ(error_of("[server]\nworkers = \"8\""), "config: server.workers: expected an integer");
  EXPECT_EQ(error_of("[server]\nworkers = 0"), "config: server.workers: must be between 1 and 1024");
  EXPECT_EQ(error_of("[push]\nping_interval = 20"), "config: push.ping_interval: must be between 1 and 19");
  EXPECT_EQ(error_of("[push]\nenabled = 1"), "config: push.enabled: expected true or false");
  EXPECT_EQ(error_of("[log]\nlevel = 3"), "config: log.level: expected a string");
  EXPECT_NE(error_of("[events]\ntimeout = 0.001").find("events.timeout: must be at least"), std::string::npos);
}

TEST(ConfigTest, SectionRulesRun) {
  EXPECT_EQ(error_of("[store]\nsynchronous = \"off\""), "config: store.synchronous: expected \"full\" or \"normal\"");
  EXPECT_EQ(error_of("[log]\nlevel = \"loud\""), "config: log.level: expected trace, debug, info, warn, error or off");
  EXPECT_EQ(error_of("[events]\nretry_base = 10\nretry_max = 5"),
            "config: events.retry_max: must be at least events.retry_base");
  EXPECT_EQ(error_of("[tls]\nenabled = true"),
            "config: tls.cert and tls.key are required when tls.enabled = true or tls.listen is set");
  EXPECT_EQ(error_of("[server]\nlisten = \"8080\""), "config: server.listen: expected HOST:PORT, got 8080");
  EXPECT_EQ(error_of("[metrics]\nlisten = \"[::1:9\""), "config: metrics.listen: bad port in [::1:9");
  EXPECT_EQ(error_of("[server]\npublic_url = \"example.com\""),
            "config: server.public_url: expected http://HOST[:PORT] or https://…, got \"example.com\"");
  EXPECT_EQ(error_of("[giphy]\nbase_url = \"ftp://x\""), "config: giphy.base_url: expected an http:// or https:// URL");
}

TEST(ConfigTest, RulesRunAgainAfterCommandLineOverrides) {
  Config c = load("[server]\npublic_url = \"http://example.com/\"");
  EXPECT_EQ(c.public_url, "http://example.com");
  c.listen = "nonsense";  // as --listen would set it
  EXPECT_THROW(validate_config(c), ConfigError);
}

// Every key the schema knows is documented in config/imhub.example.toml, every documented key
// is known, and the file with each "# key = value" line uncommented loads.
TEST(ConfigTest, TheExampleFileDocumentsEveryKey) {
  std::ifstream in(std::string(IMHUB_SOURCE_DIR) + "/config/imhub.example.toml");
  ASSERT_TRUE(in.good());
  const std::regex option(R"(^# ([a-z_]+) = (.*)$)"), header(R"(^\[([a-z_]+)\]$)");
  std::string line, section, uncommented;
  std::set<std::string> documented;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, header)) section = m[1];
    if (std::regex_match(line, m, option)) {
      documented.insert(section + "." + m[1].str());
      line = m[1].str() + " = " + m[2].str();
    }
    uncommented += line + "\n";
  }
  Config c;
  ConfigSchema schema;
  describe_config(schema, c);
  const std::vector<std::string> keys = schema.keys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), documented);
  EXPECT_NO_THROW(schema.load_text(uncommented));
}

}  // namespace
}  // namespace imhub
