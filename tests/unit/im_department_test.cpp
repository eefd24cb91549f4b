// The messenger's department object: full names along the company structure.
#include <gtest/gtest.h>

#include "im/department_view.hpp"

namespace imhub {
namespace {

DepartmentTree sample_tree() {
  DepartmentTree t;
  t[1] = Department{1, "Bitrix24", 500, std::nullopt, 1};
  t[51] = Department{51, "New York branch", 500, 1, 11};
  t[60] = Department{60, "Sales", 100, 51, std::nullopt};
  return t;
}

TEST(ImDepartment, FullNameRunsUpToTheRoot) {
  const DepartmentTree t = sample_tree();
  EXPECT_EQ(department_full_name(t, 1), "Bitrix24");
  EXPECT_EQ(department_full_name(t, 51), "New York branch / Bitrix24");
  EXPECT_EQ(department_full_name(t, 60), "Sales / New York branch / Bitrix24");
  EXPECT_EQ(department_full_name(t, 999), "");
}

TEST(ImDepartment, FullNameSurvivesACycle) {
  DepartmentTree t = sample_tree();
  t[1].parent = 60;
  EXPECT_EQ(department_full_name(t, 60), "Sales / New York branch / Bitrix24");
}

TEST(ImDepartment, ObjectHasSpecKeysAndNumberIds) {
  const DepartmentTree t = sample_tree();
  Value v = im_department_object(t, t.at(51));
  EXPECT_EQ(v["id"].get_int(), 51);
  EXPECT_EQ(v["name"].get_string(), "New York branch");
  EXPECT_EQ(v["full_name"].get_string(), "New York branch / Bitrix24");
  EXPECT_EQ(v["manager_user_id"].get_int(), 11);
  EXPECT_EQ(im_department_object(t, t.at(60))["manager_user_id"].get_int(), 0);
}

}  // namespace
}  // namespace imhub
