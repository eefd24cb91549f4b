#include "push/hub.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "core/clock.hpp"
#include "core/json.hpp"

namespace imhub {

namespace {
constexpr int kRevisionWeb = 19;  // PULL_REVISION_WEB; the SDK turns itself off on any other value
constexpr int kRevisionMobile = 3;
// Relayed mids remembered for catch-up, at most (beyond their expiry they are dropped anyway).
constexpr size_t kMaxRelayedMids = 200000;
// With a relay, the mid before any message (a long poll's Last-Message-Id on a fresh node).
constexpr std::string_view kNoMid = "00000000000000000000000000";

// What the pull module adds to `extra` (protocol-push.md §5.1); keys already set are kept.
void add_pull_extra(Value& extra, const std::string& server_name) {
  const double now = now_unix();
  auto set = [&](std::string_view k, Value v) {
    if (!extra.find(k)) extra[k] = std::move(v);
  };
  set("server_time", Value(atom_time(static_cast<int64_t>(now))));
  set("server_time_unix", Value(now));
  set("server_name", Value(server_name));
  set("revision_web", Value(kRevisionWeb));
  set("revision_mobile", Value(kRevisionMobile));
}

void complete_extra(Value& body, const std::string& server_name) {
  Value& extra = body["extra"];
  if (!extra.is_map()) extra = Value::map();
  add_pull_extra(extra, server_name);
}

// The same members as text to append inside a serialized `extra` that has none of them:
// `,"server_time":…,"revision_mobile":3`.
std::string pull_extra_members(const std::string& server_name) {
  Value extra = Value::map();
  add_pull_extra(extra, server_name);
  std::string text = to_json(extra);  // {…}
  text.front() = ',';
  text.pop_back();
  return text;
}

// RFC 6455 section 5.2: FIN and the text opcode, then the payload length in 7, 7+16 or 7+64 bits;
// no mask from a server.
void set_ws_header(PushFrameData& f) {
  const uint64_t n = f.text.size();
  auto& h = f.ws_header;
  h[0] = 0x81;
  if (n < 126) {
    h[1] = static_cast<uint8_t>(n);
    f.ws_header_size = 2;
  } else if (n < 65536) {
    h[1] = 126;
    h[2] = static_cast<uint8_t>(n >> 8);
    h[3] = static_cast<uint8_t>(n);
    f.ws_header_size = 4;
  } else {
    h[1] = 127;
    for (int i = 0; i < 8; ++i) h[2 + i] = static_cast<uint8_t>(n >> (56 - 8 * i));
    f.ws_header_size = 10;
  }
}

// The JSON-RPC `incoming.message` of §4.4 with `mid`: the text to_json() makes of {jsonrpc, method,
// params: {mid, body, sender}}, joined from its parts. `body` may end in a serialized `extra` still
// missing `extra_members` (inserted before its last two braces).
std::string frame_text(std::string_view mid, std::string_view body, std::string_view extra_members,
                       std::string_view sender) {
  static constexpr std::string_view kHead = R"({"jsonrpc":"2.0","method":"incoming.message","params":{"mid":")";
  static constexpr std::string_view kBody = R"(","body":)";
  static constexpr std::string_view kSender = R"(,"sender":)";
  const std::string_view body_end = extra_members.empty() ? std::string_view() : body.substr(body.size() - 2);
  if (!extra_members.empty()) body.remove_suffix(2);
  std::string text;
  text.reserve(kHead.size() + mid.size() + kBody.size() + body.size() + extra_members.size() + body_end.size() +
               kSender.size() + sender.size() + 2);
  text.append(kHead).append(mid).append(kBody).append(body).append(extra_members).append(body_end);
  text.append(kSender).append(sender).append("}}");
  return text;
}

}  // namespace

PushFrame make_push_frame(std::string text, std::chrono::steady_clock::time_point published, std::string mid) {
  auto f = std::make_shared<PushFrameData>(PushFrameData{std::move(text), published, std::move(mid), {}, 0});
  set_ws_header(*f);
  return f;
}

