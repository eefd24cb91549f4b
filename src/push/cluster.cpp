#include "push/cluster.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <random>

#include "push/hub.hpp"

namespace imhub {
namespace {

// "M <mid> <expires> <channel>,<channel>…\n<frame text>", "R <user id>", and from one node about
// itself: "A <node> <mid> <after mid or ->" (a status frame's mid), "S <node> <user> <0|1>" (a
// user online there or not), "H <node> <user>,<user>…" (its heartbeat: everyone online there).
// Mids, node tokens and channel ids are digits and hex (push/channel.cpp), so spaces and commas
// separate them safely.
constexpr char kMessage = 'M';
constexpr char kReached = 'R';
constexpr char kAlias = 'A';
constexpr char kStatus = 'S';
constexpr char kHeartbeat = 'H';

std::string_view next_field(std::string_view& s, char sep) {
  const size_t at = s.find(sep);
  std::string_view field = s.substr(0, at);
  s.remove_prefix(at == std::string_view::npos ? s.size() : at + 1);
  return field;
}

bool parse_i64(std::string_view s, int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

std::string make_node_token() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> digits(0, 9999999999ULL);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llu", static_cast<unsigned long long>(digits(rd)));
  return buf;
}

std::string PushCluster::encode_message(const std::string& mid, const std::vector<std::string>& channels,
                                        int64_t expires, const std::string& text) {
  std::string out;
  size_t size = mid.size() + text.size() + 32;
  for (const auto& c : channels) size += c.size() + 1;
  out.reserve(size);
  out.push_back(kMessage);
  out.append(" ").append(mid).append(" ").append(std::to_string(expires)).append(" ");
  for (size_t i = 0; i < channels.size(); ++i) {
    if (i) out.push_back(',');
    out.append(channels[i]);
  }
  out.push_back('\n');
  out.append(text);
  return out;
}

std::string PushCluster::encode_reached(int64_t user_id) {
  return std::string(1, kReached) + " " + std::to_string(user_id);
}

PushCluster::PushCluster(PushHub& hub, std::unique_ptr<Broadcast> broadcast)
    : hub_(hub), broadcast_(std::move(broadcast)), token_(make_node_token()) {
  Broadcast* b = broadcast_.get();
  const std::string me = token_;
  PushRelay relay;
  relay.message = [b](const std::string& mid, const std::vector<std::string>& channels, int64_t expires,
                      const std::string& text) { b->send(encode_message(mid, channels, expires, text)); };
  relay.reached = [b](int64_t user_id) { b->send(encode_reached(user_id)); };
  relay.status_alias = [b, me](const std::string& mid, const std::string& after) {
    b->send(std::string(1, kAlias) + " " + me + " " + mid + " " + (after.empty() ? "-" : after));
  };
  relay.presence = [b, me](int64_t user_id, bool online) {
    b->send(std::string(1, kStatus) + " " + me + " " + std::to_string(user_id) + (online ? " 1" : " 0"));
  };
  hub_.set_relay(std::move(relay), token_);
}

PushCluster::~PushCluster() { stop(); }

void PushCluster::start() {
  broadcast_->start([this](std::string_view payload) { receive(payload); },
                    [] { spdlog::warn("push: messages from other nodes may have been missed (connection lost)"); });
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
}

void PushCluster::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  broadcast_->stop();
}

// Everyone online here, to every node, now and every kHeartbeatSeconds; nodes silent for longer
// than kSilentSeconds are forgotten.
void PushCluster::heartbeat_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    std::string beat = std::string(1, kHeartbeat) + " " + token_ + " ";
    const std::vector<int64_t> users = hub_.local_online_users();
    for (size_t i = 0; i < users.size(); ++i) {
      if (i) beat.push_back(',');
      beat.append(std::to_string(users[i]));
    }
    broadcast_->send(std::move(beat));
    hub_.forget_silent_nodes(static_cast<int64_t>(std::time(nullptr)) - kSilentSeconds);
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(kHeartbeatSeconds), [this] { return stopping_; });
  }
}

void PushCluster::receive(std::string_view payload) {
  if (payload.size() < 2 || payload[1] != ' ') return;
  const char kind = payload[0];
  payload.remove_prefix(2);
  if (kind == kReached) {
    int64_t user = 0;
    if (parse_i64(payload, user)) hub_.mark_reached(user);
    return;
  }
  if (kind == kAlias || kind == kStatus || kind == kHeartbeat) {
    const std::string_view node = next_field(payload, ' ');
    if (node.empty() || node == token_) return;  // this node's own: already applied here
    if (kind == kAlias) {
      const std::string_view mid = next_field(payload, ' ');
      if (!mid.empty() && !payload.empty())
        hub_.record_alias(std::string(mid), payload == "-" ? std::string() : std::string(payload));
    } else if (kind == kStatus) {
      int64_t user = 0;
      if (parse_i64(next_field(payload, ' '), user) && (payload == "0" || payload == "1"))
        hub_.remote_presence(std::string(node), user, payload == "1");
    } else {
      std::vector<int64_t> users;
      while (!payload.empty()) {
        int64_t user = 0;
        if (parse_i64(next_field(payload, ','), user)) users.push_back(user);
      }
      hub_.remote_snapshot(std::string(node), users);
    }
    return;
  }
  if (kind != kMessage) return;
  std::string_view head = next_field(payload, '\n');
  const std::string_view mid = next_field(head, ' ');
  int64_t expires = 0;
  if (mid.empty() || !parse_i64(next_field(head, ' '), expires)) return;
  std::vector<std::string> channels;
  while (!head.empty()) channels.emplace_back(next_field(head, ','));
  hub_.inject(std::string(mid), channels, expires, std::string(payload));
}

}  // namespace imhub
