#include "views/file_view.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/form.hpp"
#include "core/json.hpp"
#include "store/file_blob.hpp"

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

int64_t FileLinkSigner::expiry(int64_t now) const {
  const int64_t at = now + ttl;
  return (at + 3599) / 3600 * 3600;
}

std::string FileLinkSigner::signature(int64_t file_id, int64_t viewer, int64_t expires) const {
  return hmac_sha256_hex(
             key, "disk-file:" + std::to_string(file_id) + ":" + std::to_string(viewer) + ":" + std::to_string(expires))
      .substr(0, 32);
}

std::string FileLinkSigner::link(const DiskObject& f, int64_t viewer, FileLink kind, int64_t expires) const {
  std::string url = std::string(public_url) + (kind == FileLink::kDownload ? "/disk/download/" : "/disk/show/") +
                    std::to_string(f.id) + "?u=" + std::to_string(viewer) + "&e=" + std::to_string(expires) +
                    "&s=" + signature(f.id, viewer, expires);
  if (kind == FileLink::kPreview) url += "&preview=Y";
  return url + "&fileName=" + url_encode(f.name);
}

FileLinks file_links(const FileLinkSigner& signer, const DiskObject& f, int64_t viewer, int64_t expires) {
  return {signer.link(f, viewer, FileLink::kDownload, expires), signer.link(f, viewer, FileLink::kShow, expires),
          f.is_image() ? signer.link(f, viewer, FileLink::kPreview, expires) : std::string()};
}

Value im_file_object(const DiskObject& f, const std::string& author_name, const FileLinks& links) {
  const std::string type = im_file_type(f);
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
  o["authorName"] = author_name;
  o["urlPreview"] = links.preview;
  o["urlShow"] = links.show;
  o["urlDownload"] = links.download;
  o["viewerAttrs"] = Value::object({{"viewer", ""},
                                    {"viewerType", viewer_type(type)},
                                    {"src", links.download},
                                    {"viewerResized", ""},
                                    {"objectId", std::to_string(f.id)},
                                    {"viewerGroupBy", std::to_string(f.chat_id)},
                                    {"imChatId", f.chat_id},
                                    {"title", f.name},
                                    {"actions", viewer_actions(f.id)}});
  o["mediaUrl"] = f.is_image() ? Value::object({{"preview", Value::object({{"250", links.preview}})}}) : Value::list();
  o["isTranscribable"] = false;
  o["isVideoNote"] = false;
  o["isVoiceNote"] = false;
  return o;
}

}  // namespace imhub
