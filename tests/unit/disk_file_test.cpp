// Pure parts of the chat file storage: image headers, names, blobs on disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/file_blob.hpp"

namespace imhub {
namespace {

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}

TEST(DiskFile, SniffsPngSize) {
  std::string png = bytes({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0,  0, 0, 13, 'I', 'H', 'D',
                           'R',  0,   0,   0,   72,   0,    0,    0,    61, 8, 6, 0,  0,   0});
  ContentInfo info = sniff_image(png);
  EXPECT_EQ(info.mime, "image/png");
  EXPECT_EQ(info.width, 72);
  EXPECT_EQ(info.height, 61);
}

TEST(DiskFile, SniffsGifSize) {
  ContentInfo info = sniff_image(std::string("GIF89a") + bytes({0x40, 0x01, 0xF0, 0x00, 0, 0}));
  EXPECT_EQ(info.mime, "image/gif");
  EXPECT_EQ(info.width, 320);
  EXPECT_EQ(info.height, 240);
}

TEST(DiskFile, SniffsJpegSizeAfterOtherSegments) {
  // SOI, APP0 (length 16), SOF0 with height 480 and width 640.
  std::string jpeg = bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10});
  jpeg += std::string(14, 'x');
  jpeg += bytes({0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03});
  ContentInfo info = sniff_image(jpeg);
  EXPECT_EQ(info.mime, "image/jpeg");
  EXPECT_EQ(info.width, 640);
  EXPECT_EQ(info.height, 480);
}

TEST(DiskFile, NonImagesAndTruncatedHeadersHaveNoSize) {
  EXPECT_EQ(sniff_image("hello world").mime, "");
  EXPECT_EQ(sniff_image(bytes({0x89, 'P', 'N', 'G'})).mime, "");
  EXPECT_EQ(sniff_image(bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 1, 2})).width, 0);
  EXPECT_EQ(sniff_image(bytes({0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02})).mime, "");
}

TEST(DiskFile, MimeAndExtensionFromName) {
  EXPECT_EQ(mime_for_name("a.PDF"), "application/pdf");
  EXPECT_EQ(mime_for_name("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(mime_for_name("noext"), "application/octet-stream");
  EXPECT_EQ(mime_for_name("page.html"), "application/octet-stream");
  EXPECT_EQ(file_extension("archive.tar.GZ"), "gz");
  EXPECT_EQ(file_extension("trailing."), "");
}

TEST(DiskFile, NumberedNamesKeepTheExtension) {
  EXPECT_EQ(numbered_name("report.pdf", 1), "report (1).pdf");
  EXPECT_EQ(numbered_name("README", 2), "README (2)");
  EXPECT_EQ(numbered_name(".bashrc", 1), ".bashrc (1)");
}

TEST(DiskFile, ValidNames) {
  EXPECT_TRUE(valid_object_name("report (1).pdf"));
  EXPECT_TRUE(valid_object_name("отчёт.docx"));
  EXPECT_FALSE(valid_object_name(""));
  EXPECT_FALSE(valid_object_name(".."));
  EXPECT_FALSE(valid_object_name("a/b"));
  EXPECT_FALSE(valid_object_name("a\\b"));
  EXPECT_FALSE(valid_object_name("a\nb"));
  EXPECT_FALSE(valid_object_name(std::string(256, 'x')));
  EXPECT_FALSE(valid_object_name("\xff"));
}

TEST(DiskFile, BlobsAreWrittenDuplicatedAndRemoved) {
  auto dir = std::filesystem::temp_directory_path() / ("imhub-blob-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  BlobStore blobs(dir.string());
  const std::string token = blobs.put("content");
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(read(blobs.path(token)), "content");
  const std::string copy = blobs.duplicate(token);
  EXPECT_NE(copy, token);
  blobs.remove(token);
  EXPECT_FALSE(std::filesystem::exists(blobs.path(token)));
  EXPECT_EQ(read(blobs.path(copy)), "content");
  blobs.remove(copy);
  blobs.remove("");  // no-op
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imhub
