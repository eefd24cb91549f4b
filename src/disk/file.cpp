#include "disk/file.hpp"

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/value.hpp"
#include "im/chat.hpp"
#include "store/file_blob.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<DiskObject> kObjectRow{
    {"id", &DiskObject::id},
    {"type", &DiskObject::type},
    {"parent_id", &DiskObject::parent_id},
    {"storage_id", &DiskObject::storage_id},
    {"code", &DiskObject::code},
    {"name", &DiskObject::name},
    {"chat_id", &DiskObject::chat_id},
    {"owner_id", &DiskObject::owner_id},
    {"size", &DiskObject::size},
    {"mime", &DiskObject::mime},
    {"blob", &DiskObject::blob},
    {"width", &DiskObject::width},
    {"height", &DiskObject::height},
    {"created_at", &DiskObject::created_at},
    {"updated_at", &DiskObject::updated_at},
};

DiskObject read_object(const Row& r) { return kObjectRow.read(r); }

std::optional<DiskObject> find_folder(Conn& c, const char* code, int64_t chat_id, int64_t owner_id) {
  auto r = c.query_one(
      "SELECT " + kObjectRow.list() + " FROM disk_objects WHERE code = $1 AND chat_id = $2 AND owner_id = $3",
      {std::string(code), chat_id, owner_id});
  if (!r) return std::nullopt;
  return read_object(*r);
}

DiskObject ensure_folder(Conn& c, const char* code, int64_t chat_id, int64_t owner_id, int64_t storage_id,
                         const std::string& name) {
  if (auto f = find_folder(c, code, chat_id, owner_id)) return *f;
  const int64_t now = now_unix_seconds();
  c.exec(
      "INSERT INTO disk_objects (type, storage_id, code, name, chat_id, owner_id, created_at, updated_at) "
      "VALUES ('folder', $1, $2, $3, $4, $5, $6, $6) ON CONFLICT (code, chat_id, owner_id) DO NOTHING",
      {storage_id, std::string(code), name, chat_id, owner_id, now});
  return *find_folder(c, code, chat_id, owner_id);
}

// A member whose history starts after every message that published the file does not see it.
bool hidden_by_history(Conn& c, const DiskObject& f, int64_t viewer) {
  auto member = find_member(c, f.chat_id, viewer);
  if (!member || member->first_visible_id <= 0) return false;
  Rows rows = c.query("SELECT message_id FROM disk_attachments WHERE file_id = $1 AND chat_id = $2", {f.id, f.chat_id});
  if (rows.empty()) return false;
  for (const Row& r : rows)
    if (r.i64(0) >= member->first_visible_id) return false;
  return true;
}

// The message's params without `file_id`; marks the message deleted when nothing is left.
void detach_from_message(Conn& c, int64_t message_id, int64_t file_id) {
  auto row = c.query_one("SELECT text, params FROM messages WHERE id = $1", {message_id});
  if (!row) return;
  std::optional<Value> parsed = row->str(1).empty() ? std::nullopt : parse_json(row->str(1));
  Value params = parsed && parsed->is_map() ? std::move(*parsed) : Value::map();
  Value kept = Value::list();
  if (const Value* ids = params.find("FILE_ID"))
    for (const Value* v : ids->elements())
      if (v->to_int_or(0) != file_id) kept.push_back(*v);
  params.get_map().erase("FILE_ID");
  const bool empty = row->str(0).empty() && kept.size() == 0;
  if (!empty && kept.size() > 0) params["FILE_ID"] = std::move(kept);
  if (empty) params["IS_DELETED"] = Value("Y");
  c.exec("UPDATE messages SET params = $2, deleted = CASE WHEN $3 = 1 THEN 1 ELSE deleted END WHERE id = $1",
         {message_id, params.size() ? to_json(params) : std::string(), int64_t{empty ? 1 : 0}});
}

}  // namespace

std::optional<DiskObject> find_object(Conn& c, int64_t id) {
  auto r = c.query_one("SELECT " + kObjectRow.list() + " FROM disk_objects WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_object(*r);
}

DiskObject ensure_chat_folder(Conn& c, int64_t chat_id) {
  return ensure_folder(c, "chat", chat_id, 0, kChatStorageId, "chat" + std::to_string(chat_id));
}

DiskObject ensure_saved_folder(Conn& c, int64_t user_id) {
  return ensure_folder(c, "saved", 0, user_id, user_storage_id(user_id), kSavedFolderName);
}

bool can_read_object(Conn& c, const DiskObject& o, int64_t viewer) {
  if (viewer <= 0) return false;
  if (o.owner_id == viewer) return true;
  if (o.chat_id <= 0) return false;
  auto chat = find_chat(c, o.chat_id);
  if (!chat || !can_read(c, *chat, viewer)) return false;
  return !o.is_file() || !hidden_by_history(c, o, viewer);
}

bool can_add_to_folder(Conn& c, const DiskObject& folder, int64_t user_id) {
  if (folder.type != "folder" || user_id <= 0) return false;
  if (folder.code == "chat") return find_member(c, folder.chat_id, user_id).has_value();
  return folder.owner_id == user_id;
}

std::optional<std::string> free_name(Conn& c, int64_t folder_id, const std::string& name, bool unique) {
  auto taken = [&](const std::string& n) {
    return c
        .query_one("SELECT 1 FROM disk_objects WHERE parent_id = $1 AND name = $2 AND type = 'file'", {folder_id, n})
        .has_value();
  };
  if (!taken(name)) return name;
  if (!unique) return std::nullopt;
  for (int n = 1;; ++n) {
    std::string candidate = numbered_name(name, n);
    if (!taken(candidate)) return candidate;
  }
}

void insert_file(Conn& c, DiskObject& f) {
  f.type = "file";
  f.created_at = f.updated_at = now_unix_seconds();
  auto row = c.query_one(
      "INSERT INTO disk_objects (type, parent_id, storage_id, name, chat_id, owner_id, size, mime, blob, width, "
      "height, created_at, updated_at) VALUES ('file', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) "
      "RETURNING id",
      {f.parent_id, f.storage_id, f.name, f.chat_id, f.owner_id, f.size, f.mime, f.blob, int64_t{f.width},
       int64_t{f.height}, f.created_at});
  f.id = row->i64(0);
}

void attach_file(Conn& c, int64_t file_id, int64_t chat_id, int64_t message_id) {
  c.exec("INSERT INTO disk_attachments (file_id, chat_id, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
         {file_id, chat_id, message_id});
}

std::string delete_file(Conn& c, const DiskObject& f) {
  for (const Row& r : c.query("SELECT message_id FROM disk_attachments WHERE file_id = $1", {f.id}))
    detach_from_message(c, r.i64(0), f.id);
  c.exec("DELETE FROM disk_attachments WHERE file_id = $1", {f.id});
  c.exec("DELETE FROM disk_objects WHERE id = $1", {f.id});
  return f.blob;
}

}  // namespace imhub
