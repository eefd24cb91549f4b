// im.disk.* methods (scope `im`): spec 002 "Working with Files", reference chats/files/.
// Where they disagree (digest.md contradictions 23–25): both id parameter names are accepted,
// FILES_ERROR for delete and FILE_ID_EMPTY for save, im.disk.file.commit answers `true` as the
// spec's example does.
#include <spdlog/spdlog.h>

#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "disk/file.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_post.hpp"
#include "store/file_blob.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/files/";

// Descriptions: the spec example's text where it shows one, else the platform's (REF/SRC).

// CHAT_ID, or DIALOG_ID ("chatN", or a user id for the private dialog, created when missing:
// needs a write connection). Throws CHAT_ID_EMPTY / DIALOG_ID_EMPTY / ACCESS_ERROR.
Chat chat_param(const MethodCall& call, Tx& tx) {
  Conn& c = tx.conn;
  const int64_t me = call.caller.user_id;
  const Value& chat_id = call.param("CHAT_ID");
  const Value& dialog_id = call.param("DIALOG_ID");
  std::optional<Chat> chat;
  if (!chat_id.is_null() || dialog_id.is_null()) {
    auto id = chat_id.to_int();
    if (!id || *id <= 0) throw ApiError(errors::kChatIdEmpty);
    chat = find_chat(c, *id);
  } else {
    auto ref = parse_dialog_id(dialog_id.to_string());
    if (!ref) throw ApiError(errors::kDialogIdEmpty);
    if (ref->is_chat) {
      chat = find_chat(c, ref->id);
    } else {
      auto peer = call.services.users->find(ref->id);
      if (!peer || !peer->active) throw ApiError(errors::kNoAccess);
      chat = ensure_private_chat(tx, me, ref->id);
    }
  }
  // Files belong to participants: reading an open chat is not enough to post or browse them.
  if (!chat || !find_member(c, chat->id, me)) throw ApiError(errors::kNoAccess);
  return *chat;
}

// The ids of the first of `names` present: a number, a list, or the JSON text of a list.
std::optional<std::vector<int64_t>> id_list_param(const MethodCall& call, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    Value v = call.param(name);
    if (v.is_null()) continue;
    if (v.is_string() && !v.get_string().empty() && v.get_string().front() == '[')
      if (auto parsed = parse_json(v.get_string())) v = std::move(*parsed);
    std::vector<int64_t> ids;
    if (v.is_array()) {
      for (const Value* e : v.elements())
        if (auto id = e->to_int(); id && *id > 0) ids.push_back(*id);
    } else if (auto id = v.to_int(); id && *id > 0) {
      ids.push_back(*id);
    }
    return ids;
  }
  return std::nullopt;
}

int64_t file_id_param(const MethodCall& call) {
  for (const char* name : {"FILE_ID", "DISK_ID"}) {
    const Value& v = call.param(name);
    if (v.is_null()) continue;
    return v.to_int_or(0);
  }
  return 0;
}

MethodResult folder_get(MethodCall& call) {
  int64_t id = write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    Chat chat = chat_param(call, tx);
    return ensure_chat_folder(c, chat.id).id;
  });
  return Value::object({{"ID", id}});
}

// A file to publish: already in the chat's folder, or a readable file elsewhere that gets a
// copy there (its blob linked ahead of the transaction).
struct Publish {
  DiskObject file;
  bool copy = false;
};