PushHub::PushHub(PushHubOptions options) : options_(std::move(options)), started_(static_cast<int64_t>(now_unix())) {}

std::string PushHub::make_mid(uint64_t seq) const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%010lld%016llu", static_cast<long long>(started_ % 10000000000LL),
                static_cast<unsigned long long>(seq));
  return buf;
}

std::optional<uint64_t> PushHub::parse_mid(std::string_view mid) const {
  if (mid.size() != 26 || !std::all_of(mid.begin(), mid.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  if (mid.substr(0, 10) != make_mid(0).substr(0, 10)) return std::nullopt;
  return std::stoull(std::string(mid.substr(10)));
}

std::string PushHub::last_mid() const {
  std::lock_guard lock(mu_);
  if (relay_.message) return last_frame_mid_.empty() ? std::string(kNoMid) : last_frame_mid_;
  return make_mid(seq_);
}

void PushHub::set_relay(PushRelay relay, std::string node_token) {
  relay_ = std::move(relay);
  node_token_ = std::move(node_token);
}

std::string PushHub::origin_mid() {
  char counter[20];
  std::snprintf(counter, sizeof counter, "%016llu", static_cast<unsigned long long>(++origin_seq_));
  return node_token_ + counter;
}

void PushHub::remember_mid_locked(const std::string& mid, uint64_t seq, int64_t expires, int64_t now) {
  relayed_[mid] = seq;
  relayed_order_.emplace_back(expires, mid);
  while (!relayed_order_.empty() && (relayed_order_.front().first <= now || relayed_order_.size() > kMaxRelayedMids)) {
    relayed_.erase(relayed_order_.front().second);
    relayed_order_.pop_front();
  }
}

void PushHub::record_alias(const std::string& mid, const std::string& after) {
  std::lock_guard lock(mu_);
  uint64_t seq = 0;  // no relayed message before it: catch up from the start
  if (!after.empty()) {
    auto it = relayed_.find(after);
    if (it == relayed_.end()) return;  // this node never held it (started later)
    seq = it->second;
  }
  const int64_t now = static_cast<int64_t>(now_unix());
  remember_mid_locked(mid, seq, now + options_.default_expiry, now);
}

std::optional<uint64_t> PushHub::parse_relayed_mid_locked(std::string_view mid) const {
  if (mid == kNoMid) return 0;
  auto it = relayed_.find(std::string(mid));
  if (it == relayed_.end()) return std::nullopt;
  return it->second;
}

// The frame of the next sequence number (text joined, not serialized, under the lock).
PushFrame PushHub::frame_locked(std::string_view body, std::string_view extra_members, std::string_view sender) {
  ++seq_;
  std::string mid;
  if (relay_.message) {
    // A frame of this node only (a status change): a mid of this node's own, told to the others.
    mid = origin_mid();
    const int64_t now = static_cast<int64_t>(now_unix());
    remember_mid_locked(mid, seq_, now + options_.default_expiry, now);
    if (relay_.status_alias) relay_.status_alias(mid, last_relayed_mid_);
  } else {
    mid = make_mid(seq_);
  }
  last_frame_mid_ = mid;
  std::string text = frame_text(mid, body, extra_members, sender);  // before `mid` is moved
  return make_push_frame(std::move(text), std::chrono::steady_clock::now(), std::move(mid));
}

void PushHub::trim(Channel& ch, int64_t now) const {
  while (!ch.log.empty() && (ch.log.front().expires <= now || ch.log.size() > options_.max_per_channel))
    ch.log.pop_front();
}

void PushHub::publish(PushMessage message) {
  if (message.channels.empty()) return;
  // Everything that serializes happens before the lock.
  std::string body, extra_members;
  if (message.body_json.size() >= 2) {
    body = std::move(message.body_json);
    extra_members = pull_extra_members(options_.server_name);
  } else {
    complete_extra(message.body, options_.server_name);
    body = to_json(message.body);
  }
  const std::string sender = to_json(
      Value::object({{"type", Value(static_cast<int>(message.sender))}, {"id", Value(std::move(message.sender_id))}}));
  const int64_t expiry = message.expiry > 0 ? message.expiry : options_.default_expiry;
  const int64_t now = static_cast<int64_t>(now_unix());
  if (message.channels.size() > 1) {
    std::sort(message.channels.begin(), message.channels.end());
    message.channels.erase(std::unique(message.channels.begin(), message.channels.end()), message.channels.end());
  }
  if (relay_.message) {
    const std::string mid = origin_mid();
    relay_.message(mid, message.channels, now + expiry, frame_text(mid, body, extra_members, sender));
    return;
  }
  std::lock_guard lock(mu_);
  PushFrame frame = frame_locked(body, extra_members, sender);
  ++published_;
  store_and_deliver_locked(message.channels, seq_, now + expiry, frame, now);
}

void PushHub::inject(const std::string& mid, const std::vector<std::string>& channels, int64_t expires,
                     std::string text) {
  if (channels.empty()) return;
  const int64_t now = static_cast<int64_t>(now_unix());
  PushFrame frame = make_push_frame(std::move(text), std::chrono::steady_clock::now(), mid);
  std::lock_guard lock(mu_);
  const uint64_t seq = ++seq_;
  ++published_;
  relayed_[mid] = seq;
  relayed_order_.emplace_back(expires, mid);
  while (!relayed_order_.empty() && (relayed_order_.front().first <= now || relayed_order_.size() > kMaxRelayedMids)) {
    relayed_.erase(relayed_order_.front().second);
    relayed_order_.pop_front();
  }
  last_relayed_mid_ = mid;
  last_frame_mid_ = mid;
  store_and_deliver_locked(channels, seq, expires, frame, now);
}

void PushHub::store_and_deliver_locked(const std::vector<std::string>& channels, uint64_t seq, int64_t expires,
                                       const PushFrame& frame, int64_t now) {
  for (const auto& id : channels) {
    Channel& ch = channels_[id];
    ch.log.push_back({seq, expires, frame});
    trim(ch, now);
    for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
      auto s = it->lock();
      if (!s) {
        it = ch.subscribers.erase(it);
        continue;
      }
      // A connection on two of the channels gets the message once.
      if (s->delivered_seq_ != seq) {
        s->delivered_seq_ = seq;
        s->deliver(frame);
        ++frames_;
      }
      ++it;
    }
  }
}

std::vector<PushFrame> PushHub::since_locked(const std::vector<std::string>& channels, uint64_t after, int64_t now) {
  std::vector<const Stored*> found;
  for (const auto& id : channels) {
    auto it = channels_.find(id);
    if (it == channels_.end()) continue;
    trim(it->second, now);
    for (const auto& m : it->second.log)
      if (m.seq > after && m.expires > now) found.push_back(&m);
  }
  std::sort(found.begin(), found.end(), [](const Stored* a, const Stored* b) { return a->seq < b->seq; });
  std::vector<PushFrame> out;
  for (size_t i = 0; i < found.size(); ++i)
    if (i == 0 || found[i]->seq != found[i - 1]->seq) out.push_back(found[i]->frame);
  return out;
}

std::vector<PushFrame> PushHub::since(const std::vector<std::string>& channels, std::string_view last_mid) {
  std::lock_guard lock(mu_);
  const auto after = relay_.message ? parse_relayed_mid_locked(last_mid) : parse_mid(last_mid);
  if (!after) return {};
  return since_locked(channels, *after, static_cast<int64_t>(now_unix()));
}

std::vector<PushFrame> PushHub::subscribe(const std::vector<std::string>& channels,
                                          const std::shared_ptr<PushSubscriber>& s, std::string_view last_mid,
                                          int64_t user_id) {
  // Before the subscription: a message the im push skips for this user was committed before the
  // mark, so before this connection existed; it would not have been caught up either. Other nodes
  // learn of the mark through the relay, a round trip later (docs/postgresql.md "Several nodes").
  if (user_id > 0) {
    bool first = false;
    {
      std::unique_lock reached(reached_mu_);
      first = reached_.insert(user_id).second;
    }
    if (first && relay_.reached) relay_.reached(user_id);
  }
  std::lock_guard lock(mu_);
  const auto after = relay_.message ? parse_relayed_mid_locked(last_mid) : parse_mid(last_mid);
  for (const auto& id : channels) channels_[id].subscribers.push_back(s);
  ++connections_;
  if (!after) return {};
  auto out = since_locked(channels, *after, static_cast<int64_t>(now_unix()));
  catch_up_ += out.size();
  frames_ += out.size();
  counters_.catch_ups.fetch_add(1, std::memory_order_relaxed);
  counters_.catch_up_frames.fetch_add(out.size(), std::memory_order_relaxed);
  return out;
}

void PushHub::unsubscribe(const std::vector<std::string>& channels, const PushSubscriber* s) {
  std::lock_guard lock(mu_);
  for (const auto& id : channels) {
    auto it = channels_.find(id);
    if (it == channels_.end()) continue;
    auto& subs = it->second.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [s](const std::weak_ptr<PushSubscriber>& w) {
                                auto p = w.lock();
                                return !p || p.get() == s;
                              }),
               subs.end());
    if (subs.empty() && it->second.log.empty()) channels_.erase(it);
  }
  if (connections_ > 0) --connections_;
}

