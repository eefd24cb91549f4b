// A WHERE clause assembled from whitelisted column names and $N-bound values, so list methods
// can combine filters without ever putting caller input into SQL text.
#pragma once

#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

class SqlWhere {
 public:
  // Binds `v` and returns its placeholder ("$3").
  std::string bind(SqlValue v) {
    args_.push_back(std::move(v));
    return "$" + std::to_string(args_.size());
  }
  void add(std::string condition) { conds_.push_back(std::move(condition)); }
  // " WHERE a AND b", or "" when nothing was added.
  std::string sql() const {
    std::string out;
    for (const auto& c : conds_) out += (out.empty() ? " WHERE " : " AND ") + ("(" + c + ")");
    return out;
  }
  const SqlArgs& args() const { return args_; }

 private:
  std::vector<std::string> conds_;
  SqlArgs args_;
};

// `%`, `_` and `\` made literal for LIKE ... ESCAPE '\'.
inline std::string like_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace imhub
