#include "app.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>

#include "app_config.hpp"
#include "apps/oauth_server.hpp"
#include "bots/bot_feed.hpp"
#include "core/clock.hpp"
#include "disk/blob_sweep.hpp"
#include "disk/files_config.hpp"
#include "events/delivery_worker.hpp"
#include "http/fd_limit.hpp"
#include "http/local_ca.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/web_client.hpp"
#include "im/chat_roster.hpp"
#include "openlines/openlines_feed.hpp"
#include "openlines/openlines_stats.hpp"
#include "openlines/session_timers.hpp"
#include "ops/metrics.hpp"
#include "previews/url_preview.hpp"
#include "push/channel.hpp"
#include "push/cluster.hpp"
#include "push/hub.hpp"
#include "push/im_push.hpp"
#include "push/push_metrics.hpp"
#include "push/watch.hpp"
#include "rest/auth.hpp"
#include "rest/batch.hpp"
#include "rest/dispatcher.hpp"
#include "store/postgres/pg_broadcast.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "users/master_key.hpp"
#include "users/portal.hpp"
#include "users/user_cache.hpp"
#include "views/recent_fragments.hpp"
#include "views/recent_projection.hpp"

namespace imhub {

std::unique_ptr<Store> open_store(const std::string& data_dir, const Config& config, const StoreLocation& where) {
  std::filesystem::create_directories(data_dir);
  if (!where.url.empty()) {
    if (!is_postgres_url(where.url)) throw StoreError("store URL " + where.url + ": expected postgresql://…");
    PgOptions pg;
    pg.url = where.url;
    pg.read_connections = config.store_read_connections;
    pg.writer_connections = where.writer_connections;
    return open_postgres_store(pg);
  }
  SqliteOptions opt;
  opt.path = data_dir + "/imhub.db";
  opt.synchronous_full = config.store_synchronous == "full";
  opt.read_connections = config.store_read_connections;
  return open_sqlite_store(opt);
}

// Bots first: a client's "0" reaches the welcome bot before open lines hand the session over.
void subscribe_domain(ChangeFeed& feed) {
  subscribe_bots(feed);
  subscribe_openlines(feed);
}

// Raises the open-file limit and fits max_connections under it (both logged).
void apply_fd_limit(Config& config) {
  const FdLimit fds = raise_open_file_limit();
  const int configured = config.max_connections;
  config.max_connections = connection_limit(config, fds.soft);
  spdlog::info("open files: soft limit {} (started with {}), hard limit {}; max_connections {}{}", fds.soft,
               fds.soft_before, fds.hard, config.max_connections,
               config.max_connections < configured ? " (lowered from " + std::to_string(configured) + " to fit)" : "");
}

// tls.listen ("auto" included) without a certificate of its own serves the local CA's (made by
// `imhub init`, or now). tls.enabled alone still needs a certificate named in the config. The
// automatic listener is a convenience: when its certificate cannot be made, http is still served.
void use_local_certificate(Config& config, const std::string& data_dir) {
  if (!config.tls_cert.empty() || !config.tls_key.empty()) return;
  if (config.tls_listen.empty() || config.tls_listen == "off" || (config.tls_listen == "auto" && config.tls_enabled))
    return;
  try {
    std::filesystem::create_directories(data_dir);
    if (ensure_local_tls(data_dir, "")) spdlog::info("created a local CA ({}/ca.pem) and server certificate", data_dir);
  } catch (const std::exception& e) {
    if (config.tls_listen != "auto") throw;
    spdlog::warn(
        "https not served: the local certificate could not be made: {} (set [tls] listen to \"off\", or "
        "name a certificate)",
        e.what());
    return;
  }
  const LocalTlsFiles files = local_tls_files(data_dir);
  config.tls_cert = files.cert;
  config.tls_key = files.key;
}

int serve(const std::string& data_dir, Config config, const StoreLocation& where) {
  // Large answers (a recent list of 200 chats is ~165 KB, a history page tens of KB) are allocated
  // and freed on every call. With glibc's defaults each one past 128 KB is a fresh mmap, and the io
  // threads' arenas hand freed tops back with madvise, so every call faulted its pages in again
  // (a fifth of im.recent.get's CPU). Fixed thresholds keep that memory in the arenas.
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  use_local_certificate(config, data_dir);
  validate_config(config, where);
  // The browser client is read into memory here, once (http/web_client.hpp); a [web] root that
  // holds no client stops the start before anything is opened.
  const std::unique_ptr<WebClient> web = open_web_client(config.web_root);
  apply_fd_limit(config);
  auto store = open_store(data_dir, config, where);
  const std::string key = load_master_key(*store, data_dir, !where.url.empty(), false);
  InitResult init = init_portal(*store, key);
  if (init.created) spdlog::info("created a new store in {}", data_dir);
  // Services' data_dir is where files/ and avatars/ are: [files] dir, shared by the nodes of one
  // PostgreSQL store, else this data directory.
  const std::string files_dir = files_root(where, data_dir);
  if (!where.url.empty() && where.files_dir.empty())
    spdlog::warn(
        "files are kept in this node's data directory: with more than one node, name a shared directory "
        "as [files] dir (docs/postgresql.md \"Shared node state\")");
  const BlobSweep swept = sweep_orphan_blobs(*store, files_dir);
  if (swept.temporary + swept.orphans > 0)
    spdlog::info("removed {} unfinished (*.tmp) and {} orphaned file blobs ({} bytes) left by an earlier crash",
                 swept.temporary, swept.orphans, swept.bytes);
  // A write past a file-size limit (ulimit -f) fails with EFBIG and answers like a full disk,
  // instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);

  ChangeFeed feed;
  subscribe_domain(feed);
  Registry registry;
  register_rest_methods(registry);
  Metrics metrics;
  UserCache users(*store);
  Services services{*store, config, registry, metrics, files_dir, key, {}, nullptr, &users};
  services.portal = store->read_with([](Conn& c) { return load_portal(c); });
  UrlPreviewer previews(*store, url_preview_options(config));
  previews.start();
  services.previews = &previews;
  services.feed = &feed;
  ChatRosterCache rosters;
  RecentFragmentCache recent_fragments(static_cast<size_t>(config.store_recent_cache_mb) << 20);
  services.rosters = &rosters;
  services.recent = &recent_fragments;
  // Off with the fragments: a list is spliced from them.
  RecentProjection recent_lists(*store, static_cast<size_t>(config.store_recent_cache_mb) << 20);
  recent_fragments.lists = &recent_lists;
  // A link preview written into a message is announced once committed (messageParamsUpdate).
  previews.set_on_updated([&feed](int64_t message_id, int64_t chat_id) {
    feed.announce(Cause{}, MessageParamsChanged{message_id, chat_id});
  });
  OAuthServer oauth(*store, users, OAuthSite{config.public_url, services.domain(), services.portal.member_id}, key);
  services.oauth = &oauth;
  services.event_auth = &oauth;
  Auth auth;
  auth.add(make_livechat_authenticator(config));  // first: a visitor's request may carry a portal session too
  auth.add(make_webhook_authenticator());
  auth.add(make_oauth_authenticator());
  auth.add(make_session_authenticator());  // last: only requests with no other credential
  // The realtime push server: in-process hub, im commands from the change feed after each commit.
  std::unique_ptr<PushHub> push;
  std::unique_ptr<PushCluster> push_cluster;
  std::unique_ptr<ImPush> im_push;
  PushWatch push_watch;
  if (config.push_enabled) {
    push = std::make_unique<PushHub>(
        PushHubOptions{config.push_expiry, static_cast<size_t>(config.push_max_per_channel), services.domain()});
    // On PostgreSQL any number of nodes may serve one portal: what one publishes reaches the
    // subscribers of all (push/cluster.hpp).
    if (!where.url.empty()) {
      push_cluster = std::make_unique<PushCluster>(*push, open_pg_broadcast(where.url, "imhub_push"));
      push_cluster->start();
    }
    im_push = std::make_unique<ImPush>(*store, config, *push, push_key(key), key, &push_watch);
    subscribe_im_push(feed, *im_push);
    im_push->start();
    services.push = push.get();
    services.push_watch = &push_watch;
    metrics.add_source(
        [hub = push.get(), watch = &push_watch](std::string& out) { render_push_metrics(out, *hub, watch); });
  }
  Dispatcher dispatcher(services, auth);
  services.dispatcher = &dispatcher;
  Router router(services, dispatcher, web.get());
  HttpServer server(config, router, metrics, data_dir);
  server.start();

  // Event delivery runs on its own threads from the outbox. Tokens in `auth` are minted by the
  // applications module's EventAuthIssuer (`oauth`, which outlives the worker).
  std::unique_ptr<DeliveryWorker> delivery;
  if (config.events_enabled) {
    DeliveryOptions delivery_opts = delivery_options(config);
    // On PostgreSQL other nodes may deliver from the same outbox: rows are claimed before sending.
    delivery_opts.claims = !where.url.empty();
    delivery = std::make_unique<DeliveryWorker>(*store, delivery_opts, services.event_auth,
                                                portal_identity(config.public_url, services.portal.member_id), key);
    metrics.add_source([stats = delivery->stats()](std::string& out) { stats->render(out); });
    delivery->start();
    // Woken only by commits that wrote the outbox: a wake-up costs a system call here and a context
    // switch on the worker, and most commits (messages no bot hears) add no event. The epochs are
    // bumped before the listener runs, on both stores.
    store->on_durable_commit([worker = delivery.get(), &s = *store, seen = std::make_shared<std::atomic<uint64_t>>(0)] {
      const uint64_t now = s.table_epoch("event_outbox");
      if (seen->exchange(now, std::memory_order_relaxed) != now) worker->wake();
    });
  }

  // Open-line sessions move on by the clock (WELCOME_BOT_TIME, QUEUE_TIME, NO_ANSWER_TIME,
  // AUTO_CLOSE_TIME); /metrics tells how many wait and how fast they are answered.
  SessionTimers session_timers(*store, feed);
  session_timers.start();
  metrics.add_source([s = store.get()](std::string& out) {
    render_openlines_metrics(out, s->read_with([](Conn& c) { return openlines_stats(c, now_unix_seconds()); }));
  });

  // Signals are watched on a thread of their own so a busy io pool cannot delay the drain.
  boost::asio::io_context signal_ioc;
  boost::asio::signal_set signals(signal_ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: draining", sig);
    server.stop();
  });
  std::thread signal_thread([&] { signal_ioc.run(); });

  if (!server.serves_tls_listen())
    spdlog::info("imhub listening on {} (public URL {})", config.listen, config.public_url);
  else
    spdlog::info("imhub listening on {} (http) and {} (https) (public URL {})", config.listen, config.tls_listen,
                 config.public_url);
  // The webhook secret is never logged; `imhub init` prints it on request.
  spdlog::info("admin webhook: run `imhub init --data {}` to print it", data_dir);
  server.run();
  signal_ioc.stop();
  signal_thread.join();
  session_timers.stop();
  store->on_durable_commit(nullptr);
  if (delivery) delivery->stop();
  if (im_push) im_push->stop();
  if (push_cluster) push_cluster->stop();
  previews.stop();
  store->close();
  spdlog::info("stopped");
  return 0;
}

}  // namespace imhub
