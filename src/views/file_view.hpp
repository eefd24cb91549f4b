// The messenger's camelCase file object (common.md §7): the `files` of im.dialog.messages.get and
// of the message / messageChat push, `FILES` of im.disk.file.*. Shared by api/ and push/.
//
// Its links are signed for one viewer (HMAC with the portal's master key): a guessed or altered
// link is refused, and a signed one still works only while that viewer may read the file
// (http/file_routes.cpp checks both). The object takes its links ready-made, so a caller that
// builds it once for many viewers (the push) can put placeholders there and each viewer's links in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "disk/file.hpp"

namespace imhub {

enum class FileLink { kDownload, kShow, kPreview };

// What signs file links: the portal's master key, the server's public URL and how long a link
// lives (files.link_ttl, seconds).
struct FileLinkSigner {
  std::string_view key;
  std::string_view public_url;
  int64_t ttl = 0;

  // When a link signed at `now` (unix seconds) stops working: `ttl` later, rounded up to the hour
  // so the URL (and a browser's cache of it) stays the same for an hour of reads.
  int64_t expiry(int64_t now) const;
  // What a link for (file_id, viewer) valid until `expires` carries as `s`.
  std::string signature(int64_t file_id, int64_t viewer, int64_t expires) const;
  // /disk/download/<id> or /disk/show/<id> (kPreview: show with preview=Y), signed for `viewer`.
  std::string link(const DiskObject& f, int64_t viewer, FileLink kind, int64_t expires) const;
};

// The three links of one file object; `preview` is empty for a file that is not an image.
struct FileLinks {
  std::string download;
  std::string show;
  std::string preview;
};
FileLinks file_links(const FileLinkSigner& signer, const DiskObject& f, int64_t viewer, int64_t expires);

// The camelCase file object of `f` with the given links; `author_name` is its owner's full name.
Value im_file_object(const DiskObject& f, const std::string& author_name, const FileLinks& links);

}  // namespace imhub
