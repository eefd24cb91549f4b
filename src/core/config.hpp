// Server configuration: one TOML file plus command-line overrides. Every option has a default
// here and a line in config/imhub.example.toml; its key, type, range and rules are described by
// its subsystem (<subsystem>/*_config.cpp, put together in app_config.cpp). The values live in
// this one plain struct so that every layer can read its own without including a higher one.
#pragma once

#include <cstdint>
#include <string>

namespace imhub {

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";
  std::string public_url;         // default: "http://" + listen
  int threads = 0;                // io threads; 0 = one per core
  int workers = 8;                // threads for blocking work of writing methods (file writes with fsync)
  int64_t body_limit = 32 << 20;  // bytes
  int header_timeout = 10;        // seconds to receive a complete request header
  int body_timeout = 60;          // seconds to receive the body
  int idle_timeout = 65;          // seconds a keep-alive connection may sit idle
  int max_connections = 10000;
  // Bodies up to this size are read before the request is authenticated (OAuth SDKs may send
  // `auth` in the body); larger ones need credentials in the request line or headers first.
  int64_t preauth_body_limit = 1 << 20;
  // Bytes of request bodies held at once across all connections; over it: 503 and Retry-After.
  int64_t body_memory_limit = int64_t{512} << 20;
  // Largest file disk.folder.uploadfile accepts (Bitrix24: 100 MB for chat files). Upload
  // requests may exceed body_limit by what base64 and multipart framing add to this.
  int64_t max_upload_bytes = int64_t{100} << 20;
  // [tls]
  bool tls_enabled = false;
  std::string tls_cert;
  std::string tls_key;
  // HTTPS address served beside the plain one: HOST:PORT; "off"; or "auto", which the [tls] rule
  // turns into the listen host at the listen port + 363 (8443 beside 8080), served only when that
  // port is free, and into "" when tls.enabled makes the listen address itself speak HTTPS.
  std::string tls_listen = "auto";
  bool tls_listen_optional = false;  // derived: tls_listen came from "auto" (a taken port only warns)
  // [metrics] /metrics on its own address (then not on the API listener), and/or behind a token.
  std::string metrics_listen;
  std::string metrics_token;  // "Authorization: Bearer <token>" required when set
  // [files] signed download links (/disk/download, /disk/show) stop working after this many
  // seconds; every read of a message or file view signs a fresh one.
  int64_t files_link_ttl = 86400;
  // [limits] request parameter limits (rest/decode)
  int max_depth = 32;
  int max_keys = 10000;
  int max_key_bytes = 1024;
  // [rate_limit] leaky bucket per webhook / application (protocol.md §6.1)
  bool rate_limit_enabled = false;
  double rate_limit_rate = 2.0;  // requests drained per second
  double rate_limit_burst = 50;  // bucket size
  // [operating_limit] per-method execution-time budget (protocol.md §6.2)
  bool operating_limit_enabled = false;
  double operating_limit_seconds = 420;
  double operating_limit_record_threshold = 0.1;  // calls up to this long are not counted
  // [store]
  std::string store_synchronous = "full";  // "full" or "normal"
  int store_read_connections = 8;
  // /healthz answers 503 when the data directory's file system has less free space than this.
  int64_t store_min_free_bytes = int64_t{64} << 20;
  // Memory (MiB) the recent list's item cache may hold (views/recent_fragments.hpp); 0 turns it off.
  int64_t store_recent_cache_mb = 128;
  // [url_preview] link previews of messages (URL_PREVIEW=Y)
  bool url_preview_enabled = true;
  bool url_preview_allow_private = false;  // fetch loopback / private / link-local addresses too
  int url_preview_connect_timeout = 5;     // seconds
  int url_preview_timeout = 10;            // seconds for the whole transfer
  int64_t url_preview_max_bytes = 1 << 20;
  int url_preview_max_redirects = 3;
  int64_t url_preview_cache_seconds = 86400;  // a fetched preview is reused this long
  int url_preview_workers = 2;
  // [bots] chatbots (imbot.*)
  int bots_max_per_app = 5;  // bots one application (or one webhook CLIENT_ID) may register; 0 = no limit
  // [events] delivery of events to application and bot handlers (events/delivery_worker)
  bool events_enabled = true;
  int events_concurrency = 128;             // requests in flight across all handlers
  int events_per_handler_concurrency = 16;  // requests in flight to one handler URL
  double events_connect_timeout = 5;        // seconds
  double events_timeout = 15;               // seconds for a whole request
  int64_t events_max_response_bytes = 64 * 1024;
  double events_retry_base = 1;            // seconds before the first retry; doubles per failure
  double events_retry_max = 300;           // cap of the doubling, seconds
  int64_t events_expire_after = 86400;     // seconds from enqueue until a failing event is given up
  double events_drain_timeout = 5;         // seconds a stop waits for requests in flight
  bool events_signature = false;           // X-Imhub-Signature header
  bool events_delivery_id_header = false;  // X-Imhub-Delivery-Id header
  std::string events_user_agent = "Bitrix24 Webhook Engine";
  // Handlers at loopback / private / link-local addresses: refused unless this is on, except
  // loopback for handlers an administrator or the CLI registered (events/handler_policy.hpp).
  bool events_allow_private = false;
  int events_log_per_handler = 100;         // deliveries kept per handler in the delivery log; 0 = none
  int64_t events_log_request_bytes = 4096;  // of each logged request, bytes kept (redacted); 0 = none
  // [push] the realtime Push & Pull server (src/push, http/websocket)
  bool push_enabled = true;
  int64_t push_expiry = 86400;               // seconds a message is kept for a reconnecting client
  int push_max_per_channel = 1000;           // messages kept per channel
  int push_ping_interval = 10;               // seconds between the server's `ping` frames
  int64_t push_max_frame_bytes = 64 * 1024;  // largest frame a client may send
  int push_max_client_messages = 100;        // frames a client may send per 10 s
  int push_send_queue = 1000;                // frames queued to one slow connection before it is closed
  int push_long_polling_timeout = 40;        // seconds a long poll waits before answering 304
  // [auth] browser sign-in (users/session.hpp, users/login_throttle.hpp)
  int64_t auth_session_idle_timeout = 14 * 86400;  // seconds a session lives after its last use
  int64_t auth_session_lifetime = 30 * 86400;      // seconds a session lives after sign-in, used or not
  int auth_login_failures_per_user = 5;            // failed sign-ins per user per window
  int auth_login_failures_per_address = 20;        // failed sign-ins per client address per window
  int64_t auth_login_window = 300;                 // seconds
  // [livechat] the website live chat's guards (rest/livechat_authenticator, rest/livechat_gate)
  int livechat_auth_failures = 3;          // failed visitor credentials per address before LIVECHAT_AUTH_BLOCKED
  int64_t livechat_block_seconds = 600;    // the window those failures are counted in (and the block lasts)
  int livechat_registers_per_minute = 10;  // widget.user.register calls per address per minute
  int livechat_messages_per_minute = 60;   // visitors' im.message.add calls per address per minute
  // [web] the browser client (http/web_client): the directory `npm run build` wrote in web/ (web/dist).
  // "" looks for it beside the binary (../web/dist, ../share/imhub/web); "off" serves none.
  std::string web_root;
  // [chat_apps] Chat apps (imbot.app.*): IFRAME must be https unless this allows http (a test or LAN setup).
  bool chat_apps_allow_http_iframe = false;
  // [giphy] imbot.Giphy.* go to this Giphy-compatible API (GET <base_url>/search and /trending).
  std::string giphy_base_url = "https://api.giphy.com/v1/gifs";
  std::string giphy_api_key;      // empty: the methods answer LICENSE_NOT_FOUND
  int giphy_connect_timeout = 5;  // seconds
  int giphy_timeout = 10;         // seconds for the whole request
  std::string giphy_rating = "g";
  // [log]
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  bool access_log = true;
};

}  // namespace imhub
