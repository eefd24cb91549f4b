// Chat avatars (spec im.chat.updateAvatar and im.chat.add AVATAR): a base64 image, recognised by
// its bytes rather than by anything the caller claims, stored in the data directory under a
// content-derived name and served by another part of the server at <public url>/avatar/<name>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

// The reference's limit: "max image 5000x5000".
constexpr int kMaxAvatarSide = 5000;

struct ImageInfo {
  std::string ext;  // "png", "jpg", "gif"
  int width = 0;
  int height = 0;
};

// Type and size of a PNG, JPEG or GIF from its header; nullopt for anything else or a header
// too short to read the size from.
std::optional<ImageInfo> sniff_avatar(std::string_view bytes);

struct AvatarImage {
  std::string bytes;
  ImageInfo info;
};

// The AVATAR parameter as Bitrix accepts files: a base64 string (a `data:...;base64,` prefix is
// tolerated) or a [file name, base64] pair. nullopt when it is not a PNG/JPEG/GIF of 1..5000 px
// a side.
std::optional<AvatarImage> parse_avatar(const Value& param);

// "chat<ID>-<first 8 hex of sha256>.<ext>": the same image stored twice gets the same name.
std::string avatar_file_name(int64_t chat_id, const AvatarImage& image);

// Writes the image durably (temporary file, fsync, rename, fsync of the directory) to
// <data_dir>/avatars/<name> and returns its public URL <public_url>/avatar/<name>.
std::string store_avatar(const std::string& data_dir, const std::string& public_url, int64_t chat_id,
                         const AvatarImage& image);
// The same for any image under `name` (a file name without directories): chat app icons.
std::string store_image(const std::string& data_dir, const std::string& public_url, const std::string& name,
                        const AvatarImage& image);

// A user's photo (a bot's PERSONAL_PHOTO): "user-<first 16 hex of sha256>.<ext>", stored like a
// chat avatar; named by content alone, so it can be written before the user exists.
std::string store_user_photo(const std::string& data_dir, const std::string& public_url, const AvatarImage& image);

}  // namespace imhub
