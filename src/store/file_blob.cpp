#include "store/file_blob.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/fiber.hpp"
#include "core/strings.hpp"
#include "store/store.hpp"

namespace imhub {
namespace {

// An I/O failure, marked with the storage fault it means (a full disk answers 507, not 500).
StoreError disk_error(const std::string& what, int err) {
  return StoreError(what + std::strerror(err), storage_fault_of_errno(err));
}

uint32_t be16(std::string_view b, size_t i) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[i])) << 8) | static_cast<unsigned char>(b[i + 1]);
}
uint32_t be32(std::string_view b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
uint32_t le16(std::string_view b, size_t i) {
  return static_cast<unsigned char>(b[i]) | (static_cast<uint32_t>(static_cast<unsigned char>(b[i + 1])) << 8);
}

ContentInfo sniff_jpeg(std::string_view b) {
  // Walk the marker segments to the first start-of-frame; it carries height then width.
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[i]) != 0xFF) return {};
    unsigned char marker = static_cast<unsigned char>(b[i + 1]);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    const uint32_t len = be16(b, i + 2);
    if (len < 2) return {};
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > b.size()) return {};
      return {"image/jpeg", static_cast<int>(be16(b, i + 7)), static_cast<int>(be16(b, i + 5))};
    }
    if (marker == 0xD9 || marker == 0xDA) return {};  // end of image / scan before any frame header
    i += 2 + len;
  }
  return {};
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw disk_error("open " + path + ": ", errno);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw disk_error("fsync " + path + ": ", errno);
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw disk_error("write " + path + ": ", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

ContentInfo sniff_image(std::string_view b) {
  if (b.size() >= 24 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8) && b.substr(12, 4) == "IHDR")
    return {"image/png", static_cast<int>(be32(b, 16)), static_cast<int>(be32(b, 20))};
  if (b.size() >= 10 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a"))
    return {"image/gif", static_cast<int>(le16(b, 6)), static_cast<int>(le16(b, 8))};
  if (b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8)
    return sniff_jpeg(b);
  return {};
}

std::string file_extension(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return "";
  return to_lower(name.substr(dot + 1));
}

std::string mime_for_name(std::string_view name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"bmp", "image/bmp"},
      {"svg", "image/svg+xml"},
      {"heic", "image/heic"},
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"csv", "text/csv"},
      {"json", "application/json"},
      {"xml", "application/xml"},
      {"zip", "application/zip"},
      {"mp3", "audio/mpeg"},
      {"ogg", "audio/ogg"},
      {"wav", "audio/wav"},
      {"m4a", "audio/mp4"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"mov", "video/quicktime"},
      {"avi", "video/x-msvideo"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
  };
  const std::string ext = file_extension(name);
  for (const auto& [e, mime] : kTypes)
    if (ext == e) return mime;
  return "application/octet-stream";
}

bool valid_object_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == ".." || !valid_utf8(name)) return false;
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F || ch == '/' || ch == '\\') return false;
  }
  return true;
}

std::string numbered_name(std::string_view name, int n) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::string(name) + " (" + std::to_string(n) + ")";
  return std::string(name.substr(0, dot)) + " (" + std::to_string(n) + ")" + std::string(name.substr(dot));
}

std::string BlobStore::path(const std::string& token) const { return root_ + "/" + token.substr(0, 2) + "/" + token; }

std::string BlobStore::new_token_path(std::string& token) const {
  token = random_hex(16);
  const std::string dir = root_ + "/" + token.substr(0, 2);
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    // A new directory entry must itself be durable, or the blob can vanish with it.
    fsync_path(root_, O_RDONLY | O_DIRECTORY);
  }
  if (ec) throw disk_error("create " + dir + ": ", ec.value());
  return path(token);
}

std::string BlobStore::put(std::string_view bytes) const {
  // Disk writes with fsync: off the io thread when called from a request fiber.
  return run_blocking([&] {
    std::string token;
    const std::string final_path = new_token_path(token);
    const std::string tmp = final_path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw disk_error("create " + tmp + ": ", errno);
    try {
      write_all(fd, bytes, tmp);
      if (::fsync(fd) != 0) throw disk_error("fsync " + tmp + ": ", errno);
    } catch (...) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw;
    }
    ::close(fd);
    // Rename after fsync: the final name never points at partly written content.
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      throw disk_error("rename " + tmp + ": ", errno);
    }
    fsync_path(root_ + "/" + token.substr(0, 2), O_RDONLY | O_DIRECTORY);
    return token;
  });
}

std::string BlobStore::duplicate(const std::string& token) const {
  // Disk writes with fsync: off the io thread when called from a request fiber.
  return run_blocking([&] {
    std::string copy;
    const std::string dst = new_token_path(copy);
    if (::link(path(token).c_str(), dst.c_str()) != 0) {
      // Hard links can fail (e.g. link count limits); fall back to a real copy.
      std::error_code ec;
      std::filesystem::copy_file(path(token), dst, ec);
      if (ec) throw disk_error("copy " + path(token) + ": ", ec.value());
      fsync_path(dst, O_RDONLY);
    }
    fsync_path(root_ + "/" + copy.substr(0, 2), O_RDONLY | O_DIRECTORY);
    return copy;
  });
}

void BlobStore::remove(const std::string& token) const noexcept {
  if (token.size() < 2) return;
  ::unlink(path(token).c_str());
}

}  // namespace imhub
