// The configuration file's schema, put together from the sections the subsystems describe
// (http/server_config, push/push_config, ...): each section names its keys, their types and
// ranges, and the rules that tie its keys together, beside the code that reads them. The
// values land in core/config.hpp's Config, which every layer may read without reaching up.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace imhub {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ConfigError("config: <key>: <why>").
[[noreturn]] void config_fail(const std::string& key, const std::string& why);

class ConfigValue;  // a TOML value; only config_schema.cpp sees the TOML library
class ConfigSchema;

class ConfigSection {
 public:
  using Setter = std::function<void(const ConfigValue&, const std::string& key)>;

  ConfigSection(ConfigSchema& schema, std::string name) : schema_(schema), name_(std::move(name)) {}
  ConfigSection& text(const std::string& key, std::string& dst);
  ConfigSection& flag(const std::string& key, bool& dst);
  ConfigSection& integer(const std::string& key, int& dst, int64_t lo, int64_t hi);
  ConfigSection& integer(const std::string& key, int64_t& dst, int64_t lo, int64_t hi);
  ConfigSection& number(const std::string& key, double& dst, double lo);
  // A rule over the values, run after the file and the command line are applied; rules run in
  // the order they were described (a rule may rely on an earlier one having run).
  ConfigSection& rule(std::function<void()> check);

  const std::string& name() const { return name_; }

 private:
  friend class ConfigSchema;
  ConfigSchema& schema_;
  std::string name_;
  std::map<std::string, Setter> keys_;
};

class ConfigSchema {
 public:
  // The section [name], created on first use.
  ConfigSection& section(const std::string& name);
  // Applies a TOML file: an unknown section or key, or a value of the wrong type or out of
  // range, throws ConfigError naming the key.
  void load_file(const std::string& path);
  // The same for TOML text (tests).
  void load_text(const std::string& toml);
  // Runs every rule, in the order they were described.
  void check() const;
  // Every key as "section.key", sorted.
  std::vector<std::string> keys() const;

 private:
  friend class ConfigSection;
  void apply(const void* table);
  std::vector<std::unique_ptr<ConfigSection>> sections_;
  std::vector<std::function<void()>> rules_;
};

}  // namespace imhub
