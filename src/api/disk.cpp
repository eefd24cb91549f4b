// disk.* methods (scope `disk`) the chat file flow needs: disk.folder.uploadfile and
// disk.file.get. Neither has a page in spec/ or reference/; contract from the official REST
// docs (api-reference/disk/…, digest.md "disk.folder.uploadfile", "disk.file.get").
#include "api/common.hpp"
#include "api/file_upload.hpp"
#include "api/file_view.hpp"
#include "core/base64.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/disk/";

int64_t id_param(const MethodCall& call) {
  const Value& v = call.param("id");
  auto id = v.to_int();
  if (!id || *id <= 0) {
    // A present but unusable id names nothing: "not found", as the platform answers.
    if (v.is_scalar() && !v.to_string().empty()) throw disk_errors::not_found(v.to_string());
    throw ApiError(errors::kDiskArgument);
  }
  return *id;
}

// Drive's boolean parameters arrive as JSON booleans or as form text.
bool flag_param(const Value& v) {
  if (v.is_bool()) return v.get_bool();
  const std::string s = to_lower(v.to_string());
  return s == "1" || s == "true" || s == "y";
}

// `data` as an object, or as its JSON text.
Value data_param(const MethodCall& call) {
  Value data = call.param("data");
  if (data.is_string()) {
    auto parsed = parse_json(data.get_string());
    return parsed ? std::move(*parsed) : Value();
  }
  return data;
}

// fileContent: ["name", "base64"] (also as a map with keys 0, 1) or a bare base64 string.
std::optional<std::string> file_content(const Value& v) {
  const Value* content = &v;
  std::vector<const Value*> parts = v.elements();
  if (v.is_array()) {
    if (parts.size() < 2) return std::nullopt;
    content = parts[1];
  }
  if (!content->is_string()) return std::nullopt;
  return base64_decode(content->get_string());
}

MethodResult folder_uploadfile(MethodCall& call) {
  UploadRequest r;
  r.user_id = call.caller.user_id;
  r.folder_id = id_param(call);
  r.unique_name = flag_param(call.param("generateUniqueName"));
  const Value data = data_param(call);
  if (const Value* name = data.find_ci("NAME"); name && name->is_scalar())
    r.name = std::string(trim(name->to_string()));
  const Value& content = call.param("fileContent");
  if (content.is_null() || (content.is_scalar() && content.to_string().empty())) {
    // No content: hand out a link the file can be POSTed to (multipart, field "file").
    upload_target(call.services, r.user_id, r.folder_id);
    return Value::object({{"field", "file"}, {"uploadUrl", upload_url(call.services, r)}});
  }
  upload_target(call.services, r.user_id, r.folder_id);
  if (r.name.empty()) throw ApiError(errors::kDiskNameRequired);
  std::optional<std::string> bytes = file_content(content);
  if (!bytes) throw ApiError(errors::kDiskCouldNotSave);
  DiskObject f = store_upload(call.services, r, *bytes);
  return disk_file_fields(call.services, f, r.user_id, false);
}

MethodResult file_get(MethodCall& call) {
  const int64_t id = id_param(call);
  const int64_t viewer = call.caller.user_id;
  auto file = call.services.store.read_with([&](Conn& c) -> std::optional<DiskObject> {
    auto f = find_object(c, id);
    if (!f || !f->is_file()) return std::nullopt;
    if (!can_read_object(c, *f, viewer)) throw ApiError(errors::kDiskAccessDenied);
    return f;
  });
  if (!file) throw disk_errors::not_found(std::to_string(id));
  return disk_file_fields(call.services, *file, viewer, true);
}

}  // namespace

void register_disk_methods(Registry& r) {
  r.add({.name = "disk.folder.uploadfile",
         .scope = "disk",
         .effect = Effect::kWrite,
         .handler = folder_uploadfile,
         .doc = kDoc + "folder/disk-folder-upload-file.md",
         .note = "folders: chat folders (im.disk.folder.get) and Saved Files; `rights` is not applied"});
  r.add({.name = "disk.file.get",
         .scope = "disk",
         .effect = Effect::kRead,
         .handler = file_get,
         .doc = kDoc + "file/disk-file-get.md",
         .note = ""});
}

}  // namespace imhub
