// Installing, updating and uninstalling a local application (`imhub app install|update|
// uninstall`). Each runs inside one write transaction and records the lifecycle event in the
// outbox in that same transaction (protocol.md §8.5): ONAPPINSTALL with the installing user's
// tokens and a refresh token, ONAPPUPDATE likewise, ONAPPUNINSTALL without tokens. The events
// go to the application's handler URL and to its online bindings of the event.
#pragma once

#include <cstdint>

#include "apps/application.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

// Failures for people (unknown application, wrong state, unknown user); the CLI prints them.
class AppStateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Marks the application installed and active for `user_id` and starts a new token generation.
App install_app(Conn& w, int64_t app_id, int64_t user_id);
// Raises VERSION by one; the application must be installed.
App update_app(Conn& w, int64_t app_id);
// Sends ONAPPUNINSTALL (CLEAN = `clean`), deactivates the application and revokes its tokens,
// then on_app_uninstalled(). With `clean`, the application's stored options go too.
App uninstall_app(Tx& tx, int64_t app_id, bool clean);

// Everything that belongs to an application and must go when it is uninstalled: its event
// bindings, offline queue and pending authorization codes. The bot module removes the
// application's bots (with ONIMBOTDELETE), commands and chat apps here as well. Called by
// uninstall_app() inside its transaction after ONAPPUNINSTALL is queued and before the
// application is deactivated, so events raised here still reach the application.
void on_app_uninstalled(Tx& tx, int64_t app_id);

}  // namespace imhub
