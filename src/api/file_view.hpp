// How files look on the wire, for api/ and http/: the messenger's camelCase file object
// (views/file_view.hpp) with links signed for one viewer, the upper-case Drive object of disk.*
// methods, and the download links both carry, signed with the portal's master key and the
// configured public URL and link lifetime.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "disk/file.hpp"
#include "store/store.hpp"
#include "views/file_view.hpp"

namespace imhub {

struct Services;

// The signer of this server's links (Services' master key and config).
FileLinkSigner file_link_signer(const Services& s);
// A link to `f` signed now for `viewer`.
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
