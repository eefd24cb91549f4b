// Value: the one dynamic tree used for request parameters and method results.
//
// It mirrors PHP arrays, because that is what the Bitrix24 wire format is made of:
// a Map keeps insertion order, and a Map whose keys are exactly "0".."n-1" is written
// as a JSON list, an empty Map as `[]` (protocol.md §2.1). A List is always a JSON list.
// Scalars keep their JSON types when they came from JSON; form input is all strings.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace imhub {

class Value;

// Ordered string-keyed map. Lookups are linear for small maps; a hash index is built once a
// map grows past kIndexThreshold so that decoding 10,000 keys stays linear overall.
class Map {
 public:
  Map();
  Map(const Map& other);
  Map(Map&&) noexcept;
  Map& operator=(const Map& other);
  Map& operator=(Map&&) noexcept;
  ~Map();

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Case-insensitive (ASCII) lookup: most im/imbot methods upper-case parameter names.
  const Value* find_ci(std::string_view key) const;
  // Inserts a null value when absent; returns the slot.
  Value& operator[](std::string_view key);
  void set(std::string_view key, Value v);
  bool erase(std::string_view key);
  // The next integer key PHP would use for `a[]=` (max integer key + 1).
  int64_t next_index() const { return next_index_; }

  const std::string& key_at(size_t i) const { return keys_[i]; }
  const Value& value_at(size_t i) const;
  Value& value_at(size_t i);
  // True when keys are "0".."n-1" in order: written as a JSON list.
  bool is_sequential() const;
  // A map that is always written as a JSON object, even when empty (`{}`): what PHP emits for
  // objects rather than arrays (e.g. the date objects of user.get).
  bool is_object() const { return object_; }
  void set_object(bool object) { object_ = object; }

 private:
  static constexpr size_t kIndexThreshold = 16;
  void note_key(const std::string& key, size_t pos);
  void rebuild_index();

  std::vector<std::string> keys_;
  std::vector<Value> values_;
  std::unique_ptr<std::unordered_map<std::string, size_t>> index_;
  int64_t next_index_ = 0;
  bool object_ = false;
};

using List = std::vector<Value>;

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kList, kMap };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(int64_t{i}) {}
  Value(int64_t i) : v_(i) {}
  Value(uint32_t i) : v_(int64_t{i}) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(List l) : v_(std::move(l)) {}
  Value(Map m) : v_(std::move(m)) {}

  static Value map() { return Value(Map{}); }
  static Value list() { return Value(List{}); }
  // Written as `{}` when empty (see Map::is_object).
  static Value empty_object();
  // {"k": v, ...} in the given order. The braced list binds to an array of pairs, whose values
  // (unlike an initializer_list's, which are const) are moved into the map, not copied: a value
  // built by nesting Value::object calls is copied nowhere.
  template <size_t N>
  static Value object(std::pair<std::string_view, Value> (&&items)[N]) {
    Value v = Value::map();
    for (auto& [k, val] : items) v[k] = std::move(val);
    return v;
  }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_array() const { return is_list() || is_map(); }  // PHP's notion of "array"
  bool is_scalar() const { return !is_array() && !is_null(); }

  bool get_bool() const { return std::get<bool>(v_); }
  int64_t get_int() const { return std::get<int64_t>(v_); }
  double get_double() const { return std::get<double>(v_); }
  const std::string& get_string() const { return std::get<std::string>(v_); }
  const List& get_list() const { return std::get<List>(v_); }
  List& get_list() { return std::get<List>(v_); }
  const Map& get_map() const { return std::get<Map>(v_); }
  Map& get_map() { return std::get<Map>(v_); }

  // PHP-style conversions used when reading parameters.
  std::string to_string() const;              // null → "", true → "1", false → ""
  std::optional<int64_t> to_int() const;      // strict: "12" → 12, "12a"/"" → nullopt
  int64_t to_int_or(int64_t fallback) const;  // lenient (PHP intval-like): leading digits
  bool truthy() const;                        // PHP (bool) cast
  // "Y"/"N" flags as im methods read them (case-insensitive "Y", true, 1).
  bool is_yes() const;

  // Map access. operator[] turns a null into an empty Map first.
  Value& operator[](std::string_view key);
  const Value& operator[](std::string_view key) const;  // null Value when absent
  const Value* find(std::string_view key) const;
  const Value* find_ci(std::string_view key) const;
  // List append; a null becomes an empty List first, a Map gets the next integer key.
  void push_back(Value v);

  size_t size() const;  // number of elements of a list/map, 0 otherwise
  // Elements of a list, or the values of a map in order (PHP foreach).
  std::vector<const Value*> elements() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  static const Value& null_value();

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> v_;
};

}  // namespace imhub
