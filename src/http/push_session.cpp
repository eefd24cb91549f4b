#include "http/push_session.hpp"

#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/form.hpp"
#include "core/json.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"

namespace imhub {

namespace {

constexpr size_t kMaxUsersPerCall = 1000;   // userList of getUsersLastSeen
constexpr size_t kMaxStatusWatches = 1000;  // subscribeStatusChange per client

std::string rpc_result(const Value& id, Value result) {
  return to_json(Value::object({{"jsonrpc", Value("2.0")}, {"id", id}, {"result", std::move(result)}}));
}
std::string rpc_error(const Value& id, int code, std::string_view message) {
  return to_json(Value::object({{"jsonrpc", Value("2.0")},
                                {"id", id},
                                {"error", Value::object({{"code", Value(code)}, {"message", Value(message)}})}}));
}

// Positive user ids of `v`: one id or a list of them; nullopt when anything else is there.
std::optional<std::vector<int64_t>> user_ids(const Value& v) {
  std::vector<int64_t> out;
  if (v.is_array()) {
    for (const Value* e : v.elements()) {
      auto id = e->to_int();
      if (!id || *id <= 0) return std::nullopt;
      out.push_back(*id);
    }
  } else if (auto id = v.to_int(); id && *id > 0) {
    out.push_back(*id);
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string push_query_param(std::string_view query, std::string_view name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return "";
}

std::optional<PushToken> push_token(const Services& services, std::string_view token_text) {
  return verify_push_jwt(push_key(services.master_key), token_text, now_unix_seconds());
}

PushRpc::PushRpc(Services& services, PushToken token, std::weak_ptr<PushSubscriber> me)
    : services_(services), hub_(*services.push), token_(std::move(token)), me_(std::move(me)) {}

PushRpc::~PushRpc() {
  if (auto me = me_.lock())
    for (int64_t user : watched_) hub_.unwatch_status(user, me.get());
}

std::string PushRpc::answer(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed) return rpc_error(Value(), -32700, "Parse error");
  if (parsed->is_list()) {
    std::string out = "[";
    for (const Value* r : parsed->elements()) {
      const std::string one = answer_one(*r);
      if (one.empty()) continue;
      out += (out.size() > 1 ? "," : "") + one;
    }
    return out.size() > 1 ? out + "]" : "";
  }
  return answer_one(*parsed);
}

std::string PushRpc::answer_one(const Value& r) {
  const Value& id = r["id"];
  if (!r.is_map() || !r["method"].is_string()) return rpc_error(id, -32600, "Invalid Request");
  const std::string& method = r["method"].get_string();
  const Value& params = r["params"];
  Value result;
  if (method == "ping") {
    result = Value("pong");
  } else if (method == "listChannels") {
    Value list = Value::list();
    for (const auto& c : token_.channels) list.push_back(Value::object({{"id", Value(c)}}));
    result = Value::object({{"channels", std::move(list)}});
  } else if (method == "getUsersLastSeen") {
    auto ids = user_ids(params["userList"]);
    if (!ids || ids->size() > kMaxUsersPerCall)
      return id.is_null() ? "" : rpc_error(id, -32602, "userList must be a list of user ids");
    result = Value::empty_object();
    for (const auto& [user, seconds] : hub_.last_seen(*ids)) result[std::to_string(user)] = Value(seconds);
  } else if (method == "publish") {
    std::string error = publish(params);
    if (!error.empty()) return id.is_null() ? "" : rpc_error(id, -32602, error);
    result = Value(true);
  } else if (method == "subscribeStatusChange" || method == "unsubscribeStatusChange") {
    std::string error = status_subscription(params, method == "subscribeStatusChange");
    if (!error.empty()) return id.is_null() ? "" : rpc_error(id, -32602, error);
    result = Value(true);
  } else {
    return id.is_null() ? "" : rpc_error(id, -32601, "Method not found");
  }
  return id.is_null() ? "" : rpc_result(id, std::move(result));
}

// `{userId}` (the SDK's form) or `{userList}`: this client gets `online`/`userStatusChange` when
// those users come online or go offline (§5.4).
std::string PushRpc::status_subscription(const Value& params, bool on) {
  const Value& given = params["userId"].is_null() ? params["userList"] : params["userId"];
  auto ids = user_ids(given);
  if (!ids) return "userId must be a user id";
  auto me = me_.lock();
  if (!me) return "status changes are not available on this connection";
  for (int64_t user : *ids) {
    if (on) {
      if (!watched_.count(user) && watched_.size() >= kMaxStatusWatches) return "too many status subscriptions";
      watched_.insert(user);
      hub_.watch_status(user, me);
    } else {
      watched_.erase(user);
      hub_.unwatch_status(user, me.get());
    }
  }
  return "";
}

// A client-to-client message (§8): to users' channels of the sender's own type, or to public
// ids whose signature checks out. Receivers see extra.sender.type = 1.
std::string PushRpc::publish(const Value& params) {
  const Value& body = params["body"];
  if (!body.is_map() || !body["module_id"].is_string() || !body["command"].is_string()) return "body is required";
  const std::string key = push_key(services_.master_key);
  PushMessage m;
  for (const Value* u : params["userList"].elements())
    if (auto id = u->to_int(); id && *id > 0) m.channels.push_back(private_channel(key, *id, token_.type));
  for (const Value* c : params["channelList"].elements()) {
    std::string id, signature;
    if (c->is_map()) {
      id = (*c)["publicId"].to_string();
      signature = (*c)["signature"].to_string();
    } else {
      const std::string s = c->to_string();
      const auto dot = s.find('.');
      id = s.substr(0, dot);
      if (dot != std::string::npos) signature = s.substr(dot + 1);
    }
    if (id.empty() || !constant_time_equals(public_signature(key, id), signature)) return "wrong channel signature";
    m.channels.push_back(id);
  }
  if (m.channels.empty()) return "no receivers";
  m.body = body;
  m.expiry = params["expiry"].to_int_or(0);
  m.sender = PushSender::kClient;
  m.sender_id = private_channel(key, token_.user_id, token_.type);
  hub_.publish(std::move(m));
  return "";
}

}  // namespace imhub
