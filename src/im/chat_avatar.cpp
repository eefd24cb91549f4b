#include "im/chat_avatar.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "store/store.hpp"

namespace imhub {
namespace {

unsigned byte_at(std::string_view b, size_t i) { return static_cast<unsigned char>(b[i]); }
int be16(std::string_view b, size_t i) { return static_cast<int>((byte_at(b, i) << 8) | byte_at(b, i + 1)); }
int le16(std::string_view b, size_t i) { return static_cast<int>(byte_at(b, i) | (byte_at(b, i + 1) << 8)); }
int64_t be32(std::string_view b, size_t i) {
  return (int64_t{byte_at(b, i)} << 24) | (byte_at(b, i + 1) << 16) | (byte_at(b, i + 2) << 8) | byte_at(b, i + 3);
}

std::optional<ImageInfo> sniff_png(std::string_view b) {
  static constexpr std::string_view kSig("\x89PNG\r\n\x1a\n", 8);
  // The first chunk must be IHDR: width and height are its first two 32-bit fields.
  if (b.size() < 24 || b.substr(0, 8) != kSig || b.substr(12, 4) != "IHDR") return std::nullopt;
  const int64_t w = be32(b, 16), h = be32(b, 20);
  if (w > INT32_MAX || h > INT32_MAX) return std::nullopt;
  return ImageInfo{"png", static_cast<int>(w), static_cast<int>(h)};
}

std::optional<ImageInfo> sniff_gif(std::string_view b) {
  if (b.size() < 10 || (b.substr(0, 6) != "GIF87a" && b.substr(0, 6) != "GIF89a")) return std::nullopt;
  return ImageInfo{"gif", le16(b, 6), le16(b, 8)};
}

// JPEG keeps its size in the first start-of-frame segment; walk the segments up to it.
std::optional<ImageInfo> sniff_jpeg(std::string_view b) {
  if (b.size() < 4 || byte_at(b, 0) != 0xFF || byte_at(b, 1) != 0xD8 || byte_at(b, 2) != 0xFF) return std::nullopt;
  size_t i = 2;
  while (i + 1 < b.size()) {
    if (byte_at(b, i) != 0xFF) return std::nullopt;
    const unsigned marker = byte_at(b, i + 1);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a length
      i += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end of image / scan before any frame
    if (i + 4 > b.size()) return std::nullopt;
    const int length = be16(b, i + 2);
    if (length < 2) return std::nullopt;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > b.size()) return std::nullopt;
      return ImageInfo{"jpg", be16(b, i + 7), be16(b, i + 5)};
    }
    i += 2 + static_cast<size_t>(length);
  }
  return std::nullopt;
}

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

std::optional<ImageInfo> sniff_image(std::string_view bytes) {
  if (auto png = sniff_png(bytes)) return png;
  if (auto gif = sniff_gif(bytes)) return gif;
  return sniff_jpeg(bytes);
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
  auto info = sniff_image(*bytes);
  if (!info || info->width < 1 || info->height < 1 || info->width > kMaxAvatarSide || info->height > kMaxAvatarSide)
    return std::nullopt;
  return AvatarImage{std::move(*bytes), std::move(*info)};
}

std::string avatar_file_name(int64_t chat_id, const AvatarImage& image) {
  return "chat" + std::to_string(chat_id) + "-" + sha256_hex(image.bytes).substr(0, 8) + "." + image.info.ext;
}

std::string store_avatar(const std::string& data_dir, const std::string& public_url, int64_t chat_id,
                         const AvatarImage& image) {
  const std::string dir = data_dir + "/avatars";
  std::filesystem::create_directories(dir);
  const std::string name = avatar_file_name(chat_id, image);
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
}

}  // namespace imhub
