// Wiring: opens the store for a data directory and builds the long-lived components.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"
#include "store/store_config.hpp"

namespace imhub {

// Opens the store, migrated to the newest schema: the PostgreSQL database `where` names, or
// (creating it if needed) the SQLite store under `data_dir`.
std::unique_ptr<Store> open_store(const std::string& data_dir, const Config& config, const StoreLocation& where = {});

// Subscribes what every process that writes needs to the change feed: the bot platform (bot
// events into the outbox) and open lines (sessions, connectors). The server adds its
// after-commit subscribers on top.
void subscribe_domain(ChangeFeed& feed);

// Runs the server until SIGTERM/SIGINT. Returns the process exit code.
int serve(const std::string& data_dir, Config config, const StoreLocation& where = {});

}  // namespace imhub
