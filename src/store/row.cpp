#include <charconv>

#include "core/strings.hpp"
#include "store/store.hpp"

namespace imhub {

int64_t Row::i64(size_t i) const {
  const SqlValue& v = cols_[i];
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) {
    int64_t n = 0;
    std::from_chars(p->data(), p->data() + p->size(), n);
    return n;
  }
  return 0;
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

double Row::f64(size_t i) const {
  const SqlValue& v = cols_[i];
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

const std::string& Row::str(size_t i) const {
  const SqlValue& v = cols_[i];
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (rendered_.empty()) rendered_.resize(cols_.size());
  if (auto p = std::get_if<int64_t>(&v))
    rendered_[i] = std::to_string(*p);
  else if (auto p = std::get_if<double>(&v))
    rendered_[i] = format_double(*p);
  else
    rendered_[i].clear();
  return rendered_[i];
}

}  // namespace imhub
