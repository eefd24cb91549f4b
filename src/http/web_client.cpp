#include "http/web_client.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kFavicon = "favicon.ico";
constexpr std::string_view kAssets = "assets";
constexpr size_t kMaxPath = 255;

std::string_view extension(std::string_view name) {
  const size_t slash = name.rfind('/');
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return name.substr(dot + 1);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("web client: cannot read " + path.string());
  return std::move(out).str();
}

// Every regular file the client may consist of, by path relative to the root.
std::map<std::string, std::string, std::less<>> read_tree(const fs::path& root) {
  std::map<std::string, std::string, std::less<>> out;
  size_t total = 0;
  auto take = [&](const fs::path& path, const std::string& relative) {
    std::error_code ec;
    // symlink_status: a link is never followed, even to a file inside the root.
    if (!fs::is_regular_file(fs::symlink_status(path, ec)) || !is_safe_web_path(relative)) return;
    std::string bytes = read_file(path);
    total += bytes.size();
    if (total > WebClient::kMaxBytes)
      throw std::runtime_error("web client in " + root.string() + " is larger than " +
                               std::to_string(WebClient::kMaxBytes >> 20) + " MB (it is kept in memory)");
    out.emplace(relative, std::move(bytes));
  };
  for (std::string_view page : {kIndex, kLivechatPage, kLivechatLoader})
    for (const char* variant : {"", ".br", ".gz"}) {
      const std::string name = std::string(page) + variant;
      take(root / name, name);
    }
  take(root / kFavicon, std::string(kFavicon));
  std::error_code ec;
  const fs::path assets = root / kAssets;
  if (!fs::is_directory(fs::symlink_status(assets, ec))) return out;
  // The iterator does not descend into linked directories (follow_directory_symlink is not set).
  for (auto it = fs::recursive_directory_iterator(assets, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string relative = (fs::path(kAssets) / it->path().lexically_relative(assets)).string();
    take(it->path(), relative);
  }
  if (ec) throw std::runtime_error("web client: cannot list " + assets.string() + ": " + ec.message());
  return out;
}

std::string quoted_tag(std::string_view opaque) { return "\"" + std::string(opaque) + "\""; }

// The tag between the quotes, without a W/ prefix; "" for something that is no tag.
std::string_view opaque_tag(std::string_view tag) {
  tag = trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return {};
  return tag.substr(1, tag.size() - 2);
}

}  // namespace

std::unique_ptr<WebClient> WebClient::load(const fs::path& root) {
  std::error_code ec;
  const fs::path dir = fs::canonical(root, ec);
  if (ec || !fs::is_directory(dir)) throw std::runtime_error("web client: " + root.string() + " is not a directory");
  auto tree = read_tree(dir);
  if (!tree.contains(kIndex)) throw std::runtime_error("web client: " + (dir / kIndex).string() + " not found");
  auto client = std::make_unique<WebClient>();
  client->root_ = dir.string();
  for (auto& [name, bytes] : tree) {
    if (ends_with(name, ".br") || ends_with(name, ".gz")) continue;
    WebFile f;
    f.content_type = std::string(web_content_type(name));
    f.compressible = web_compressible(name);
    f.etag = quoted_tag(sha256_hex(bytes).substr(0, 32));
    if (f.compressible) {
      if (auto br = tree.find(name + ".br"); br != tree.end()) f.br = std::move(br->second);
      if (auto gz = tree.find(name + ".gz"); gz != tree.end()) f.gzip = std::move(gz->second);
    }
    f.identity = std::move(bytes);
    client->bytes_ += f.identity.size() + f.br.size() + f.gzip.size();
    client->files_.emplace(name, std::move(f));
  }
  return client;
}

const WebFile* WebClient::find(std::string_view relative) const {
  auto it = files_.find(relative);
  return it == files_.end() ? nullptr : &it->second;
}

std::vector<fs::path> default_web_roots(const fs::path& exe_dir) {
  return {(exe_dir / ".." / "web" / "dist").lexically_normal(),
          (exe_dir / ".." / "share" / "imhub" / "web").lexically_normal()};
}

