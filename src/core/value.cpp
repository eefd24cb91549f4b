#include "core/value.hpp"

#include <charconv>
#include <cstdlib>

#include "core/strings.hpp"

namespace imhub {

Map::Map() = default;
Map::Map(Map&&) noexcept = default;
Map& Map::operator=(Map&&) noexcept = default;
Map::~Map() = default;

Map::Map(const Map& other)
    : keys_(other.keys_), values_(other.values_), next_index_(other.next_index_), object_(other.object_) {
  if (other.index_) rebuild_index();
}

Map& Map::operator=(const Map& other) {
  if (this != &other) {
    keys_ = other.keys_;
    values_ = other.values_;
    next_index_ = other.next_index_;
    object_ = other.object_;
    index_.reset();
    if (other.index_) rebuild_index();
  }
  return *this;
}

void Map::rebuild_index() {
  index_ = std::make_unique<std::unordered_map<std::string, size_t>>();
  index_->reserve(keys_.size() * 2);
  for (size_t i = 0; i < keys_.size(); ++i) index_->emplace(keys_[i], i);
}

const Value* Map::find(std::string_view key) const {
  if (index_) {
    auto it = index_->find(std::string(key));
    return it == index_->end() ? nullptr : &values_[it->second];
  }
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return &values_[i];
  return nullptr;
}

Value* Map::find(std::string_view key) { return const_cast<Value*>(static_cast<const Map*>(this)->find(key)); }

const Value* Map::find_ci(std::string_view key) const {
  if (const Value* exact = find(key)) return exact;
  for (size_t i = 0; i < keys_.size(); ++i)
    if (iequals(keys_[i], key)) return &values_[i];
  return nullptr;
}

void Map::note_key(const std::string& key, size_t pos) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
  if (ec == std::errc() && p == key.data() + key.size() && n >= next_index_) next_index_ = n + 1;
  if (index_) {
    index_->emplace(key, pos);
  } else if (keys_.size() > kIndexThreshold) {
    rebuild_index();
  }
}

Value& Map::operator[](std::string_view key) {
  if (Value* v = find(key)) return *v;
  keys_.emplace_back(key);
  values_.emplace_back();
  note_key(keys_.back(), keys_.size() - 1);
  return values_.back();
}

void Map::set(std::string_view key, Value v) { (*this)[key] = std::move(v); }

bool Map::erase(std::string_view key) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      keys_.erase(keys_.begin() + static_cast<ptrdiff_t>(i));
      values_.erase(values_.begin() + static_cast<ptrdiff_t>(i));
      if (index_) rebuild_index();
      return true;
    }
  }
  return false;
}

const Value& Map::value_at(size_t i) const { return values_[i]; }
Value& Map::value_at(size_t i) { return values_[i]; }

bool Map::is_sequential() const {
  if (keys_.empty()) return true;
  for (size_t i = 0; i < keys_.size(); ++i) {
    const std::string& k = keys_[i];
    int64_t n = -1;
    auto [p, ec] = std::from_chars(k.data(), k.data() + k.size(), n);
    if (ec != std::errc() || p != k.data() + k.size() || n != static_cast<int64_t>(i)) return false;
    if (k.size() > 1 && k[0] == '0') return false;
  }
  return true;
}

Value Value::empty_object() {
  Map m;
  m.set_object(true);
  return Value(std::move(m));
}

std::string Value::to_string() const {
  switch (kind()) {
    case Kind::kNull:
      return "";
    case Kind::kBool:
      return get_bool() ? "1" : "";
    case Kind::kInt:
      return std::to_string(get_int());
    case Kind::kDouble:
      return format_double(get_double());
    case Kind::kString:
      return get_string();
    default:
      return "Array";  // what PHP prints for an array in string context
  }
}

std::optional<int64_t> Value::to_int() const {
  switch (kind()) {
    case Kind::kInt:
      return get_int();
    case Kind::kBool:
      return get_bool() ? 1 : 0;
    case Kind::kDouble:
      return static_cast<int64_t>(get_double());
    case Kind::kString: {
      std::string_view s = trim(get_string());
      if (s.empty()) return std::nullopt;
      if (s.front() == '+') s.remove_prefix(1);
      int64_t n = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
      return n;
    }
    default:
      return std::nullopt;
  }
}

int64_t Value::to_int_or(int64_t fallback) const {
  if (auto strict = to_int()) return *strict;
  if (!is_string()) return fallback;
  std::string_view s = trim(get_string());
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return (ec == std::errc() && p != s.data()) ? n : fallback;
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::kNull:
      return false;
    case Kind::kBool:
      return get_bool();
    case Kind::kInt:
      return get_int() != 0;
    case Kind::kDouble:
      return get_double() != 0.0;
    case Kind::kString:
      return !get_string().empty() && get_string() != "0";
    default:
      return size() > 0;
  }
}

bool Value::is_yes() const {
  if (is_string()) return iequals(get_string(), "Y") || get_string() == "1" || iequals(get_string(), "true");
  if (is_bool() || is_int()) return truthy();
  return false;
}

Value& Value::operator[](std::string_view key) {
  if (is_null() || is_list()) {
    // A list being addressed by key turns into a map with its indices as keys (PHP arrays).
    Map m;
    if (is_list()) {
      List old = std::move(get_list());
      for (size_t i = 0; i < old.size(); ++i) m.set(std::to_string(i), std::move(old[i]));
    }
    v_ = std::move(m);
  }
  return get_map()[key];
}

const Value& Value::operator[](std::string_view key) const {
  const Value* v = find(key);
  return v ? *v : null_value();
}

const Value* Value::find(std::string_view key) const {
  if (is_map()) return get_map().find(key);
  if (is_list()) {
    int64_t n = -1;
    auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
    if (ec == std::errc() && p == key.data() + key.size() && n >= 0 && static_cast<size_t>(n) < get_list().size())
      return &get_list()[static_cast<size_t>(n)];
  }
  return nullptr;
}

const Value* Value::find_ci(std::string_view key) const {
  if (is_map()) return get_map().find_ci(key);
  return find(key);
}

void Value::push_back(Value v) {
  if (is_null()) v_ = List{};
  if (is_list()) {
    get_list().push_back(std::move(v));
  } else if (is_map()) {
    Map& m = get_map();
    m.set(std::to_string(m.next_index()), std::move(v));
  }
}

size_t Value::size() const {
  if (is_list()) return get_list().size();
  if (is_map()) return get_map().size();
  return 0;
}

std::vector<const Value*> Value::elements() const {
  std::vector<const Value*> out;
  if (is_list()) {
    for (const Value& v : get_list()) out.push_back(&v);
  } else if (is_map()) {
    const Map& m = get_map();
    for (size_t i = 0; i < m.size(); ++i) out.push_back(&m.value_at(i));
  }
  return out;
}

bool Value::operator==(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return get_bool() == other.get_bool();
    case Kind::kInt:
      return get_int() == other.get_int();
    case Kind::kDouble:
      return get_double() == other.get_double();
    case Kind::kString:
      return get_string() == other.get_string();
    case Kind::kList:
      return get_list() == other.get_list();
    case Kind::kMap: {
      const Map& a = get_map();
      const Map& b = other.get_map();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (a.key_at(i) != b.key_at(i) || a.value_at(i) != b.value_at(i)) return false;
      return true;
    }
  }
  return false;
}

const Value& Value::null_value() {
  static const Value kNull;
  return kNull;
}

}  // namespace imhub
