#include "push/hub.hpp"

#include <algorithm>
#include <cstdio>

#include "core/clock.hpp"
#include "core/json.hpp"

namespace imhub {

namespace {
constexpr int kRevisionWeb = 19;  // PULL_REVISION_WEB; the SDK turns itself off on any other value
constexpr int kRevisionMobile = 3;

// `extra` as the pull module completes it (protocol-push.md §5.1); keys already set are kept.
void complete_extra(Value& body, const std::string& server_name) {
  Value& extra = body["extra"];
  if (!extra.is_map()) extra = Value::map();
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
}  // namespace

PushHub::PushHub(PushHubOptions options) : options_(std::move(options)), started_(static_cast<int64_t>(now_unix())) {}

std::string PushHub::make_mid(uint64_t seq) const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%010lld%016llu", static_cast<long long>(started_ % 10000000000LL),
                static_cast<unsigned long long>(seq));
  return buf;
}

uint64_t PushHub::parse_mid(std::string_view mid) const {
  if (mid.size() != 26 || !std::all_of(mid.begin(), mid.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  if (mid.substr(0, 10) != make_mid(0).substr(0, 10)) return 0;
  return std::stoull(std::string(mid.substr(10)));
}

void PushHub::trim(Channel& ch, int64_t now) const {
  while (!ch.log.empty() && (ch.log.front().expires <= now || ch.log.size() > options_.max_per_channel))
    ch.log.pop_front();
}

void PushHub::publish(PushMessage message) {
  if (message.channels.empty()) return;
  complete_extra(message.body, options_.server_name);
  const int64_t expiry = message.expiry > 0 ? message.expiry : options_.default_expiry;
  const int64_t now = static_cast<int64_t>(now_unix());
  std::lock_guard lock(mu_);
  const uint64_t seq = ++seq_;
  Value params = Value::object({{"mid", Value(make_mid(seq))},
                                {"body", std::move(message.body)},
                                {"sender", Value::object({{"type", Value(static_cast<int>(message.sender))},
                                                          {"id", Value(message.sender_id)}})}});
  const Value rpc =
      Value::object({{"jsonrpc", Value("2.0")}, {"method", Value("incoming.message")}, {"params", std::move(params)}});
  auto frame = std::make_shared<const std::string>(to_json(rpc));
  ++published_;
  std::sort(message.channels.begin(), message.channels.end());
  message.channels.erase(std::unique(message.channels.begin(), message.channels.end()), message.channels.end());
  std::set<PushSubscriber*> done;  // a connection on two of the channels gets the message once
  for (const auto& id : message.channels) {
    Channel& ch = channels_[id];
    ch.log.push_back({seq, now + expiry, frame});
    trim(ch, now);
    for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
      auto s = it->lock();
      if (!s) {
        it = ch.subscribers.erase(it);
        continue;
      }
      if (done.insert(s.get()).second) {
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
  const uint64_t after = parse_mid(last_mid);
  if (after == 0) return {};
  std::lock_guard lock(mu_);
  return since_locked(channels, after, static_cast<int64_t>(now_unix()));
}

std::vector<PushFrame> PushHub::subscribe(const std::vector<std::string>& channels,
                                          const std::shared_ptr<PushSubscriber>& s, std::string_view last_mid) {
  const uint64_t after = parse_mid(last_mid);
  std::lock_guard lock(mu_);
  for (const auto& id : channels) channels_[id].subscribers.push_back(s);
  ++connections_;
  if (after == 0) return {};
  auto out = since_locked(channels, after, static_cast<int64_t>(now_unix()));
  catch_up_ += out.size();
  frames_ += out.size();
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

void PushHub::seen(int64_t user_id, bool connected) {
  std::lock_guard lock(mu_);
  auto& [open, last] = presence_[user_id];
  open = std::max(0, open + (connected ? 1 : -1));
  last = static_cast<int64_t>(now_unix());
}

std::map<int64_t, int64_t> PushHub::last_seen(const std::vector<int64_t>& user_ids) const {
  const int64_t now = static_cast<int64_t>(now_unix());
  std::lock_guard lock(mu_);
  std::map<int64_t, int64_t> out;
  for (int64_t id : user_ids) {
    auto it = presence_.find(id);
    if (it == presence_.end()) continue;
    out[id] = it->second.first > 0 ? 0 : std::max<int64_t>(0, now - it->second.second);
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
  return s;
}

}  // namespace imhub
