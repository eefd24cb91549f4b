#include "api/file_view.hpp"

#include "api/services.hpp"
#include "core/clock.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

std::string author_name(const Services& s, int64_t id) {
  if (!s.users || id <= 0) return "";
  auto u = s.users->find(id);
  return u ? u->full_name() : "";
}

}  // namespace

FileLinkSigner file_link_signer(const Services& s) {
  return {s.master_key, s.config.public_url, s.config.files_link_ttl};
}

std::string file_link_signature(const Services& s, int64_t file_id, int64_t viewer, int64_t expires) {
  return file_link_signer(s).signature(file_id, viewer, expires);
}

int64_t file_link_expiry(const Services& s) { return file_link_signer(s).expiry(static_cast<int64_t>(now_unix())); }

// Every view signs afresh: a link read in a message or file object works for files.link_ttl.
std::string file_link(const Services& s, const DiskObject& f, int64_t viewer, FileLink kind) {
  return file_link_signer(s).link(f, viewer, kind, file_link_expiry(s));
}

Value im_file_object(Conn& c, const Services& s, int64_t file_id, int64_t viewer) {
  auto f = find_object(c, file_id);
  if (!f || !f->is_file()) return Value();
  return im_file_object(s, *f, viewer);
}

Value im_file_object(const Services& s, const DiskObject& f, int64_t viewer) {
  const FileLinkSigner signer = file_link_signer(s);
  return imhub::im_file_object(f, author_name(s, f.owner_id),
                               file_links(signer, f, viewer, signer.expiry(static_cast<int64_t>(now_unix()))));
}

Value disk_file_fields(const Services& s, const DiskObject& f, int64_t viewer, bool all_strings) {
  auto num = [&](int64_t v) { return all_strings ? Value(std::to_string(v)) : Value(v); };
  auto str = [](int64_t v) { return Value(std::to_string(v)); };
  Value o = Value::map();
  o["ID"] = num(f.id);
  o["NAME"] = f.name;
  o["CODE"] = Value();
  o["STORAGE_ID"] = str(f.storage_id);
  o["TYPE"] = "file";
  o["PARENT_ID"] = str(f.parent_id);
  o["DELETED_TYPE"] = num(0);
  o["GLOBAL_CONTENT_VERSION"] = num(1);
  o["FILE_ID"] = num(f.id);
  o["SIZE"] = str(f.size);
  o["CREATE_TIME"] = atom_time(f.created_at);
  o["UPDATE_TIME"] = atom_time(f.updated_at);
  o["DELETE_TIME"] = Value();
  o["CREATED_BY"] = str(f.owner_id);
  o["UPDATED_BY"] = str(f.owner_id);
  o["DELETED_BY"] = all_strings ? Value("0") : Value();
  o["DOWNLOAD_URL"] = file_link(s, f, viewer, FileLink::kDownload);
  o["DETAIL_URL"] = file_link(s, f, viewer, FileLink::kShow);
  return o;
}

}  // namespace imhub
