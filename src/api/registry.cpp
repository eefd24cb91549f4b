#include "api/registry.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/strings.hpp"

namespace imhub {

bool Method::in_scope(std::string_view s) const {
  for (const std::string& part : split(scope, ','))
    if (part == s) return true;
  return false;
}

bool admits(Audience audience, const Caller& caller) {
  switch (audience) {
    case Audience::kAnyone:
      return true;
    case Audience::kSessions:
      return caller.kind == AuthKind::kSession;
    case Audience::kAdministrators:
      // An application's token speaks for its application, even one issued to an administrator.
      return (caller.kind == AuthKind::kSession || caller.kind == AuthKind::kWebhook) && caller.is_admin;
  }
  return false;
}

bool Method::available_to(const Caller& caller) const {
  if (scope.empty()) return true;
  for (const std::string& part : split(scope, ','))
    if (caller.has_scope(part)) return true;
  return false;
}

void Registry::add(Method m) {
  m.name = to_lower(m.name);
  if (index_.count(m.name)) throw std::logic_error("method registered twice: " + m.name);
  index_.emplace(m.name, methods_.size());
  methods_.push_back(std::move(m));
}

const Method* Registry::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &methods_[it->second];
}

std::vector<std::string> Registry::scopes() const {
  std::set<std::string> s;
  for (const Method& m : methods_)
    if (!m.scope.empty()) s.insert(m.scope);
  return {s.begin(), s.end()};
}

}  // namespace imhub
