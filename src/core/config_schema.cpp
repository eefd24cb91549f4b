#include "core/config_schema.hpp"

#include <toml++/toml.h>
#include <algorithm>

namespace imhub {

class ConfigValue {
 public:
  explicit ConfigValue(const toml::node& n) : node(n) {}
  const toml::node& node;
};

void config_fail(const std::string& key, const std::string& why) { throw ConfigError("config: " + key + ": " + why); }

ConfigSection& ConfigSection::text(const std::string& key, std::string& dst) {
  keys_[key] = [&dst](const ConfigValue& v, const std::string& full) {
    if (!v.node.is_string()) config_fail(full, "expected a string");
    dst = *v.node.value<std::string>();
  };
  return *this;
}

ConfigSection& ConfigSection::flag(const std::string& key, bool& dst) {
  keys_[key] = [&dst](const ConfigValue& v, const std::string& full) {
    if (!v.node.is_boolean()) config_fail(full, "expected true or false");
    dst = *v.node.value<bool>();
  };
  return *this;
}

namespace {
int64_t integer_in(const ConfigValue& v, const std::string& full, int64_t lo, int64_t hi) {
  if (!v.node.is_integer()) config_fail(full, "expected an integer");
  const int64_t x = *v.node.value<int64_t>();
  if (x < lo || x > hi) config_fail(full, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return x;
}
}  // namespace

ConfigSection& ConfigSection::integer(const std::string& key, int& dst, int64_t lo, int64_t hi) {
  keys_[key] = [&dst, lo, hi](const ConfigValue& v, const std::string& full) {
    dst = static_cast<int>(integer_in(v, full, lo, hi));
  };
  return *this;
}

ConfigSection& ConfigSection::integer(const std::string& key, int64_t& dst, int64_t lo, int64_t hi) {
  keys_[key] = [&dst, lo, hi](const ConfigValue& v, const std::string& full) { dst = integer_in(v, full, lo, hi); };
  return *this;
}

ConfigSection& ConfigSection::number(const std::string& key, double& dst, double lo) {
  keys_[key] = [&dst, lo](const ConfigValue& v, const std::string& full) {
    if (!v.node.is_number()) config_fail(full, "expected a number");
    const double x = *v.node.value<double>();
    if (x < lo) config_fail(full, "must be at least " + std::to_string(lo));
    dst = x;
  };
  return *this;
}

ConfigSection& ConfigSection::rule(std::function<void()> check) {
  schema_.rules_.push_back(std::move(check));
  return *this;
}

ConfigSection& ConfigSchema::section(const std::string& name) {
  for (auto& s : sections_)
    if (s->name() == name) return *s;
  sections_.push_back(std::make_unique<ConfigSection>(*this, name));
  return *sections_.back();
}

void ConfigSchema::apply(const void* table) {
  for (const auto& [name, node] : *static_cast<const toml::table*>(table)) {
    const std::string section_name(name.str());
    const auto* keys = node.as_table();
    if (!keys) config_fail(section_name, "unknown key (options live in sections such as [server])");
    ConfigSection* section = nullptr;
    for (auto& s : sections_)
      if (s->name() == section_name) section = s.get();
    for (const auto& [key, value] : *keys) {
      const std::string full = section_name + "." + std::string(key.str());
      if (!section) config_fail(full, "unknown key");
      const auto it = section->keys_.find(std::string(key.str()));
      if (it == section->keys_.end()) config_fail(full, "unknown key");
      it->second(ConfigValue(value), full);
    }
  }
}

void ConfigSchema::load_file(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError("config: " + path + ": " + std::string(e.description()));
  }
  apply(&root);
}

void ConfigSchema::load_text(const std::string& text) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    throw ConfigError("config: " + std::string(e.description()));
  }
  apply(&root);
}

std::vector<std::string> ConfigSchema::keys() const {
  std::vector<std::string> out;
  for (const auto& s : sections_)
    for (const auto& [key, setter] : s->keys_) out.push_back(s->name() + "." + key);
  std::sort(out.begin(), out.end());
  return out;
}

void ConfigSchema::check() const {
  for (const auto& r : rules_) r();
}

}  // namespace imhub