void PushHub::mark_reached(int64_t user_id) {
  std::unique_lock reached(reached_mu_);
  reached_.insert(user_id);
}

bool PushHub::may_reach_user(int64_t user_id) const {
  std::shared_lock reached(reached_mu_);
  return reached_.contains(user_id);
}

bool PushHub::may_reach_any(const std::vector<int64_t>& user_ids) const {
  std::shared_lock reached(reached_mu_);
  for (int64_t id : user_ids)
    if (reached_.contains(id)) return true;
  return false;
}

bool PushHub::online_locked(int64_t user_id) const {
  auto p = presence_.find(user_id);
  if (p != presence_.end() && p->second.first > 0) return true;
  auto r = remote_online_.find(user_id);
  return r != remote_online_.end() && r->second > 0;
}

void PushHub::seen(int64_t user_id, bool connected) {
  std::lock_guard lock(mu_);
  const bool was_online = online_locked(user_id);
  auto& [open, last] = presence_[user_id];
  const bool was_here = open > 0;
  open = std::max(0, open + (connected ? 1 : -1));
  last = static_cast<int64_t>(now_unix());
  if (was_here != (open > 0) && relay_.presence) relay_.presence(user_id, open > 0);
  if (was_online != online_locked(user_id)) tell_status_locked(user_id, !was_online);
}

