// What method handlers may reach: the store, configuration, the method table, the portal.
// Owned by the server; handlers get it through MethodCall.
#pragma once

#include <string>

#include "core/config.hpp"
#include "store/store.hpp"
#include "users/portal.hpp"

namespace imhub {

class Registry;
class Dispatcher;
class Metrics;
class UserCache;
class UrlPreviewer;
class EventAuthIssuer;
class OAuthServer;
class ChangeFeed;
class PushHub;
class PushWatch;
class ChatRosterCache;
class RecentFragmentCache;

struct Services {
  Store& store;
  const Config& config;
  const Registry& registry;
  Metrics& metrics;
  std::string data_dir;  // holds files/ and avatars/: the data directory, or [files] dir (app.cpp)
  std::string master_key;
  Portal portal;
  Dispatcher* dispatcher = nullptr;  // for batch
  UserCache* users = nullptr;        // users by id, in memory
  UrlPreviewer* previews = nullptr;  // link previews of new / edited messages (URL_PREVIEW)
  OAuthServer* oauth = nullptr;      // local applications' tokens and codes (src/apps)
  // Mints the `auth` maps of outgoing events (the same object as `oauth`).
  EventAuthIssuer* event_auth = nullptr;
  // Every domain change is raised through it (im/change_feed.hpp); bots, applications and push
  // listen. Never null once the server is wired (app.cpp).
  const ChangeFeed* feed = nullptr;
  // The realtime push server (src/push); null when [push] enabled = false.
  PushHub* push = nullptr;
  PushWatch* push_watch = nullptr;        // watch tags (pull.watch.extend); null with push off
  ChatRosterCache* rosters = nullptr;     // chats' member counts, mutes, managers (im/chat_roster.hpp)
  RecentFragmentCache* recent = nullptr;  // recent items as JSON (views/recent_fragments.hpp)

  // host[:port] of the public URL: the portal "domain" clients and events see.
  std::string domain() const;
};

}  // namespace imhub