MethodResult file_commit(MethodCall& call) {
  Services& s = call.services;
  const int64_t me = call.caller.user_id;
  // Checked in a write unit of its own: a private dialog named by DIALOG_ID may need creating.
  Chat chat = write_tx(call, [&](Tx& tx) { return chat_param(call, tx); });
  auto ids = id_list_param(call, {"FILE_ID", "DISK_ID", "UPLOAD_ID"});
  if (!ids) throw ApiError(errors::kFilesError);
  if (ids->empty()) throw ApiError(errors::kSaveError);
  std::vector<Publish> files;
  s.store.read([&](Conn& c) {
    for (int64_t id : *ids) {
      auto f = find_object(c, id);
      if (!f || !f->is_file() || !can_read_object(c, *f, me)) throw ApiError(errors::kSaveError);
      files.push_back({*f, f->chat_id != chat.id});
    }
  });
  BlobStore blobs(s.data_dir);
  std::vector<std::string> new_blobs;
  auto drop_new_blobs = [&] {
    for (const auto& b : new_blobs) blobs.remove(b);
  };
  try {
    for (Publish& p : files)
      if (p.copy) new_blobs.push_back(p.file.blob = blobs.duplicate(p.file.blob));
  } catch (const std::exception& e) {
    spdlog::error("im.disk.file.commit: {}", e.what());
    drop_new_blobs();
    throw ApiError(errors::kSaveError);
  }
  const std::string text = normalize_message_text(call.param("MESSAGE").to_string());
  try {
    write_tx(call, [&](Tx& tx) {
      Conn& c = tx.conn;
      DiskObject folder = ensure_chat_folder(c, chat.id);
      Value file_ids = Value::list();
      for (Publish& p : files) {
        if (p.copy) {
          p.file.parent_id = folder.id;
          p.file.storage_id = folder.storage_id;
          p.file.chat_id = chat.id;
          p.file.owner_id = me;
          p.file.name = *free_name(c, folder.id, p.file.name, true);
          insert_file(c, p.file);
        } else if (!find_object(c, p.file.id)) {
          throw ApiError(errors::kSaveError);  // deleted meanwhile
        }
        file_ids.push_back(p.file.id);
      }
      Value params = Value::map();
      params["FILE_ID"] = std::move(file_ids);
      const NewMessage added{chat.id, me, text, to_json(params), false, ""};
      // The files belong to the message before anyone hears of it (a bot gets them with
      // ONIMBOTMESSAGEADD like any other message).
      post_message(tx, chat, added, false, [&](int64_t message_id) {
        for (const Publish& p : files) attach_file(c, p.file.id, chat.id, message_id);
      });
      for (const Publish& p : files) tx.raise(FileCommitted{chat.id, p.file.id, me});
    });
  } catch (...) {
    drop_new_blobs();
    throw;
  }
  return Value(true);
}

MethodResult file_delete(MethodCall& call) {
  Services& s = call.services;
  const int64_t me = call.caller.user_id;
  auto chat_id = call.param("CHAT_ID").to_int();
  if (!chat_id || *chat_id <= 0) throw ApiError(errors::kChatIdEmpty);
  const int64_t file_id = file_id_param(call);
  if (file_id <= 0) throw ApiError(errors::kDeleteFileIdEmpty);
  // `false` for a chat the caller is not in or a file not in it; `true` for a participant,
  // though only the one who sent the file deletes it (reference page).
  std::string blob;
  bool ok = write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    if (!find_member(c, *chat_id, me)) return false;
    auto f = find_object(c, file_id);
    if (!f || !f->is_file() || f->chat_id != *chat_id) return false;
    if (f->owner_id == me) {
      blob = delete_file(c, *f);
      tx.raise(FileDeleted{*chat_id, file_id, me});
    }
    return true;
  });
  if (!blob.empty()) BlobStore(s.data_dir).remove(blob);
  return Value(ok);
}

MethodResult file_save(MethodCall& call) {
  Services& s = call.services;
  const int64_t me = call.caller.user_id;
  const int64_t file_id = file_id_param(call);
  if (file_id <= 0) throw ApiError(errors::kFileIdEmpty);
  auto source = s.store.read_with([&](Conn& c) -> std::optional<DiskObject> {
    auto f = find_object(c, file_id);
    if (!f || !f->is_file() || !can_read_object(c, *f, me)) return std::nullopt;
    return f;
  });
  if (!source) throw ApiError(errors::kFileSaveError);
  BlobStore blobs(s.data_dir);
  DiskObject copy = *source;
  try {
    copy.blob = blobs.duplicate(source->blob);
  } catch (const std::exception& e) {
    spdlog::error("im.disk.file.save: {}", e.what());
    throw ApiError(errors::kFileSaveError);
  }
  DiskObject folder;
  try {
    write_tx(call, [&](Tx& tx) {
      Conn& c = tx.conn;
      folder = ensure_saved_folder(c, me);
      copy.parent_id = folder.id;
      copy.storage_id = folder.storage_id;
      copy.chat_id = 0;
      copy.owner_id = me;
      copy.name = *free_name(c, folder.id, source->name, true);
      insert_file(c, copy);
    });
  } catch (...) {
    blobs.remove(copy.blob);
    throw;
  }
  return Value::object({{"folder", Value::object({{"id", folder.id}, {"name", folder.name}})},
                        {"file", Value::object({{"id", copy.id}, {"name", copy.name}})}});
}

}  // namespace

void register_im_disk_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  auto add = [&](std::string name, Handler h, std::string page, std::string note) {
    table.add(std::move(name), Effect::kWrite, std::move(h), page, std::move(note));
  };
  add("im.disk.folder.get", folder_get, "im-disk-folder-get.md", "");
  add("im.disk.file.commit", file_commit, "im-disk-file-commit.md",
      "result `true` as in the spec; SILENT_MODE (open lines) and AS_FILE (no image compression here) change nothing");
  add("im.disk.file.delete", file_delete, "im-disk-file-delete.md", "");
  add("im.disk.file.save", file_save, "im-disk-file-save.md", "");
}

}  // namespace imhub
