// The one table of REST methods (style.md): name, scope, effect, handler, reference page.
// Dispatch, `methods`, `method.get`, `scope` and docs/api-coverage.md all read it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/caller.hpp"
#include "core/value.hpp"

namespace imhub {

struct Services;

// What a handler gets: the caller, the parameters with reserved ones removed, and the list
// offset (`start`, protocol.md §5.1; 0 when absent, -1 when the caller asked for no count).
struct MethodCall {
  const Caller& caller;
  const Value& params;
  int64_t start;
  Services& services;

  // Parameter by exact name, then case-insensitively (most methods upper-case their params).
  const Value& param(std::string_view name) const {
    const Value* v = params.find_ci(name);
    return v ? *v : Value::null_value();
  }
};

struct MethodResult {
  Value result;
  // The result already written as JSON, used instead of `result` when not empty: a handler that
  // assembles its answer from cached JSON fragments (im.recent.*) splices them into the envelope
  // instead of building a tree only to write it out again. XML and batch parse it back.
  std::string raw_result;
  std::optional<int64_t> next;
  std::optional<int64_t> total;

  MethodResult() = default;
  MethodResult(Value r) : result(std::move(r)) {}  // NOLINT: a bare value is the common case
};

using Handler = std::function<MethodResult(MethodCall&)>;

// kWrite methods run on the blocking pool, because they wait for the durable group commit.
enum class Effect { kRead, kWrite };

// Who may call a method beyond holding its scope. `methods` and `method.get` show a method only to
// the callers it admits; the handler itself refuses anyone else, with its own error, by asking
// `admits` too, so the listing and the refusal cannot disagree.
enum class Audience {
  kAnyone,          // whoever holds the scope
  kSessions,        // browser sessions only (imhub.messenger.*.auth: an app must not mint another's tokens)
  kAdministrators,  // an administrator as a person: a session or an administrator's webhook (imhub.console.*)
};
bool admits(Audience audience, const Caller& caller);

struct Method {
  std::string name;   // lower case
  std::string scope;  // "" = platform method, always available
  Effect effect = Effect::kRead;
  Handler handler;
  std::string doc;  // reference page, e.g. "api-reference/user/user-get.md"
  bool batchable = true;
  std::string note;  // shown in docs/api-coverage.md (what is partial, and why)
  // imhub's own method, in no Bitrix24 reference (imhub.console.*): docs/api-coverage.md lists it
  // apart, and `doc` names imhub's documentation instead of a reference page.
  bool extension = false;
  Audience audience = Audience::kAnyone;

  // `scope` may list alternatives ("user,user_basic"); a platform method belongs to none.
  bool in_scope(std::string_view s) const;
  // Holds the scope (what dispatch checks; the handler checks the audience with its own error).
  bool available_to(const Caller& caller) const;
  // Holds the scope and is of the audience: what `methods` and `method.get` call available.
  bool callable_by(const Caller& caller) const { return admits(audience, caller) && available_to(caller); }
};

class Registry {
 public:
  void add(Method m);
  // `name` must already be lower case.
  const Method* find(std::string_view name) const;
  const std::vector<Method>& all() const { return methods_; }
  std::vector<std::string> scopes() const;  // every scope some method needs, sorted

 private:
  std::vector<Method> methods_;
  std::unordered_map<std::string, size_t> index_;
};

// Fills the registry with every built method (src/api/*).
void register_all_methods(Registry& registry);

}  // namespace imhub
