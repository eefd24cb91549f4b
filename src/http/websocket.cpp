#include "http/websocket.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>

#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/form.hpp"
#include "core/json.hpp"
#include "http/push_origin.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"
#include "push/jwt.hpp"
#include "rest/decode.hpp"

namespace imhub {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
template <class T = void>
using awaitable = asio::awaitable<T, PushExecutor>;

namespace {

constexpr asio::use_awaitable_t<PushExecutor> use_aw;
constexpr auto kTick = std::chrono::milliseconds(500);  // how often the writer looks at pings and stop()
constexpr int kRateWindowSeconds = 10;
// Close codes (protocol-push.md §6.2): the client reloads its config after 4010.
constexpr uint16_t kWrongChannel = 4010;

// One query parameter, URL-decoded ("" when absent).
std::string query_param(std::string_view query, std::string_view name) {
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

// A JSON-RPC answer to the client's request `id`.
std::string rpc_result(const Value& id, Value result) {
  return to_json(Value::object({{"jsonrpc", Value("2.0")}, {"id", id}, {"result", std::move(result)}}));
}
std::string rpc_error(const Value& id, int code, std::string_view message) {
  return to_json(Value::object({{"jsonrpc", Value("2.0")},
                                {"id", id},
                                {"error", Value::object({{"code", Value(code)}, {"message", Value(message)}})}}));
}

// One subscribed connection: frames from the hub are posted to its home thread and written in
// order by its writer; nothing here ever blocks a publisher.
class PushConnection : public PushSubscriber, public std::enable_shared_from_this<PushConnection> {
 public:
  PushConnection(PushExecutor home, size_t queue_limit) : home_(home), wake_(home), queue_limit_(queue_limit) {}

  void deliver(PushFrame frame) override {
    asio::post(home_, [weak = weak_from_this(), frame = std::move(frame)]() mutable {
      if (auto self = weak.lock()) self->enqueue(std::move(frame), true);
    });
  }

  // On the home thread. Live frames past the limit close the socket (the client catches up on
  // reconnect); catch-up and answers are never refused.
  void enqueue(PushFrame frame, bool live) {
    if (close_code_) return;
    if (live && queue_.size() >= queue_limit_) {
      queue_.clear();
      close(1013, "send queue overflow");
      return;
    }
    queue_.push_back(std::move(frame));
    wake_.cancel();
  }
  void enqueue_text(std::string text) { enqueue(std::make_shared<const std::string>(std::move(text)), false); }
  void close(uint16_t code, std::string reason) {
    if (close_code_) return;
    close_code_ = code;
    close_reason_ = std::move(reason);
    wake_.cancel();
  }

  std::deque<PushFrame> queue_;
  PushExecutor home_;
  asio::steady_timer wake_;
  size_t queue_limit_;
  uint16_t close_code_ = 0;
  std::string close_reason_;
  bool reader_done_ = false;
  bool writer_done_ = false;
};

class PushSession {
 public:
  PushSession(Services& services, const PushToken& token) : services_(services), hub_(*services.push), token_(token) {}

  // The client's JSON-RPC request (or batch); the answer text, "" for none.
  std::string answer(std::string_view text) {
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

 private:
  std::string answer_one(const Value& r) {
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
      std::vector<int64_t> ids;
      for (const Value* v : params["userList"].elements())
        if (auto n = v->to_int()) ids.push_back(*n);
      result = Value::empty_object();
      for (const auto& [user, seconds] : hub_.last_seen(ids)) result[std::to_string(user)] = Value(seconds);
    } else if (method == "publish") {
      std::string error = publish(params);
      if (!error.empty()) return id.is_null() ? "" : rpc_error(id, -32602, error);
      result = Value(true);
    } else if (method == "subscribeStatusChange" || method == "unsubscribeStatusChange") {
      result = Value(true);  // accepted; status changes are not published yet
    } else {
      return id.is_null() ? "" : rpc_error(id, -32601, "Method not found");
    }
    return id.is_null() ? "" : rpc_result(id, std::move(result));
  }

  // A client-to-client message (§8): to users' channels of the sender's own type, or to public
  // ids whose signature checks out. Receivers see extra.sender.type = 1.
  std::string publish(const Value& params) {
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

  Services& services_;
  PushHub& hub_;
  const PushToken& token_;
};

template <class WS>
awaitable<> write_loop(WS& ws, std::shared_ptr<PushConnection> conn, const std::atomic<bool>& stopping,
                       int ping_seconds) {
  beast::error_code ec;
  auto next_ping = std::chrono::steady_clock::now() + std::chrono::seconds(ping_seconds);
  while (!conn->reader_done_) {
    if (stopping && !conn->close_code_) conn->close(websocket::close_code::going_away, "server stopping");
    if (conn->close_code_) {
      ws.text(true);
      co_await ws.async_close(
          websocket::close_reason(static_cast<websocket::close_code>(conn->close_code_), conn->close_reason_),
          asio::redirect_error(use_aw, ec));
      break;
    }
    if (conn->queue_.empty()) {
      if (std::chrono::steady_clock::now() >= next_ping) {
        conn->queue_.push_back(std::make_shared<const std::string>("ping"));
        next_ping = std::chrono::steady_clock::now() + std::chrono::seconds(ping_seconds);
        continue;
      }
      conn->wake_.expires_after(kTick);
      co_await conn->wake_.async_wait(asio::redirect_error(use_aw, ec));
      continue;
    }
    PushFrame frame = std::move(conn->queue_.front());
    conn->queue_.pop_front();
    ws.text(true);
    co_await ws.async_write(asio::buffer(*frame), asio::redirect_error(use_aw, ec));
    if (ec) break;
  }
  conn->writer_done_ = true;
  conn->wake_.cancel();
}

template <class Stream>
awaitable<> serve(Stream& stream, PushRequest request, Services& services, const std::atomic<bool>& stopping) {
  const Config& config = services.config;
  if (co_await refused_cross_origin(stream, request, config)) co_return;  // session cookie, foreign page
  websocket::stream<Stream&> ws(stream);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(config.push_ping_interval * 3);  // the client pongs every ping
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.read_message_max(static_cast<size_t>(config.push_max_frame_bytes));
  std::string_view path, query;
  const std::string target(request.target());
  split_target(target, path, query);
  const std::string token_text = query_param(query, "token");
  const std::string mid = query_param(query, "mid");
  const std::string key = push_key(services.master_key);
  const auto token = verify_push_jwt(key, token_text, now_unix_seconds());
  beast::error_code ec;
  co_await ws.async_accept(request, asio::redirect_error(use_aw, ec));
  if (ec) co_return;
  if (!token) {
    co_await ws.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(kWrongChannel), "Wrong channel id"),
        asio::redirect_error(use_aw, ec));
    co_return;
  }
  PushHub& hub = *services.push;
  auto conn = std::make_shared<PushConnection>(ws.get_executor(), static_cast<size_t>(config.push_send_queue));
  for (auto& frame : hub.subscribe(token->channels, conn, mid)) conn->enqueue(std::move(frame), false);
  hub.seen(token->user_id, true);
  asio::co_spawn(ws.get_executor(), write_loop(ws, conn, stopping, config.push_ping_interval), asio::detached);

  PushSession session(services, *token);
  beast::flat_buffer buffer;
  int64_t window_start = now_unix_seconds();
  int in_window = 0;
  while (!conn->writer_done_) {
    buffer.clear();
    co_await ws.async_read(buffer, asio::redirect_error(use_aw, ec));
    if (ec) break;
    if (now_unix_seconds() - window_start >= kRateWindowSeconds) {
      window_start = now_unix_seconds();
      in_window = 0;
    }
    if (++in_window > config.push_max_client_messages) {
      conn->close(websocket::close_code::policy_error, "too many messages");
      continue;  // the writer closes; this read ends with the close handshake
    }
    const std::string text = beast::buffers_to_string(buffer.data());
    if (text == "pong" || text.rfind("mack:", 0) == 0) continue;  // liveness and acks (§4.4)
    std::string reply = session.answer(text);
    if (!reply.empty()) conn->enqueue_text(std::move(reply));
  }
  conn->reader_done_ = true;
  conn->wake_.cancel();
  hub.unsubscribe(token->channels, conn.get());
  hub.seen(token->user_id, false);
  // The writer holds `ws`, which lives in this frame: wait until it has let go.
  asio::steady_timer wait(ws.get_executor());
  while (!conn->writer_done_) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::redirect_error(use_aw, ec));
  }
}

}  // namespace

bool is_push_upgrade(const Services& services, std::string_view path, const PushRequest& request) {
  static const std::string kPath = normalize_path(kPushWebSocketPath);
  return services.push && path == kPath && websocket::is_upgrade(request);
}

awaitable<> serve_push_socket(PushSocket& socket, PushRequest request, Services& services,
                              const std::atomic<bool>& stopping) {
  return serve(socket, std::move(request), services, stopping);
}

awaitable<> serve_push_socket(beast::ssl_stream<PushSocket&>& socket, PushRequest request, Services& services,
                              const std::atomic<bool>& stopping) {
  return serve(socket, std::move(request), services, stopping);
}

}  // namespace imhub
