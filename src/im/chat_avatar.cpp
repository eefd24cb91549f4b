#include "im/chat_avatar.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/fiber.hpp"
#include "core/strings.hpp"
#include "store/file_blob.hpp"
#include "store/store.hpp"

namespace imhub {
namespace {

void write_all_or_throw(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw StoreError("cannot write " + path);
    done += static_cast<size_t>(n);
  }
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw StoreError("cannot open " + path);
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw StoreError("cannot sync " + path);
}

}  // namespace

std::optional<ImageInfo> sniff_avatar(std::string_view bytes) {
  const ContentInfo c = sniff_image(bytes);
  if (c.mime.empty() || c.width <= 0 || c.height <= 0) return std::nullopt;
  const std::string ext = c.mime == "image/png" ? "png" : c.mime == "image/gif" ? "gif" : "jpg";
  return ImageInfo{ext, c.width, c.height};
}

std::optional<AvatarImage> parse_avatar(const Value& param) {
  std::string text;
  if (param.is_scalar()) {
    text = param.to_string();
  } else if (param.is_array()) {
    // CRestUtil::saveFile's [file name, content] form: the content is the last element.
    auto parts = param.elements();
    if (parts.size() != 2 || !parts[1]->is_scalar()) return std::nullopt;
    text = parts[1]->to_string();
  } else {
    return std::nullopt;
  }
  std::string_view body = trim(text);
  if (starts_with_ci(body, "data:")) {
    auto comma = body.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    body = body.substr(comma + 1);
  }
  auto bytes = base64_decode(body);
  if (!bytes || bytes->empty()) return std::nullopt;
  auto info = sniff_avatar(*bytes);
  if (!info || info->width < 1 || info->height < 1 || info->width > kMaxAvatarSide || info->height > kMaxAvatarSide)
    return std::nullopt;
  return AvatarImage{std::move(*bytes), std::move(*info)};
}

std::string avatar_file_name(int64_t chat_id, const AvatarImage& image) {
  return "chat" + std::to_string(chat_id) + "-" + sha256_hex(image.bytes).substr(0, 8) + "." + image.info.ext;
}

std::string store_avatar(const std::string& data_dir, const std::string& public_url, int64_t chat_id,
                         const AvatarImage& image) {
  return store_image(data_dir, public_url, avatar_file_name(chat_id, image), image);
}

std::string store_image(const std::string& data_dir, const std::string& public_url, const std::string& name,
                        const AvatarImage& image) {
  // Disk writes with fsync: off the io thread when called from a request fiber.
  return run_blocking([&] {
    const std::string dir = data_dir + "/avatars";
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/" + name;
    // Write beside it and rename, so the URL never serves a half-written file.
    const std::string tmp = path + ".tmp" + random_hex(4);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw StoreError("cannot create " + tmp);
    try {
      write_all_or_throw(fd, image.bytes, tmp);
      if (::fsync(fd) != 0) throw StoreError("cannot sync " + tmp);
    } catch (...) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      throw StoreError("cannot rename " + tmp);
    }
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return public_url + "/avatar/" + name;
  });
}

std::string store_user_photo(const std::string& data_dir, const std::string& public_url, const AvatarImage& image) {
  return store_image(data_dir, public_url, "user-" + sha256_hex(image.bytes).substr(0, 16) + "." + image.info.ext,
                     image);
}

}  // namespace imhub