void PushHub::set_remote_locked(const std::string& node, int64_t user_id, bool online, int64_t now) {
  RemoteNode& n = remote_nodes_[node];
  if (n.online.contains(user_id) == online) return;
  const bool was_online = online_locked(user_id);
  if (online) {
    n.online.insert(user_id);
    ++remote_online_[user_id];
  } else {
    n.online.erase(user_id);
    if (--remote_online_[user_id] <= 0) remote_online_.erase(user_id);
  }
  presence_[user_id].second = now;  // seen now, on that node
  if (was_online != online_locked(user_id)) tell_status_locked(user_id, !was_online);
}

void PushHub::remote_presence(const std::string& node, int64_t user_id, bool online) {
  std::lock_guard lock(mu_);
  const int64_t now = static_cast<int64_t>(now_unix());
  remote_nodes_[node].heard = now;
  set_remote_locked(node, user_id, online, now);
}

void PushHub::remote_snapshot(const std::string& node, const std::vector<int64_t>& online_users) {
  std::lock_guard lock(mu_);
  const int64_t now = static_cast<int64_t>(now_unix());
  RemoteNode& n = remote_nodes_[node];
  n.heard = now;
  const std::unordered_set<int64_t> listed(online_users.begin(), online_users.end());
  std::vector<int64_t> gone;
  for (int64_t user : n.online)
    if (!listed.contains(user)) gone.push_back(user);
  for (int64_t user : gone) set_remote_locked(node, user, false, now);
  for (int64_t user : listed) set_remote_locked(node, user, true, now);
}

