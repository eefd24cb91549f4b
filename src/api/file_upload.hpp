// Storing an uploaded file in a Drive folder: the one path behind disk.folder.uploadfile
// (base64 `fileContent`) and the upload URL it hands out (multipart POST). The blob is made
// durable first, then the row is committed; a failed commit removes the blob again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "disk/file.hpp"

namespace imhub {

struct Services;

// disk.* errors (EXT pages disk-folder-upload-file.md, disk-file-get.md; statuses per
// protocol.md "Decisions": ACCESS_DENIED is 403, the rest 400).
namespace disk_errors {
// ERROR_NOT_FOUND with the id in its description.
ApiError not_found(std::string_view id);
}  // namespace disk_errors

struct UploadRequest {
  int64_t user_id = 0;
  int64_t folder_id = 0;
  std::string name;
  bool unique_name = false;
};

// The signed link disk.folder.uploadfile hands out when called without `fileContent`: a
// multipart POST to it (file in field "file") uploads as `r` on behalf of r.user_id.
std::string upload_url(const Services& s, const UploadRequest& r);
// The request a link's query stands for, or nullopt when it is not one we signed or expired.
std::optional<UploadRequest> parse_upload_url(const Services& s, std::string_view query);

// Checks the folder and the caller's right to add to it (throws ApiError); returns the folder.
DiskObject upload_target(Services& s, int64_t user_id, int64_t folder_id);
// Stores `bytes` as a new file; throws ApiError (ERROR_NOT_FOUND, ACCESS_DENIED, name and
// size errors). Call off the I/O threads: it waits for the disk and the durable commit.
DiskObject store_upload(Services& s, const UploadRequest& r, std::string_view bytes);

}  // namespace imhub
