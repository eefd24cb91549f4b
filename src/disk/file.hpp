// Drive objects behind chat files: folders (a chat's folder, a user's "Saved Files") and the
// files in them, and the rule of who may see or add to them.
//
// Access: a file is readable by its owner and by whoever may read the chat whose folder holds
// it (members; anyone for open chats), except members whose visible history starts after the
// message that published it. A folder accepts uploads from the chat's members, or its owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct DiskObject {
  int64_t id = 0;
  std::string type;  // "folder" or "file"
  int64_t parent_id = 0;
  int64_t storage_id = 0;
  std::string code;  // folders: "chat", "saved"; files: ""
  std::string name;
  int64_t chat_id = 0;   // the chat whose folder holds it (0: a personal folder)
  int64_t owner_id = 0;  // uploader; for "saved" folders the user; 0 for chat folders
  int64_t size = 0;
  std::string mime;
  std::string blob;
  int width = 0, height = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool is_file() const { return type == "file"; }
  bool is_image() const { return width > 0 && height > 0; }
};

// Storage ids: one shared storage for chat folders, one per user for personal folders.
constexpr int64_t kChatStorageId = 1;
inline int64_t user_storage_id(int64_t user_id) { return kChatStorageId + user_id; }
constexpr const char* kSavedFolderName = "Saved Files";

std::optional<DiskObject> find_object(Conn& c, int64_t id);
// The chat's folder, created when missing (write connection).
DiskObject ensure_chat_folder(Conn& c, int64_t chat_id);
// The user's "Saved Files" folder, created when missing (write connection).
DiskObject ensure_saved_folder(Conn& c, int64_t user_id);

bool can_read_object(Conn& c, const DiskObject& o, int64_t viewer);
bool can_add_to_folder(Conn& c, const DiskObject& folder, int64_t user_id);

// A free name in `folder_id`: `name` itself, or when `unique` its first free "name (n).ext".
// nullopt when `name` is taken and `unique` is false.
std::optional<std::string> free_name(Conn& c, int64_t folder_id, const std::string& name, bool unique);

// Inserts a file row (fills id, timestamps). The blob must already be durable.
void insert_file(Conn& c, DiskObject& f);
// Records that `message_id` of `chat_id` published `file_id`.
void attach_file(Conn& c, int64_t file_id, int64_t chat_id, int64_t message_id);
// Removes the file row and its attachments; detaches it from the messages that carried it (a
// message left with neither text nor files is marked deleted). Returns the blob to remove
// once the transaction is durable.
std::string delete_file(Conn& c, const DiskObject& f);

}  // namespace imhub
