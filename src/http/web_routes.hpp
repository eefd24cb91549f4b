// The browser messenger's routes (issue 13), GET and HEAD only, when a client was found at start
// (http/web_client.hpp):
//   /, /online, /online/…, /login, /devconsole, /devconsole/…  → index.html, Cache-Control: no-cache,
//       and the page's security headers (Content-Security-Policy, Referrer-Policy, X-Frame-Options);
//       the client routes itself from the URL (/online/?IM_DIALOG=chat5)
//   /assets/<file>  → the build's hashed files, cached for a year as immutable
//   /favicon.ico    → when the build has one
// Compressible files go out as their .br or .gz variant when the request's Accept-Encoding allows
// it (always with Vary: Accept-Encoding); every reply has an ETag and If-None-Match answers 304.
// A missing file is 404, a name that could reach outside the client (.., %2e, %2f, \, NUL) 400.
//
// No other path is taken: /rest/, /auth/, /oauth/, /bitrix/, /disk/, /avatar/, /healthz and
// /metrics keep their handlers. /login is the client's sign-in page when a client is served
// (GET only: a form POST to /login still signs in), http/auth_routes' plain form otherwise.
#pragma once

#include "http/web_client.hpp"
#include "rest/dispatcher.hpp"

namespace imhub {

// Whether `client` (null: none is served) answers this prepared request.
bool is_web_route(const WebClient* client, const HttpRequestView& request);
HttpReply serve_web(const WebClient& client, const HttpRequestView& request);

// The page paths that serve index.html (request paths as Router::prepare leaves them).
bool is_client_page(std::string_view path);

}  // namespace imhub
