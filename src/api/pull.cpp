// pull.* (scopes `pull` and `pull_channel`; protocol-push.md §2,
// settings/interactivity/push-and-pull/*): the config a PullClient connects with, an
// application's events to its frames, and public channel descriptors for client publishing.
// The push server itself is src/push and http/websocket.cpp.
#include <algorithm>
#include <regex>

#include "api/common.hpp"
#include "apps/application.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "notify/notification.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"
#include "push/jwt.hpp"
#include "push/watch.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {

namespace {

constexpr int kServerVersion = 5;  // JSON-RPC over WebSocket, JWT in the URL (§4.4)
constexpr int kRevisionWeb = 19;
constexpr int kRevisionMobile = 3;

PushHub& hub_of(const MethodCall& call) {
  if (!call.services.push) throw ApiError(errors::kPullNotConfigured);
  return *call.services.push;
}

// "ws://host/bitrix/subws/" from the public URL (wss:// behind https).
std::string url_on(const std::string& public_url, bool websocket, std::string_view path) {
  std::string base = public_url;
  if (websocket) {
    if (base.rfind("https://", 0) == 0)
      base = "wss://" + base.substr(8);
    else if (base.rfind("http://", 0) == 0)
      base = "ws://" + base.substr(7);
  }
  return base + std::string(path);
}

Value channel_descriptor(const std::string& id, const std::string& type, int64_t now) {
  return Value::object({{"id", Value(id)},
                        {"start", Value(atom_time(now))},
                        {"end", Value(atom_time(now + kChannelTtl))},
                        {"type", Value(type)}});
}

Value public_descriptor(std::string_view key, int64_t user_id, const std::string& type, int64_t now) {
  const std::string id = private_channel(key, user_id, type);
  return Value::object({{"user_id", Value(user_id)},
                        {"public_id", Value(id)},
                        {"signature", Value(public_signature(key, id))},
                        {"start", Value(atom_time(now))},
                        {"end", Value(atom_time(now + kChannelTtl))}});
}

// The config of §2.2 for `user_id` reading the channels of `type` (the user's own, or an
// application's client id). Version 5: no private channel, its id travels in the JWT.
Value push_config(const MethodCall& call, int64_t user_id, const std::string& type) {
  const PushHub& hub = hub_of(call);
  const std::string key = push_key(call.services.master_key);
  const int64_t now = now_unix_seconds();
  const std::string shared_type = type == kUserChannelType ? "shared" : type;
  const std::string mine = private_channel(key, user_id, type);
  const std::string shared = shared_channel(key, shared_type);
  PushToken token{call.services.domain(), user_id, {mine, shared}, type, now, now + kChannelTtl};
  const std::string& pub = call.services.config.public_url;
  const std::string ws = url_on(pub, true, kPushWebSocketPath);
  const std::string lp = url_on(pub, false, kPushLongPollingPath);
  const std::string jwt = make_push_jwt(key, token);
  // The publication URL carries the token: long polling posts `mack:` and its JSON-RPC calls
  // there with only the shared channel id in the query, and the answers go to this client's polls.
  const std::string publish = url_on(pub, false, kPushPublishPath) + jwt + "/";
  Value server = Value::object({{"version", Value(kServerVersion)},
                                {"server_enabled", Value(true)},
                                {"mode", Value("personal")},
                                {"hostname", Value(call.services.domain())},
                                {"long_polling", Value(lp)},
                                {"long_pooling_secure", Value(lp)},
                                {"websocket_enabled", Value(true)},
                                {"websocket", Value(ws)},
                                {"websocket_secure", Value(ws)},
                                {"publish_enabled", Value(true)},
                                {"publish", Value(publish)},
                                {"publish_secure", Value(publish)},
                                {"config_timestamp", Value(hub.started())}});
  Value channels = Value::map();
  channels["shared"] = channel_descriptor(sign_channel(key, shared), "shared", now);
  Value public_channels = Value::map();
  public_channels[std::to_string(user_id)] = public_descriptor(key, user_id, type, now);
  return Value::object(
      {{"server", std::move(server)},
       {"api", Value::object({{"revision_web", Value(kRevisionWeb)}, {"revision_mobile", Value(kRevisionMobile)}})},
       {"channels", std::move(channels)},
       {"publicChannels", std::move(public_channels)},
       {"jwt", Value(jwt)},
       {"exp", Value(token.expires)},
       {"serverTime", Value(atom_time(now))}});
}

MethodResult application_config_get(MethodCall& call) {
  if (call.caller.kind != AuthKind::kOAuth || call.caller.client_id.empty()) throw ApiError(errors::kPullAppAuthOnly);
  return push_config(call, call.caller.user_id, call.caller.client_id);
}

MethodResult config_get(MethodCall& call) {
  if (call.caller.kind == AuthKind::kOAuth) throw ApiError(errors::kPullSessionOnly);
  return push_config(call, call.caller.user_id, std::string(kUserChannelType));
}

// An array, or a JSON string of one (the SDK sends both forms); nullopt when neither.
std::optional<Value> array_param(const Value& v) {
  if (v.is_array()) return v;
  if (v.is_string()) {
    auto parsed = parse_json(v.get_string());
    if (parsed && parsed->is_array()) return parsed;
  }
  return std::nullopt;
}

bool matches(const std::string& s, const std::regex& re) { return !s.empty() && std::regex_match(s, re); }

// The addressed users of pull.application.event.add: an id or a list of ids.
std::vector<int64_t> target_users(const Value& v) {
  std::vector<int64_t> out;
  if (v.is_array()) {
    for (const Value* e : v.elements())
      if (auto id = e->to_int(); id && *id > 0) out.push_back(*id);
  } else if (auto id = v.to_int(); id && *id > 0) {
    out.push_back(*id);
  }
  return out;
}

MethodResult application_event_add(MethodCall& call) {
  if (call.caller.kind != AuthKind::kOAuth || call.caller.client_id.empty()) throw ApiError(errors::kPullAppAuthOnly);
  static const std::regex kCommand("[A-Za-z0-9_:|.\\-]+");
  static const std::regex kModule("[a-z0-9._]+");
  const Value& user_param = call.param("USER_ID");
  std::vector<int64_t> users;
  if (!user_param.is_null()) {
    users = target_users(user_param);
    const bool others = std::any_of(users.begin(), users.end(), [&](int64_t u) { return u != call.caller.user_id; });
    if (users.empty() || (others && !call.caller.is_admin)) throw ApiError(errors::kPullUserIdAccess);
  }
  const Value& module_param = call.param("MODULE_ID");
  const std::string module = module_param.is_null() ? "application" : module_param.to_string();
  if (!module_param.is_scalar() && !module_param.is_null()) throw ApiError(errors::kPullModuleId);
  if (!matches(module, kModule)) throw ApiError(errors::kPullModuleId);
  const Value& command_param = call.param("COMMAND");
  if (!command_param.is_scalar() || !matches(command_param.to_string(), kCommand)) throw ApiError(errors::kPullCommand);
  const Value& params_param = call.param("PARAMS");
  Value params = Value::empty_object();
  if (!params_param.is_null()) {
    auto parsed = params_param.is_string() && !params_param.get_string().empty() ? parse_json(params_param.get_string())
                                                                                 : std::optional<Value>(params_param);
    if (!parsed || !parsed->is_array()) throw ApiError(errors::kPullParams);
    params = std::move(*parsed);
    if (params.is_map()) params.get_map().set_object(true);
  }
  PushHub& hub = hub_of(call);
  const std::string key = push_key(call.services.master_key);
  PushMessage m;
  if (users.empty()) {
    m.channels.push_back(shared_channel(key, call.caller.client_id));
  } else {
    for (int64_t u : users) m.channels.push_back(private_channel(key, u, call.caller.client_id));
  }
  m.body = Value::object({{"module_id", Value(module)},
                          {"command", Value(command_param.to_string())},
                          {"params", std::move(params)},
                          {"extra", Value::empty_object()}});
  hub.publish(std::move(m));
  return Value(true);
}

// `users` of pull.channel.public.list: ids of existing users, in the given order.
std::vector<int64_t> known_users(const MethodCall& call, const std::vector<int64_t>& ids) {
  return call.services.store.read_with([&](Conn& c) {
    std::vector<int64_t> out;
    for (int64_t id : ids)
      if (find_user(c, id)) out.push_back(id);
    return out;
  });
}

// APPLICATION=Y selects the caller application's channel type.
std::string public_type(const MethodCall& call) {
  if (!call.param("APPLICATION").is_yes()) return std::string(kUserChannelType);
  if (call.caller.kind != AuthKind::kOAuth || call.caller.client_id.empty())
    throw ApiError(errors::kPullAppChannelAuth);
  return call.caller.client_id;
}

MethodResult channel_public_list(MethodCall& call) {
  hub_of(call);
  const auto list = array_param(call.param("USERS"));
  if (!list || list->size() == 0) throw ApiError(errors::kPullUsersFormat);
  std::vector<int64_t> ids;
  for (const Value* e : list->elements()) {
    auto id = e->to_int();
    if (!id || *id <= 0) throw ApiError(errors::kPullUsersFormat);
    ids.push_back(*id);
  }
  const std::string type = public_type(call);
  const std::string key = push_key(call.services.master_key);
  const int64_t now = now_unix_seconds();
  Value out = Value::empty_object();
  for (int64_t id : known_users(call, ids)) out[std::to_string(id)] = public_descriptor(key, id, type, now);
  return out;
}

MethodResult channel_public_get(MethodCall& call) {
  hub_of(call);
  const Value& p = call.param("USER_ID");
  const auto id = p.is_null() ? std::optional<int64_t>(call.caller.user_id) : p.to_int();
  if (!id || *id <= 0) throw ApiError(errors::kPullUserIdFormat);
  const std::string type = public_type(call);
  if (known_users(call, {*id}).empty()) return Value(false);
  return public_descriptor(push_key(call.services.master_key), *id, type, now_unix_seconds());
}

// --- pull.watch.extend (protocol-push.md §2.5)

constexpr size_t kMaxWatchTags = 200;  // tags looked at per call; the rest are answered false

// TAGS: a list, or the same as a JSON string.
Value watch_tags(const Value& param) {
  if (!param.is_string()) return param;
  auto parsed = parse_json(param.get_string());
  return parsed ? std::move(*parsed) : Value();
}

// Whether `user_id` may watch `tag`: only an open chat's tag (IM_PUBLIC_<chatId>) of a chat they
// may read (an open chat, or one they are in). Unknown tags are refused, so the client stops
// extending them.
bool may_watch(Conn& c, int64_t user_id, const std::string& tag) {
  const auto chat_id = public_chat_of(tag);
  if (!chat_id) return false;
  const auto chat = find_chat(c, *chat_id);
  return chat && can_read(c, *chat, user_id);
}

// Result: tag → whether it is watched now (an object, as Bitrix's tag watcher reads it).
MethodResult watch_extend(MethodCall& call) {
  if (!call.services.push_watch) throw ApiError(errors::kPullNotConfigured);
  PushWatch& watch = *call.services.push_watch;
  const Value tags = watch_tags(call.param("TAGS"));
  const int64_t user_id = call.caller.user_id;
  const int64_t now = now_unix_seconds();
  Value out = Value::empty_object();
  if (!tags.is_array()) return out;
  call.services.store.read([&](Conn& c) {
    size_t looked = 0;
    for (const Value* t : tags.elements()) {
      if (!t->is_scalar()) continue;
      const std::string tag = t->to_string();
      const bool granted = ++looked <= kMaxWatchTags && may_watch(c, user_id, tag);
      if (granted) watch.extend(user_id, tag, now);
      out[tag] = Value(granted);
    }
  });
  return out;
}

// pull.application.push.add (§2.7): imhub has no mobile push gateway, so the text becomes an
// ordinary system notification of each addressed user, titled with the application's name.
// AVATAR has nowhere to go and is ignored.
MethodResult application_push_add(MethodCall& call) {
  if (call.caller.kind != AuthKind::kOAuth || call.caller.client_id.empty()) throw ApiError(errors::kPullPushAuth);
  if (!call.caller.is_admin) throw ApiError(errors::kPullPushAccess);
  const std::string text(trim(call.param("TEXT").is_scalar() ? call.param("TEXT").to_string() : ""));
  if (text.empty()) throw ApiError(errors::kPullPushText);
  const auto app =
      call.services.store.read_with([&](Conn& c) { return find_app_by_client_id(c, call.caller.client_id); });
  if (!app || trim(app->name).empty()) throw ApiError(errors::kPullPushAppName);
  const std::vector<int64_t> users = target_users(call.param("USER_ID"));
  if (users.empty()) throw ApiError(errors::kPullUserIdFormat);
  std::vector<int64_t> known;
  for (int64_t u : users)
    if (call.services.users->find(u) && std::find(known.begin(), known.end(), u) == known.end()) known.push_back(u);
  if (known.empty()) return Value(true);
  write_tx(call, [&](Tx& tx) {
    for (int64_t u : known) {
      NewNotification n;
      n.user_id = u;
      n.type = NotifyType::kSystem;
      n.event = "rest_push";
      n.title = app->name;
      n.text = text;
      n.text_out = text;
      add_notification(tx, n);
    }
    return 0;
  });
  return Value(true);
}

// pull.api.user.getLastSeen (§2.8): seconds since each user was last connected to the push
// server (0 while connected); users never seen since the server started are left out.
MethodResult user_get_last_seen(MethodCall& call) {
  PushHub& hub = hub_of(call);
  const auto list = array_param(call.param("userIds"));
  if (!list || list->size() == 0) throw ApiError(errors::kPullUserIdsFormat);
  std::vector<int64_t> ids;
  for (const Value* e : list->elements()) {
    auto id = e->to_int();
    if (!id || *id <= 0) throw ApiError(errors::kPullUserIdsFormat);
    ids.push_back(*id);
  }
  Value out = Value::empty_object();
  for (const auto& [user, seconds] : hub.last_seen(ids)) out[std::to_string(user)] = Value(seconds);
  return out;
}

}  // namespace

