// How files look on the wire: the messenger's camelCase file object (`files` of
// im.dialog.messages.get, `FILES` of im.disk.file.*; common.md §7), the upper-case Drive
// object of disk.* methods, and the download links both carry.
//
// Links are signed for one viewer (HMAC with the portal's master key): a guessed or altered
// link is refused, and a signed one still works only while that viewer may read the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "disk/file.hpp"
#include "store/store.hpp"

namespace imhub {

struct Services;

enum class FileLink { kDownload, kShow, kPreview };

std::string file_link(const Services& s, const DiskObject& f, int64_t viewer, FileLink kind);
// The signature a link for (file_id, viewer) valid until `expires` (unix seconds) carries.
std::string file_link_signature(const Services& s, int64_t file_id, int64_t viewer, int64_t expires);
// When a link signed now stops working: files.link_ttl from now, rounded up to the hour so the
// URL (and a browser's cache of it) stays the same for an hour of reads.
int64_t file_link_expiry(const Services& s);

// The camelCase file object, or a null Value when the file does not exist.
Value im_file_object(Conn& c, const Services& s, int64_t file_id, int64_t viewer);
Value im_file_object(const Services& s, const DiskObject& f, int64_t viewer);

// The Drive file of disk.folder.uploadfile (`all_strings` false: numbers where its example has
// numbers) and disk.file.get (`all_strings` true: every id and number a string).
Value disk_file_fields(const Services& s, const DiskObject& f, int64_t viewer, bool all_strings);

}  // namespace imhub
