#include "http/web_routes.hpp"

#include "core/error_catalog.hpp"
#include "rest/error_reply.hpp"

namespace imhub {
namespace {

constexpr std::string_view kAssetsPrefix = "/assets/";
constexpr std::string_view kFaviconPath = "/favicon.ico";

// The page runs only its own scripts. Styles may be inline (Vue and Tailwind set style
// attributes). Images come from anywhere: bots' ATTACH blocks (IMAGE, avatars), link previews and
// Giphy name third-party URLs, which the client shows with no referrer; data: and blob: are
// pasted and previewed files. The REST API and the push WebSocket are same-origin; ws:/wss: let
// the socket through browsers that do not count it as 'self'. Frames may come from anywhere, and
// forms may post anywhere: chat apps and placements are iframes of their handlers' URLs (http on
// a LAN or in tests), and a placement is opened by a form POST into its frame, as Bitrix24 does.
// The page itself may be framed only by imhub.
constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; "
    "font-src 'self' data:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-src *; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

// The live chat's window is framed by the websites that embed it (any origin) and talks only to
// imhub: REST and the push socket.
constexpr std::string_view kLivechatPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; frame-src 'none'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors *";
constexpr std::string_view kLivechatPrefix = "/online/";
constexpr std::string_view kLoaderPath = "/livechat/loader.js";

// /online/<code>: a line's public code is 32 hex digits (openlines/livechat.hpp); /online itself
// and its other paths are the messenger's.
bool is_livechat_page(std::string_view path) {
  if (!path.starts_with(kLivechatPrefix)) return false;
  const std::string_view code = path.substr(kLivechatPrefix.size());
  if (code.size() != 32) return false;
  for (char ch : code)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) return false;
  return true;
}

bool under(std::string_view path, std::string_view dir) {
  return path == dir || (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

HttpReply file_reply(const WebFile& file, const HttpRequestView& request, std::string_view cache_control) {
  const WebCoding coding = file.compressible ? choose_coding(file, request.accept_encoding) : WebCoding::kIdentity;
  const std::string etag = coding_etag(file, coding);
  HttpReply r;
  r.label = "web";
  r.content_type = file.content_type;
  r.static_body = coding_body(file, coding);
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
  r.headers.emplace_back("ETag", etag);
  if (file.compressible) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    r.status = 304;  // the server sends the length of static_body, not its bytes
    r.content_type.clear();
    return r;
  }
  if (coding == WebCoding::kBrotli) r.headers.emplace_back("Content-Encoding", "br");
  if (coding == WebCoding::kGzip) r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}

HttpReply page(const WebClient& client, const HttpRequestView& request) {
  HttpReply r = file_reply(client.index(), request, "no-cache");
  // X-Content-Type-Options: nosniff is on every response already (http/response_head).
  r.headers.emplace_back("Content-Security-Policy", std::string(kPagePolicy));
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
  return r;
}

HttpReply livechat_page(const WebClient& client, const HttpRequestView& request) {
  const WebFile* file = client.find(kLivechatPage);
  if (!file) return error_reply(errors::kNotFound, "web");
  HttpReply r = file_reply(*file, request, "no-cache");
  r.headers.emplace_back("Content-Security-Policy", std::string(kLivechatPolicy));
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

}  // namespace

bool is_client_page(std::string_view path) {
  return path == "/" || path == "/login" || under(path, "/online") || under(path, "/devconsole");
}

bool is_web_route(const WebClient* client, const HttpRequestView& request) {
  if (!client || (request.verb != "GET" && request.verb != "HEAD") || request.rest) return false;
  const std::string_view p = request.path;
  return is_client_page(p) || p.starts_with(kAssetsPrefix) || p == kFaviconPath || p == kLoaderPath;
}

HttpReply serve_web(const WebClient& client, const HttpRequestView& request) {
  const std::string_view p = request.path;
  if (is_livechat_page(p)) return livechat_page(client, request);
  if (is_client_page(p)) return page(client, request);
  if (p == kLoaderPath) {
    // Sites embed it by this fixed name, so it cannot carry a hash: revalidated by its ETag.
    const WebFile* loader = client.find(kLivechatLoader);
    return loader ? file_reply(*loader, request, "no-cache") : error_reply(errors::kNotFound, "web");
  }
  if (p == kFaviconPath) {
    const WebFile* icon = client.find(p.substr(1));
    return icon ? file_reply(*icon, request, "public, max-age=86400") : error_reply(errors::kNotFound, "web");
  }
  // The path as it came (Router::prepare only folds repeated slashes): nothing is decoded, so
  // %2e%2e or %2f never become dots or slashes here, and refused names never reach the look-up.
  const std::string_view name = p.substr(kAssetsPrefix.size());
  if (!is_safe_web_path(name)) return error_reply(errors::kBadRequest, "web");
  const WebFile* file = client.find(p.substr(1));
  return file ? file_reply(*file, request, kImmutable) : error_reply(errors::kNotFound, "web");
}

}  // namespace imhub