std::unique_ptr<WebClient> open_web_client(const std::string& configured_root) {
  if (configured_root == "off") {
    spdlog::info("web client: off ([web] root = \"off\"); serving the API only");
    return nullptr;
  }
  std::unique_ptr<WebClient> client;
  if (!configured_root.empty()) {
    client = WebClient::load(configured_root);
  } else {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates = ec ? std::vector<fs::path>{} : default_web_roots(exe.parent_path());
    for (const fs::path& dir : candidates) {
      if (!fs::exists(dir / kIndex, ec)) continue;
      client = WebClient::load(dir);
      break;
    }
    if (!client) {
      std::string where;
      for (const fs::path& dir : candidates) where += (where.empty() ? "" : " or ") + dir.string();
      spdlog::info("web client: not found ({}); serving the API only, with the plain /login form",
                   where.empty() ? "cannot tell where the binary is" : "no index.html in " + where);
      return nullptr;
    }
  }
  spdlog::info("web client: serving {} ({} files, {} KB in memory)", client->root(), client->file_count(),
               client->byte_count() / 1024);
  return client;
}

bool is_safe_web_path(std::string_view relative) {
  if (relative.empty() || relative.size() > kMaxPath) return false;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view segment = relative.substr(start, end - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char ch : segment) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '_' || ch == '-' || ch == '~' || ch == '@' || ch == '+';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

std::string_view web_content_type(std::string_view name) {
  const std::string ext = to_lower(extension(name));
  static const std::map<std::string, std::string_view, std::less<>> kTypes = {
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"json", "application/json; charset=utf-8"},
      {"map", "application/json; charset=utf-8"},
      {"wasm", "application/wasm"},
  };
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool web_compressible(std::string_view name) {
  const std::string ext = to_lower(extension(name));
  return ext == "js" || ext == "mjs" || ext == "css" || ext == "svg" || ext == "html" || ext == "json" ||
         ext == "map" || ext == "wasm";
}

bool accepts_coding(std::string_view accept_encoding, std::string_view coding) {
  // Each element is `coding[;q=value]`; a missing q is 1.
  std::optional<bool> named, star;
  for (const std::string& element : split(accept_encoding, ',')) {
    std::string_view e = trim(element);
    const size_t semi = e.find(';');
    const std::string_view name = trim(e.substr(0, semi));
    bool positive = true;
    if (semi != std::string_view::npos) {
      std::string_view param = trim(e.substr(semi + 1));
      if (starts_with_ci(param, "q=")) {
        param = trim(param.substr(2));
        // q is 0 through 1 with up to three decimals: zero exactly when every digit is 0.
        positive = param.find_first_not_of("0.") != std::string_view::npos;
      }
    }
    if (iequals(name, coding)) named = positive;
    if (name == "*") star = positive;
  }
  if (named) return *named;
  return star.value_or(false);
}

WebCoding choose_coding(const WebFile& file, std::string_view accept_encoding) {
  if (!file.br.empty() && accepts_coding(accept_encoding, "br")) return WebCoding::kBrotli;
  if (!file.gzip.empty() && accepts_coding(accept_encoding, "gzip")) return WebCoding::kGzip;
  return WebCoding::kIdentity;
}

std::string_view coding_body(const WebFile& file, WebCoding coding) {
  switch (coding) {
    case WebCoding::kBrotli:
      return file.br;
    case WebCoding::kGzip:
      return file.gzip;
    case WebCoding::kIdentity:
      break;
  }
  return file.identity;
}

std::string coding_etag(const WebFile& file, WebCoding coding) {
  // Each variant is a representation of its own (RFC 9110 §8.8.3: a strong tag names one
  // sequence of bytes), so a cache never answers a gzip client with the brotli bytes.
  const std::string_view opaque = opaque_tag(file.etag);
  switch (coding) {
    case WebCoding::kBrotli:
      return quoted_tag(std::string(opaque) + "-br");
    case WebCoding::kGzip:
      return quoted_tag(std::string(opaque) + "-gz");
    case WebCoding::kIdentity:
      break;
  }
  return file.etag;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  const std::string_view want = opaque_tag(etag);
  if (want.empty()) return false;
  for (const std::string& tag : split(if_none_match, ','))
    if (opaque_tag(tag) == want) return true;
  return false;
}

}  // namespace imhub