void PushHub::forget_silent_nodes(int64_t before) {
  std::lock_guard lock(mu_);
  const int64_t now = static_cast<int64_t>(now_unix());
  for (auto it = remote_nodes_.begin(); it != remote_nodes_.end();) {
    if (it->second.heard >= before) {
      ++it;
      continue;
    }
    const std::vector<int64_t> users(it->second.online.begin(), it->second.online.end());
    for (int64_t user : users) set_remote_locked(it->first, user, false, now);
    it = remote_nodes_.erase(it);
  }
}

std::vector<int64_t> PushHub::local_online_users() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [user, p] : presence_)
    if (p.first > 0) out.push_back(user);
  return out;
}

void PushHub::present_until(int64_t user_id, int64_t until) {
  std::lock_guard lock(mu_);
  presence_[user_id].second = until;
}

// `online`/`userStatusChange` (§5.4) to whoever watches `user_id`. It gets a mid like any message
// (the client stores the mid of each frame it reads) but is kept nowhere: a status is news only
// while it is fresh.
void PushHub::tell_status_locked(int64_t user_id, bool online) {
  auto it = status_watchers_.find(user_id);
  if (it == status_watchers_.end()) return;
  Value body = Value::object({{"module_id", Value("online")},
                              {"command", Value("userStatusChange")},
                              {"params", Value::object({{"user_id", Value(user_id)}, {"online", Value(online)}})}});
  complete_extra(body, options_.server_name);
  const PushFrame frame = frame_locked(to_json(body), "", R"({"type":2,"id":""})");
  auto& subs = it->second;
  for (auto w = subs.begin(); w != subs.end();) {
    if (auto s = w->lock()) {
      s->deliver(frame);
      ++frames_;
      ++w;
    } else {
      w = subs.erase(w);
    }
  }
  if (subs.empty()) status_watchers_.erase(it);
}

void PushHub::watch_status(int64_t user_id, const std::shared_ptr<PushSubscriber>& s) {
  std::lock_guard lock(mu_);
  auto& subs = status_watchers_[user_id];
  for (const auto& w : subs)
    if (w.lock() == s) return;
  subs.push_back(s);
}

void PushHub::unwatch_status(int64_t user_id, const PushSubscriber* s) {
  std::lock_guard lock(mu_);
  auto it = status_watchers_.find(user_id);
  if (it == status_watchers_.end()) return;
  auto& subs = it->second;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [s](const std::weak_ptr<PushSubscriber>& w) {
                              auto p = w.lock();
                              return !p || p.get() == s;
                            }),
             subs.end());
  if (subs.empty()) status_watchers_.erase(it);
}

std::map<int64_t, int64_t> PushHub::last_seen(const std::vector<int64_t>& user_ids) const {
  const int64_t now = static_cast<int64_t>(now_unix());
  std::lock_guard lock(mu_);
  std::map<int64_t, int64_t> out;
  for (int64_t id : user_ids) {
    auto it = presence_.find(id);
    if (it == presence_.end()) continue;
    out[id] = online_locked(id) ? 0 : std::max<int64_t>(0, now - it->second.second);
  }
  return out;
}

PushStats PushHub::stats() const {
  std::lock_guard lock(mu_);
  PushStats s;
  s.connections = connections_;
  s.channels = channels_.size();
  for (const auto& [id, ch] : channels_) s.stored += ch.log.size();
  s.published = published_;
  s.frames = frames_;
  s.catch_up = catch_up_;
  for (const auto& [user, subs] : status_watchers_) s.status_watchers += subs.size();
  return s;
}

}  // namespace imhub
