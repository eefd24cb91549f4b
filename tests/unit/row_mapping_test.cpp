// RowMapping: the SELECT list and the reader come from one table, so they cannot drift apart.
#include <gtest/gtest.h>

#include "store/row_mapping.hpp"

namespace imhub {
namespace {

enum class Kind { kA = 1, kB = 2 };

struct Record {
  int64_t id = 0;
  int small = 0;
  bool flag = false;
  double ratio = 0;
  std::string name;
  std::optional<int64_t> maybe;
  Kind kind = Kind::kA;
  int untouched = 7;  // not a column: keeps its default
};

const RowMapping<Record> kRecordRow{
    {"id", &Record::id},
    {"small", &Record::small},
    {"flag", &Record::flag},
    {"ratio", &Record::ratio},
    {"name", &Record::name},
    {"maybe", &Record::maybe},
    {"kind", [](Record& r, const Row& row, size_t i) { r.kind = static_cast<Kind>(row.i64(i)); }},
};

TEST(RowMappingTest, ListsTheColumnsInOrder) {
  EXPECT_EQ(kRecordRow.list(), "id, small, flag, ratio, name, maybe, kind");
  EXPECT_EQ(kRecordRow.list("r"), "r.id, r.small, r.flag, r.ratio, r.name, r.maybe, r.kind");
  EXPECT_EQ(kRecordRow.list(""), kRecordRow.list());
  EXPECT_EQ(kRecordRow.select("records"), "SELECT id, small, flag, ratio, name, maybe, kind FROM records ");
  EXPECT_EQ(kRecordRow.size(), 7u);
}

TEST(RowMappingTest, ReadsEachFieldFromItsColumn) {
  const Row row({int64_t{42}, int64_t{3}, int64_t{1}, 0.25, std::string("Ann"), nullptr, int64_t{2}});
  const Record r = kRecordRow.read(row);
  EXPECT_EQ(r.id, 42);
  EXPECT_EQ(r.small, 3);
  EXPECT_TRUE(r.flag);
  EXPECT_DOUBLE_EQ(r.ratio, 0.25);
  EXPECT_EQ(r.name, "Ann");
  EXPECT_FALSE(r.maybe.has_value());
  EXPECT_EQ(r.kind, Kind::kB);
  EXPECT_EQ(r.untouched, 7);
}

TEST(RowMappingTest, ReadsARecordThatStartsAfterOtherColumns) {
  // A join: two columns of something else, then the record.
  const Row row(
      {std::string("x"), int64_t{9}, int64_t{5}, int64_t{0}, int64_t{0}, 1.5, std::string(""), int64_t{8}, int64_t{1}});
  const Record r = kRecordRow.read(row, 2);
  EXPECT_EQ(r.id, 5);
  EXPECT_FALSE(r.flag);
  EXPECT_EQ(r.maybe, 8);
  EXPECT_EQ(r.kind, Kind::kA);
}

}  // namespace
}  // namespace imhub
