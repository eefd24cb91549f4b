// `batch`: up to 50 sub-calls in one request, run in order under the caller's credentials
// (protocol.md §4). The outer call always succeeds; failures land in `result_error`.
#include "rest/batch.hpp"

#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "rest/batch_refs.hpp"
#include "rest/decode.hpp"
#include "rest/dispatcher.hpp"

namespace imhub {
namespace {

constexpr size_t kBatchMaxLength = 50;

void strip_reserved(Value& params, int64_t& start) {
  if (!params.is_map()) return;
  Map& m = params.get_map();
  if (const Value* s = m.find("start")) start = s->to_int_or(0);
  for (const char* key : {"start", "auth", "access_token", "aplogin", "ap", "state", "livechat_auth_id"}) m.erase(key);
}

MethodResult batch(MethodCall& call) {
  const Value& cmd = call.param("cmd");
  const bool halt = call.param("halt").truthy();
  BatchState state;
  Dispatcher& dispatcher = *call.services.dispatcher;
  DecodeLimits limits{static_cast<size_t>(call.services.config.max_depth),
                      static_cast<size_t>(call.services.config.max_keys),
                      static_cast<size_t>(call.services.config.max_key_bytes)};

  std::vector<std::pair<std::string, const Value*>> commands;
  if (cmd.is_map()) {
    const Map& m = cmd.get_map();
    for (size_t i = 0; i < m.size(); ++i) commands.emplace_back(m.key_at(i), &m.value_at(i));
  } else if (cmd.is_list()) {
    const List& l = cmd.get_list();
    for (size_t i = 0; i < l.size(); ++i) commands.emplace_back(std::to_string(i), &l[i]);
  }

  size_t executed = 0;
  for (const auto& [key, command] : commands) {
    if (!command->is_string()) continue;  // non-string entries are skipped silently
    if (executed++ >= kBatchMaxLength) {
      state.result_error[key] = error_body(ApiError(errors::kBatchLengthExceeded));
      continue;
    }
    const std::string& text = command->get_string();
    size_t q = text.find('?');
    std::string name = to_lower(trim(text.substr(0, q)));
    while (!name.empty() && name.front() == '/') name.erase(name.begin());
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) name.resize(name.size() - 5);
    std::optional<ApiError> failure;
    CallOutcome out;
    const Method* method = call.services.registry.find(name);
    if (!method) {
      failure = ApiError(errors::kMethodNotFound);
    } else if (!method->batchable || name == "batch") {
      failure = ApiError(errors::kBatchMethodNotAllowed);
    } else {
      try {
        Value params = Value::map();
        size_t keys = 0;
        if (q != std::string::npos) parse_query_into(std::string_view(text).substr(q + 1), params, limits, keys);
        substitute_batch_refs(params, state);
        int64_t start = 0;
        strip_reserved(params, start);
        out = dispatcher.invoke(call.caller, *method, params, start, true);
        failure = out.error;
      } catch (const ApiError& e) {
        failure = e;
      }
    }
    if (failure) {
      state.result_error[key] = error_body(*failure);
      if (halt) break;
      continue;
    }
    state.result[key] = result_value(std::move(out.value.result), out.value.raw_result);
    if (out.value.total) state.result_total[key] = *out.value.total;
    if (out.value.next) state.result_next[key] = *out.value.next;
    state.result_time[key] = time_block(out.timing);
  }

  Value result = Value::map();
  result["result"] = state.result;
  result["result_error"] = state.result_error;
  result["result_total"] = state.result_total;
  result["result_next"] = state.result_next;
  result["result_time"] = state.result_time;
  return result;
}

}  // namespace

void register_rest_methods(Registry& r) {
  register_all_methods(r);
  Method m{
      .name = "batch", .effect = Effect::kWrite, .handler = batch, .doc = "settings/how-to-call-rest-api/batch.md"};
  m.batchable = false;
  r.add(std::move(m));
}

}  // namespace imhub
