#include "api/file_upload.hpp"

#include <spdlog/spdlog.h>

#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error_catalog.hpp"
#include "core/form.hpp"
#include "store/file_blob.hpp"

namespace imhub {
namespace {

constexpr int64_t kUploadLinkLifetime = 24 * 3600;

std::string upload_signature(const Services& s, const std::string& canonical) {
  return hmac_sha256_hex(s.master_key, "disk-upload:" + canonical);
}

std::string upload_canonical(const UploadRequest& r, int64_t expires) {
  return "folder=" + std::to_string(r.folder_id) + "&user=" + std::to_string(r.user_id) +
         "&unique=" + (r.unique_name ? "1" : "0") + "&expires=" + std::to_string(expires) +
         "&name=" + url_encode(r.name);
}

}  // namespace

std::string upload_url(const Services& s, const UploadRequest& r) {
  const std::string canonical = upload_canonical(r, now_unix_seconds() + kUploadLinkLifetime);
  return s.config.public_url + "/disk/upload?" + canonical + "&sig=" + upload_signature(s, canonical);
}

std::optional<UploadRequest> parse_upload_url(const Services& s, std::string_view query) {
  Value q = Value::map();
  size_t keys = 0;
  try {
    parse_query_into(query, q, DecodeLimits{}, keys);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  UploadRequest r;
  auto folder = q["folder"].to_int();
  auto user = q["user"].to_int();
  auto expires = q["expires"].to_int();
  if (!folder || !user || !expires || *expires < now_unix_seconds()) return std::nullopt;
  r.folder_id = *folder;
  r.user_id = *user;
  r.unique_name = q["unique"].to_string() == "1";
  r.name = q["name"].to_string();
  if (!constant_time_equals(upload_signature(s, upload_canonical(r, *expires)), q["sig"].to_string()))
    return std::nullopt;
  return r;
}

ApiError disk_errors::not_found(std::string_view id) {
  return ApiError(errors::kDiskNotFound, "Could not find entity with id `" + std::string(id) + "`");
}

DiskObject upload_target(Services& s, int64_t user_id, int64_t folder_id) {
  auto folder = s.store.read_with([&](Conn& c) -> std::optional<DiskObject> {
    auto f = find_object(c, folder_id);
    if (!f || f->type != "folder") return std::nullopt;
    if (!can_add_to_folder(c, *f, user_id)) throw ApiError(errors::kDiskAccessDenied);
    return f;
  });
  if (!folder) throw disk_errors::not_found(std::to_string(folder_id));
  return *folder;
}

DiskObject store_upload(Services& s, const UploadRequest& r, std::string_view bytes) {
  const DiskObject folder = upload_target(s, r.user_id, r.folder_id);
  if (r.name.empty()) throw ApiError(errors::kDiskNameRequired);
  if (!valid_object_name(r.name)) throw ApiError(errors::kDiskCouldNotSave);
  if (bytes.empty() || static_cast<int64_t>(bytes.size()) > s.config.max_upload_bytes)
    throw ApiError(errors::kDiskCouldNotSave);

  DiskObject f;
  f.parent_id = folder.id;
  f.storage_id = folder.storage_id;
  f.chat_id = folder.chat_id;
  f.owner_id = r.user_id;
  f.size = static_cast<int64_t>(bytes.size());
  ContentInfo info = sniff_image(bytes.substr(0, std::min<size_t>(bytes.size(), 64 * 1024)));
  f.mime = info.mime.empty() ? mime_for_name(r.name) : info.mime;
  f.width = info.width;
  f.height = info.height;

  BlobStore blobs(s.data_dir);
  try {
    f.blob = blobs.put(bytes);
  } catch (const std::exception& e) {
    spdlog::error("disk upload: {}", e.what());
    throw ApiError(errors::kDiskCouldNotSave);
  }
  try {
    s.store.write([&](Conn& c) {
      auto name = free_name(c, folder.id, r.name, r.unique_name);
      if (!name) throw ApiError(errors::kDiskNonUniqueName);
      f.name = *name;
      insert_file(c, f);
    });
  } catch (...) {
    blobs.remove(f.blob);
    throw;
  }
  return f;
}

}  // namespace imhub
