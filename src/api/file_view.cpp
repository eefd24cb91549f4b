#include "api/file_view.hpp"

#include "api/services.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/form.hpp"
#include "core/json.hpp"
#include "store/file_blob.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

// common.md §7 `type`: image, video, audio or file.
std::string im_file_type(const DiskObject& f) {
  if (f.is_image()) return "image";
  if (f.mime.rfind("video/", 0) == 0) return "video";
  if (f.mime.rfind("audio/", 0) == 0) return "audio";
  return "file";
}

std::string viewer_type(const std::string& type) { return type == "file" ? "document" : type; }

std::string author_name(const Services& s, int64_t id) {
  if (!s.users || id <= 0) return "";
  auto u = s.users->find(id);
  return u ? u->full_name() : "";
}

// The viewer's context actions, as the JSON text the platform puts in viewerAttrs.actions.
std::string viewer_actions(int64_t file_id) {
  Value download = Value::object({{"type", "download"}});
  Value copy = Value::object({{"type", "copyToMe"},
                              {"text", "Save to Drive"},
                              {"action", "BXIM.disk.saveToDiskAction"},
                              {"params", Value::object({{"fileId", std::to_string(file_id)}})},
                              {"extension", "disk.viewer.actions"},
                              {"buttonIconClass", "ui-btn-icon-cloud"}});
  Value list = Value::list();
  list.push_back(std::move(download));
  list.push_back(std::move(copy));
  return to_json(list);
}

}  // namespace

std::string file_link_signature(const Services& s, int64_t file_id, int64_t viewer, int64_t expires) {
  return hmac_sha256_hex(s.master_key, "disk-file:" + std::to_string(file_id) + ":" + std::to_string(viewer) + ":" +
                                           std::to_string(expires))
      .substr(0, 32);
}

int64_t file_link_expiry(const Services& s) {
  const int64_t at = static_cast<int64_t>(now_unix()) + s.config.files_link_ttl;
  return (at + 3599) / 3600 * 3600;
}

// Every view signs afresh: a link read in a message or file object works for files.link_ttl.
std::string file_link(const Services& s, const DiskObject& f, int64_t viewer, FileLink kind) {
  const int64_t expires = file_link_expiry(s);
  std::string url = s.config.public_url + (kind == FileLink::kDownload ? "/disk/download/" : "/disk/show/") +
                    std::to_string(f.id) + "?u=" + std::to_string(viewer) + "&e=" + std::to_string(expires) +
                    "&s=" + file_link_signature(s, f.id, viewer, expires);
  if (kind == FileLink::kPreview) url += "&preview=Y";
  return url + "&fileName=" + url_encode(f.name);
}

Value im_file_object(Conn& c, const Services& s, int64_t file_id, int64_t viewer) {
  auto f = find_object(c, file_id);
  if (!f || !f->is_file()) return Value();
  return im_file_object(s, *f, viewer);
}

Value im_file_object(const Services& s, const DiskObject& f, int64_t viewer) {
  const std::string type = im_file_type(f);
  const std::string download = file_link(s, f, viewer, FileLink::kDownload);
  const std::string preview = f.is_image() ? file_link(s, f, viewer, FileLink::kPreview) : "";
  Value o = Value::map();
  o["id"] = f.id;
  o["chatId"] = f.chat_id;
  o["date"] = atom_time(f.created_at);
  o["type"] = type;
  o["preview"] = "";
  o["name"] = f.name;
  o["extension"] = file_extension(f.name);
  o["size"] = f.size;
  // Non-images carry `false` here, as PHP's "no value" for this key.
  o["image"] = f.is_image() ? Value::object({{"width", f.width}, {"height", f.height}}) : Value(false);
  o["status"] = "done";
  o["progress"] = 100;
  o["authorId"] = f.owner_id;
  o["authorName"] = author_name(s, f.owner_id);
  o["urlPreview"] = preview;
  o["urlShow"] = file_link(s, f, viewer, FileLink::kShow);
  o["urlDownload"] = download;
  o["viewerAttrs"] = Value::object({{"viewer", ""},
                                    {"viewerType", viewer_type(type)},
                                    {"src", download},
                                    {"viewerResized", ""},
                                    {"objectId", std::to_string(f.id)},
                                    {"viewerGroupBy", std::to_string(f.chat_id)},
                                    {"imChatId", f.chat_id},
                                    {"title", f.name},
                                    {"actions", viewer_actions(f.id)}});
  o["mediaUrl"] = f.is_image() ? Value::object({{"preview", Value::object({{"250", preview}})}}) : Value::list();
  o["isTranscribable"] = false;
  o["isVideoNote"] = false;
  o["isVoiceNote"] = false;
  return o;
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
