#include <gtest/gtest.h>

#include "http/file_routes.hpp"
#include "rest/decode.hpp"

namespace imhub {
namespace {

TEST(UploadTarget, FindsTheUploadMethodInAnyCase) {
  EXPECT_TRUE(is_upload_target(std::string(kUploadPath) + "?x=1"));
  EXPECT_TRUE(is_upload_target("/rest/disk.folder.uploadfile"));
  EXPECT_TRUE(is_upload_target("/rest/1/secret/DISK.Folder.UploadFile.json?id=5"));
  EXPECT_FALSE(is_upload_target("/rest/1/secret/im.message.add?x=/disk.folder.uploadfile"));  // only the path
  EXPECT_FALSE(is_upload_target("/rest/disk.folder.upload"));
  EXPECT_FALSE(is_upload_target("/other/disk.folder.uploadfile"));
}

TEST(NormalizePath, CleanPathsStayAsTheyAre) {
  EXPECT_EQ(normalize_path(""), "");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("/rest/server.time"), "/rest/server.time");
  EXPECT_EQ(normalize_path("/rest/server.time/"), "/rest/server.time");
  EXPECT_EQ(normalize_path("//rest///server.time"), "/rest/server.time");
}

}  // namespace
}  // namespace imhub
