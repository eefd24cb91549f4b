#include "http/file_routes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "api/file_upload.hpp"
#include "api/file_view.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "rest/envelope.hpp"
#include "rest/error_reply.hpp"
#include "rest/storage_error.hpp"
#include "store/file_blob.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

constexpr std::string_view kDownloadPrefix = "/disk/download/";
constexpr std::string_view kShowPrefix = "/disk/show/";
constexpr std::string_view kAvatarPrefix = "/avatar/";

FileReply file_error(const ErrorSpec& spec) { return FileReply{error_reply(spec, "file")}; }

std::shared_ptr<FileBody> open_regular(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  return std::make_shared<FileBody>(fd, static_cast<uint64_t>(st.st_size));
}

// Served bytes are never interpreted on our origin (every response already forbids sniffing):
// scripts are sandboxed, so an SVG or HTML upload cannot run with the portal's cookies.
void add_safety_headers(HttpReply& r) {
  r.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'");
}

std::string ascii_fallback(std::string_view name) {
  std::string out;
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    out += (u < 0x20 || u >= 0x7F || ch == '"' || ch == '\\') ? '_' : ch;
  }
  return out;
}

std::optional<int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

FileReply serve_drive_file(Services& s, const HttpRequestView& request, bool attachment) {
  const std::string_view prefix = attachment ? kDownloadPrefix : kShowPrefix;
  auto id = parse_id(std::string_view(request.path).substr(prefix.size()));
  Value q = Value::map();
  size_t keys = 0;
  try {
    parse_query_into(request.query, q, DecodeLimits{}, keys);
  } catch (const std::exception&) {
  }
  auto viewer = q["u"].to_int();
  auto expires = q["e"].to_int();
  // A wrong signature looks exactly like a missing file: links cannot be probed.
  if (!id || !viewer || !expires ||
      !constant_time_equals(file_link_signature(s, *id, *viewer, *expires), q["s"].to_string()))
    return file_error(errors::kFileNotFound);
  if (*expires < static_cast<int64_t>(now_unix())) return file_error(errors::kLinkExpired);
  auto user = s.users ? s.users->find(*viewer) : nullptr;
  std::optional<DiskObject> file;
  bool allowed = false;
  s.store.read([&](Conn& c) {
    file = find_object(c, *id);
    allowed = file && file->is_file() && user && user->active && can_read_object(c, *file, *viewer);
  });
  if (!file || !file->is_file()) return file_error(errors::kFileNotFound);
  if (!allowed) return file_error(errors::kDiskAccessDenied);
  auto body = open_regular(BlobStore(s.data_dir).path(file->blob));
  if (!body) {
    spdlog::error("disk file {}: blob {} is missing", file->id, file->blob);
    return file_error(errors::kFileNotFound);
  }
  FileReply r;
  r.reply.content_type = file->mime.empty() ? "application/octet-stream" : file->mime;
  r.reply.headers.emplace_back("Content-Disposition", std::string(attachment ? "attachment" : "inline") +
                                                          "; filename=\"" + ascii_fallback(file->name) +
                                                          "\"; filename*=UTF-8''" + url_encode(file->name));
  r.reply.headers.emplace_back("Cache-Control", "private, max-age=3600");
  add_safety_headers(r.reply);
  r.reply.label = attachment ? "disk.download" : "disk.show";
  r.file = std::move(body);
  return r;
}

// Avatars are public (they appear in chat objects for anyone who sees the chat).
FileReply serve_avatar(Services& s, const HttpRequestView& request) {
  const std::string_view name = std::string_view(request.path).substr(kAvatarPrefix.size());
  bool ok = !name.empty() && name.size() <= 255 && name.front() != '.';
  for (char ch : name)
    ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                ch == '_' || ch == '-');
  if (!ok) return file_error(errors::kNotFound);
  auto body = open_regular(s.data_dir + "/avatars/" + std::string(name));
  if (!body) return file_error(errors::kNotFound);
  FileReply r;
  r.reply.content_type = mime_for_name(name);
  r.reply.headers.emplace_back("Cache-Control", "public, max-age=86400");
  add_safety_headers(r.reply);
  r.reply.label = "avatar";
  r.file = std::move(body);
  return r;
}

// param="value" or param=value from a header value.
std::string header_param(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    std::string_view rest = trim(header.substr(++pos));
    if (!starts_with_ci(rest, key) || rest.substr(key.size(), 1) != "=") continue;
    rest.remove_prefix(key.size() + 1);
    if (!rest.empty() && rest.front() == '"') {
      auto end = rest.find('"', 1);
      return std::string(rest.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    return std::string(rest.substr(0, rest.find(';')));
  }
  return "";
}

struct FilePart {
  std::string filename;
  std::string_view content;  // a view into the request body: the upload is never copied
};

// The part named "file" of a multipart/form-data body.
std::optional<FilePart> find_file_part(std::string_view body, std::string_view content_type) {
  const std::string boundary = header_param(content_type, "boundary");
  if (boundary.empty()) return std::nullopt;
  const std::string delim = "\r\n--" + boundary;
  // The first delimiter may start the body without the leading CRLF.
  size_t pos = body.rfind(delim.substr(2), 0) == 0 ? delim.size() - 2 : body.find(delim);
  if (pos == std::string_view::npos) return std::nullopt;
  if (pos != delim.size() - 2) pos += delim.size();
  while (pos + 2 <= body.size() && body.substr(pos, 2) == "\r\n") {
    const size_t header_end = body.find("\r\n\r\n", pos + 2);
    if (header_end == std::string_view::npos) return std::nullopt;
    const std::string_view headers = body.substr(pos + 2, header_end - pos - 2);
    const size_t start = header_end + 4;
    const size_t next = body.find(delim, start);
    if (next == std::string_view::npos) return std::nullopt;
    for (const std::string& line : split(headers, '\n')) {
      std::string_view l = trim(line);
      if (!starts_with_ci(l, "content-disposition:")) continue;
      if (header_param(l, "name") == "file")
        return FilePart{header_param(l, "filename"), body.substr(start, next - start)};
    }
    pos = next + delim.size();
  }
  return std::nullopt;
}

}  // namespace