void register_pull_methods(Registry& r) {
  const std::string folder = "settings/interactivity/push-and-pull/";
  MethodTable pull{r, "pull", folder};
  pull.add("pull.application.config.get", Effect::kRead, application_config_get, "pull-application-config-get.md");
  pull.add("pull.application.event.add", Effect::kRead, application_event_add, "pull-application-event-add.md");
  pull.add("pull.watch.extend", Effect::kRead, watch_extend, "");
  pull.add("pull.application.push.add", Effect::kWrite, application_push_add, "pull-application-push-add.md",
           "no mobile push gateway: each user gets a system notification titled with the application's name; "
           "AVATAR is ignored");
  MethodTable either{r, "pull,pull_channel", ""};
  either.add("pull.api.user.getLastSeen", Effect::kRead, user_get_last_seen, "",
             "seconds since the user's last push connection (0 while connected); presence is kept in memory");
  MethodTable channel{r, "pull_channel", folder};
  channel.add(
      "pull.config.get", Effect::kRead, config_get, "",
      "browser sessions (as on Bitrix24), live-chat visitors and webhooks; refused for OAuth (WRONG_AUTH_TYPE)");
  channel.add("pull.channel.public.list", Effect::kRead, channel_public_list, "");
  channel.add("pull.channel.public.get", Effect::kRead, channel_public_get, "");
}

}  // namespace imhub
