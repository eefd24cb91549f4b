// Local applications (settings/app-installation/local-apps): a name, a handler URL that receives
// the lifecycle events, scopes, OAuth client credentials and an application_token. Only a
// SHA-256 of the client secret is stored; the secret is shown once, when the application is
// added, and compared in constant time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct App {
  int64_t id = 0;
  std::string name;
  std::string client_id;  // "local.<14 hex>.<8 digits>", also the application's CODE in app.info
  std::string client_secret_hash;
  std::string application_token;  // 32 hex; sent with every event so handlers can check them
  std::string handler;            // receives ONAPPINSTALL / ONAPPUPDATE / ONAPPUNINSTALL
  std::string redirect_uri;       // where /oauth/authorize/ sends the user back; "" = show the code
  std::vector<std::string> scopes;
  int64_t version = 1;
  std::string language_id = "en";
  bool installed = false;
  bool active = false;
  // Moves on every install and uninstall; tokens carry the generation they were issued under,
  // so an uninstall (or a reinstall) revokes every earlier token at once.
  int64_t generation = 0;
  int64_t installed_by = 0;  // user id
  int64_t created_at = 0;
  int64_t installed_at = 0;

  // Installed and active: may authenticate and receive events.
  bool usable() const { return installed && active; }
  std::string scope_string() const;  // "im,imbot"
  bool has_scope(std::string_view scope) const;
};

struct NewApp {
  std::string name;
  std::string handler;
  std::vector<std::string> scopes;
  std::string redirect_uri;
};

struct CreatedApp {
  App app;
  std::string client_secret;  // in clear: shown once
};

// Validates and stores a new (not yet installed) application. Throws std::invalid_argument
// with a message for people when a field is wrong.
CreatedApp create_app(Conn& w, const NewApp& spec);
std::optional<App> find_app(Conn& c, int64_t id);
std::optional<App> find_app_by_client_id(Conn& c, std::string_view client_id);
std::vector<App> list_apps(Conn& c);
// True when `secret` is the client secret of `app` (constant-time comparison of hashes).
bool client_secret_matches(const App& app, std::string_view secret);
// Splits "im, imbot,imopenlines" into scope names; unknown names are an std::invalid_argument.
std::vector<std::string> parse_app_scopes(std::string_view text);

}  // namespace imhub