FileBody::~FileBody() {
  if (fd_ >= 0) ::close(fd_);
}

bool is_file_route(const HttpRequestView& request) {
  if (request.verb != "GET" && request.verb != "HEAD") return false;
  const std::string& p = request.path;
  return p.rfind(kDownloadPrefix, 0) == 0 || p.rfind(kShowPrefix, 0) == 0 || p.rfind(kAvatarPrefix, 0) == 0;
}

FileReply serve_file(Services& s, const HttpRequestView& request) {
  const std::string& p = request.path;
  try {
    if (p.rfind(kAvatarPrefix, 0) == 0) return serve_avatar(s, request);
    return serve_drive_file(s, request, p.rfind(kDownloadPrefix, 0) == 0);
  } catch (const std::exception& e) {
    spdlog::error("file route {} failed: {}", p, e.what());
    return file_error(errors::kInternal);
  }
}

HttpReply handle_upload(Services& s, const HttpRequestView& request) {
  Timing t;
  t.start = now_unix();
  HttpReply reply;
  reply.label = "disk.upload";
  try {
    if (request.verb != "POST") throw ApiError(errors::kBadRequest, "Upload with POST multipart/form-data");
    auto r = parse_upload_url(s, request.query);
    if (!r) throw ApiError(errors::kDiskAccessDenied);
    auto user = s.users ? s.users->find(r->user_id) : nullptr;
    if (!user || !user->active) throw ApiError(errors::kDiskAccessDenied);
    auto part = starts_with_ci(trim(request.content_type), "multipart/form-data")
                    ? find_file_part(request.body, request.content_type)
                    : std::nullopt;
    if (!part) throw ApiError(errors::kDiskCouldNotSave);
    if (r->name.empty()) r->name = std::string(trim(part->filename));
    const double handler_start = now_unix();
    DiskObject f = store_upload(s, *r, part->content);
    t.finish = now_unix();
    t.processing = t.finish - handler_start;
    t.operating_reset_at = static_cast<int64_t>(t.start) + 600;
    reply.body =
        render_success(disk_file_fields(s, f, r->user_id, false), std::nullopt, std::nullopt, t, Transport::kJson);
  } catch (const ApiError& e) {
    reply.status = e.status();
    reply.body = render(error_body(e), Transport::kJson);
  } catch (const StoreError& e) {
    spdlog::error("upload failed: {}", e.what());
    const ApiError err = storage_error(e).value_or(ApiError(errors::kInternal));
    reply.status = err.status();
    reply.body = render(error_body(err), Transport::kJson);
  } catch (const std::exception& e) {
    spdlog::error("upload failed: {}", e.what());
    reply.status = 500;
    reply.body = render(error_body(ApiError(errors::kInternal)), Transport::kJson);
  }
  return reply;
}

std::optional<HttpReply> check_upload_link(Services& s, const HttpRequestView& request) {
  try {
    auto r = parse_upload_url(s, request.query);
    auto user = r && s.users ? s.users->find(r->user_id) : nullptr;
    if (r && user && user->active) return std::nullopt;
    throw ApiError(errors::kDiskAccessDenied);
  } catch (const ApiError& e) {
    HttpReply reply;
    reply.label = "disk.upload";
    reply.status = e.status();
    reply.body = render(error_body(e), Transport::kJson);
    return reply;
  }
}

bool is_upload_target(std::string_view target) {
  if (target.rfind(kUploadPath, 0) == 0) return true;
  if (target.rfind("/rest/", 0) != 0) return false;
  // Asked of every request's header: searched in place, case-insensitively, without a lowered copy.
  constexpr std::string_view kMethod = "/disk.folder.uploadfile";
  const std::string_view path = target.substr(0, target.find('?'));
  for (size_t at = path.find('/'); at != std::string_view::npos && path.size() - at >= kMethod.size();
       at = path.find('/', at + 1))
    if (starts_with_ci(path.substr(at), kMethod)) return true;
  return false;
}

int64_t upload_body_limit(int64_t max_upload_bytes) {
  // base64 grows content by 4/3; leave room for the other fields and multipart framing.
  return max_upload_bytes / 3 * 4 + 8 + (int64_t{1} << 20);
}

}  // namespace imhub
