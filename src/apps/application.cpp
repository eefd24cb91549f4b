#include "apps/application.hpp"

#include <algorithm>
#include <stdexcept>

#include "apps/handler_url.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "events/handler_trust.hpp"
#include "store/row_mapping.hpp"
#include "users/portal.hpp"

namespace imhub {
namespace {

constexpr size_t kClientSecretLength = 50;  // as long as a Bitrix24 client_secret
const RowMapping<App> kAppRow{
    {"id", &App::id},
    {"name", &App::name},
    {"client_id", &App::client_id},
    {"client_secret_hash", &App::client_secret_hash},
    {"application_token", &App::application_token},
    {"handler", &App::handler},
    {"redirect_uri", &App::redirect_uri},
    {"scopes",
     [](App& a, const Row& r, size_t i) {
       for (auto& s : split(r.str(i), ','))
         if (!s.empty()) a.scopes.push_back(s);
     }},
    {"version", &App::version},
    {"language_id", &App::language_id},
    {"installed", &App::installed},
    {"active", &App::active},
    {"generation", &App::generation},
    {"installed_by", &App::installed_by},
    {"created_at", &App::created_at},
    {"installed_at", &App::installed_at},
};

App read_app(const Row& r) { return kAppRow.read(r); }

// "local.5f1a2b3c4d5e6f.12345678": the shape Bitrix24 gives local applications.
std::string new_client_id() {
  const std::string bytes = random_hex(8);
  std::string digits;
  for (size_t i = 0; i < bytes.size(); i += 2)
    digits += static_cast<char>('0' + std::stoi(bytes.substr(i, 2), nullptr, 16) % 10);
  return "local." + random_hex(7) + "." + digits;
}

void check_url(const std::string& url, const char* what) {
  switch (check_handler_url(url, false)) {
    case UrlCheck::kOk:
      return;
    case UrlCheck::kUnsupportedProtocol:
      throw std::invalid_argument(std::string(what) + " must be an http:// or https:// URL: " + url);
    case UrlCheck::kWrongUrl:
      throw std::invalid_argument(std::string(what) + " has no valid host: " + url);
  }
}

}  // namespace

std::string App::scope_string() const {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool App::has_scope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::vector<std::string> parse_app_scopes(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& part : split(text, ',')) {
    std::string s = to_lower(trim(part));
    if (s.empty()) continue;
    const auto& known = all_scopes();
    if (std::find(known.begin(), known.end(), s) == known.end())
      throw std::invalid_argument("unknown scope '" + s + "'");
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  if (out.empty()) throw std::invalid_argument("at least one scope is required, e.g. --scope im,imbot");
  return out;
}

CreatedApp create_app(Conn& w, const NewApp& spec) {
  if (trim(spec.name).empty()) throw std::invalid_argument("the application needs a name");
  check_url(spec.handler, "--handler");
  if (!spec.redirect_uri.empty()) check_url(spec.redirect_uri, "--redirect-uri");
  if (spec.scopes.empty()) throw std::invalid_argument("at least one scope is required");
  CreatedApp out;
  App& a = out.app;
  a.name = std::string(trim(spec.name));
  a.handler = spec.handler;
  a.redirect_uri = spec.redirect_uri;
  a.scopes = spec.scopes;
  a.client_id = new_client_id();
  out.client_secret = random_token(kClientSecretLength);
  a.client_secret_hash = sha256_hex(out.client_secret);
  a.application_token = random_hex(16);
  a.created_at = now_unix_seconds();
  auto row = w.query_one(
      "INSERT INTO apps (name, client_id, client_secret_hash, application_token, handler, redirect_uri, scopes, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {a.name, a.client_id, a.client_secret_hash, a.application_token, a.handler, a.redirect_uri, a.scope_string(),
       a.created_at});
  a.id = row->i64(0);
  // Only the CLI creates applications: their handler may be at a loopback address (issue 17).
  trust_handlers(w, {a.handler}, 0);
  return out;
}

std::optional<App> find_app(Conn& c, int64_t id) {
  auto row = c.query_one("SELECT " + kAppRow.list() + " FROM apps WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return read_app(*row);
}

std::optional<App> find_app_by_client_id(Conn& c, std::string_view client_id) {
  auto row = c.query_one("SELECT " + kAppRow.list() + " FROM apps WHERE client_id = $1", {std::string(client_id)});
  if (!row) return std::nullopt;
  return read_app(*row);
}

std::vector<App> list_apps(Conn& c) {
  std::vector<App> out;
  for (const Row& r : c.query("SELECT " + kAppRow.list() + " FROM apps ORDER BY id")) out.push_back(read_app(r));
  return out;
}

bool client_secret_matches(const App& app, std::string_view secret) {
  return !secret.empty() && constant_time_equals(sha256_hex(secret), app.client_secret_hash);
}

}  // namespace imhub
