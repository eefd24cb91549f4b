// Filter-key parsing for user.get (user-get.md prefix operators): the longest operator wins.
#include <gtest/gtest.h>

#include "users/user_query.hpp"
#include "views/user_view.hpp"

namespace imhub {
namespace {

void expect_split(const std::string& key, const std::string& op, const std::string& field) {
  FilterKey k = split_filter_key(key);
  EXPECT_EQ(k.op, op) << key;
  EXPECT_EQ(k.field, field) << key;
}

TEST(UserFilterKey, SplitsEveryDocumentedOperator) {
  expect_split("NAME", "", "NAME");
  expect_split("name", "", "NAME");
  expect_split(">=ID", ">=", "ID");
  expect_split(">ID", ">", "ID");
  expect_split("<=ID", "<=", "ID");
  expect_split("<ID", "<", "ID");
  expect_split("@PERSONAL_CITY", "@", "PERSONAL_CITY");
  expect_split("!@PERSONAL_CITY", "!@", "PERSONAL_CITY");
  expect_split("%NAME", "%", "NAME");
  expect_split("=%NAME", "=%", "NAME");
  expect_split("%=NAME", "%=", "NAME");
  expect_split("!%LAST_NAME", "!%", "LAST_NAME");
  expect_split("!=%LAST_NAME", "!=%", "LAST_NAME");
  expect_split("!%=LAST_NAME", "!%=", "LAST_NAME");
  expect_split("=EMAIL", "=", "EMAIL");
  expect_split("!=ID", "!=", "ID");
  expect_split("!ID", "!", "ID");
}

TEST(UserFilterKey, SortFieldsAreWhitelisted) {
  EXPECT_TRUE(is_user_sort_field("ID"));
  EXPECT_TRUE(is_user_sort_field("LAST_NAME"));
  EXPECT_FALSE(is_user_sort_field("UF_DEPARTMENT"));
  EXPECT_FALSE(is_user_sort_field("id; DROP TABLE users"));
}

TEST(UserDates, NormalizesToIsoDate) {
  std::string out;
  EXPECT_TRUE(normalize_user_date("1990-05-17", out));
  EXPECT_EQ(out, "1990-05-17");
  EXPECT_TRUE(normalize_user_date("2020-01-01T00:00:00+02:00", out));
  EXPECT_EQ(out, "2020-01-01");
  EXPECT_TRUE(normalize_user_date("", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(normalize_user_date("yesterday", out));
}

}  // namespace
}  // namespace imhub
