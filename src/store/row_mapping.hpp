// One table of (column, field) per record type. The SELECT list and the reader come from the same
// table, so a column added or moved cannot shift the fields after it, as it could when every
// reader numbered its columns by hand. A record read after other columns (a join) starts at `at`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.hpp"

namespace imhub {

template <class T>
class RowMapping {
 public:
  // For a field stored in another form (JSON text, a list in one column): reads column `i` of `r`.
  using Convert = void (*)(T& out, const Row& r, size_t i);
  using Field = std::variant<int64_t T::*, int T::*, bool T::*, double T::*, std::string T::*,
                             std::optional<int64_t> T::*, Convert>;
  struct Column {
    std::string_view name;
    Field field;
  };

  RowMapping(std::initializer_list<Column> columns) : columns_(columns) {
    for (const Column& c : columns_) list_.append(list_.empty() ? "" : ", ").append(c.name);
  }

  // "a, b, c"; with an alias "m.a, m.b, m.c".
  const std::string& list() const { return list_; }
  std::string list(std::string_view alias) const {
    if (alias.empty()) return list_;
    std::string out;
    for (const Column& c : columns_) out.append(out.empty() ? "" : ", ").append(alias).append(".").append(c.name);
    return out;
  }
  // "SELECT a, b, c FROM table " (a WHERE or ORDER BY clause follows).
  std::string select(std::string_view table) const {
    return std::string("SELECT ").append(list_).append(" FROM ").append(table).append(" ");
  }
  size_t size() const { return columns_.size(); }

  T read(const Row& r, size_t at = 0) const {
    T out{};
    for (size_t i = 0; i < columns_.size(); ++i) std::visit(Setter{out, r, at + i}, columns_[i].field);
    return out;
  }

 private:
  struct Setter {
    T& out;
    const Row& r;
    size_t i;
    void operator()(int64_t T::*f) const { out.*f = r.i64(i); }
    void operator()(int T::*f) const { out.*f = static_cast<int>(r.i64(i)); }
    void operator()(bool T::*f) const { out.*f = r.i64(i) != 0; }
    void operator()(double T::*f) const { out.*f = r.f64(i); }
    void operator()(std::string T::*f) const { out.*f = r.str(i); }
    void operator()(std::optional<int64_t> T::*f) const { out.*f = r.opt_i64(i); }
    void operator()(Convert f) const { f(out, r, i); }
  };

  std::vector<Column> columns_;
  std::string list_;
};

}  // namespace imhub
