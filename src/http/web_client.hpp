// The browser messenger's built files (web/, built by Vite into web/dist: index.html, favicon.ico,
// the live chat's livechat.html and livechat/loader.js,
// and assets/<name>-<hash>.js|css|woff2|svg, with .br and .gz beside the compressible ones, written
// by web/scripts/compress.mjs), served by http/web_routes.
//
// The whole client is read into memory once, when serve starts, and never again: it is a few
// megabytes, so no request touches the disk (nothing blocks an io thread, nothing needs the
// worker pool), a reply is a view of bytes that live as long as the server, and what is served
// cannot change under a running server or escape the root (requests are looked up in a map of
// the files read at start, never turned into file-system paths). A new build is served after a
// restart.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

// One file of the client and its precompressed variants.
struct WebFile {
  std::string identity;       // the file's bytes
  std::string br;             // <file>.br, when the build wrote one ("" otherwise)
  std::string gzip;           // <file>.gz, likewise
  std::string etag;           // quoted strong tag of `identity`; the variants' tags add -br / -gz
  std::string content_type;   // from the extension (web_content_type)
  bool compressible = false;  // a text type: variants are used and replies carry Vary
};

// The live chat's window (a second Vite page) and its loader (web/public, copied as it is: sites
// embed it under a fixed name), both optional.
inline constexpr std::string_view kLivechatPage = "livechat.html";
inline constexpr std::string_view kLivechatLoader = "livechat/loader.js";

// A content coding a reply is sent in.
enum class WebCoding { kIdentity, kBrotli, kGzip };

class WebClient {
 public:
  // Upper bound of everything read (files and variants): the client is kept in memory.
  static constexpr size_t kMaxBytes = size_t{64} << 20;

  // Reads index.html (required), favicon.ico (optional) and every regular file under assets/ of
  // `root`. Symbolic links, other non-regular files and names is_safe_web_path refuses are left
  // out, so nothing outside the root is ever read. Throws std::runtime_error naming the problem
  // (no index.html, unreadable file, over kMaxBytes).
  static std::unique_ptr<WebClient> load(const std::filesystem::path& root);

  // The file at a path relative to the root ("index.html", "assets/app-1a2b.js"), or null.
  // .br and .gz files are variants, not files of their own.
  const WebFile* find(std::string_view relative) const;
  const WebFile& index() const { return *find("index.html"); }
  const std::string& root() const { return root_; }
  size_t file_count() const { return files_.size(); }
  size_t byte_count() const { return bytes_; }

 private:
  std::string root_;
  std::map<std::string, WebFile, std::less<>> files_;
  size_t bytes_ = 0;
};

// The client to serve, as [web] root says: "off" → none; a directory → that one (throws when it
// holds no client: a configured path that does not work is a mistake worth stopping for); "" →
// the first of default_web_roots that holds index.html, or none. Logs one line either way.
std::unique_ptr<WebClient> open_web_client(const std::string& configured_root);

// Where "" looks, in order: <exe_dir>/../web/dist (a source tree: build/imhub → web/dist) and
// <exe_dir>/../share/imhub/web (the .deb: /usr/bin/imhub → /usr/share/imhub/web).
std::vector<std::filesystem::path> default_web_roots(const std::filesystem::path& exe_dir);

// --- Pieces of a reply, pure ---------------------------------------------------------------------

// Whether a path relative to the root may name a client file: '/'-separated segments of ASCII
// letters, digits and . _ - ~ @ +, none empty or starting with '.', at most 255 bytes. So "..",
// percent-encoding (%2e, %2f), backslashes, NUL and hidden files are all refused.
bool is_safe_web_path(std::string_view relative);

// Content-Type by extension: js css svg woff2 woff png jpg jpeg webp ico json map wasm html;
// application/octet-stream otherwise.
std::string_view web_content_type(std::string_view name);
// Text types worth compressing: js css svg html json map wasm.
bool web_compressible(std::string_view name);

// Whether an Accept-Encoding value admits `coding`: listed with q > 0, or not listed and "*" is
// with q > 0. Case-insensitive; "br;q=0" refuses brotli.
bool accepts_coding(std::string_view accept_encoding, std::string_view coding);
// The variant to send: brotli when accepted and present, else gzip likewise, else identity.
WebCoding choose_coding(const WebFile& file, std::string_view accept_encoding);
// The bytes and entity tag of a variant.
std::string_view coding_body(const WebFile& file, WebCoding coding);
std::string coding_etag(const WebFile& file, WebCoding coding);

// Whether an If-None-Match value matches `etag`: "*", or a listed tag equal to it under the weak
// comparison (a W/ prefix on either side is ignored), as RFC 9110 §13.1.2 asks.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace imhub
