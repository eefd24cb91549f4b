#include "core/value.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace imhub {

TEST(Value, EmptyMapIsWrittenAsList) { EXPECT_EQ(to_json(Value::map()), "[]"); }

TEST(Value, EmptyObjectIsWrittenAsObject) { EXPECT_EQ(to_json(Value::empty_object()), "{}"); }

TEST(Value, SequentialMapIsAList) {
  Value v = Value::map();
  v["0"] = "a";
  v["1"] = "b";
  EXPECT_EQ(to_json(v), R"(["a","b"])");
  v["3"] = "c";
  EXPECT_EQ(to_json(v), R"({"0":"a","1":"b","3":"c"})");
}

TEST(Value, JsonEscapingMatchesBitrix) {
  EXPECT_EQ(to_json(Value("a/b")), R"("a\/b")");
  EXPECT_EQ(to_json(Value("Жук")), R"("\u0416\u0443\u043a")");
  EXPECT_EQ(to_json(Value("<&'\">")), R"("\u003c\u0026\u0027\u0022\u003e")");
  EXPECT_EQ(to_json(Value("\xF0\x9F\x98\x80")), R"("\ud83d\ude00")");
}

TEST(Value, PhpTruthiness) {
  EXPECT_FALSE(Value("0").truthy());
  EXPECT_FALSE(Value("").truthy());
  EXPECT_FALSE(Value(false).truthy());
  EXPECT_TRUE(Value("false").truthy());
  EXPECT_TRUE(Value("N").truthy());
}

TEST(Value, ParseJsonKeepsTypesAndOrder) {
  auto v = parse_json(R"({"b":1,"a":[true,null,1.5,"x"]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->get_map().key_at(0), "b");
  EXPECT_TRUE((*v)["b"].is_int());
  EXPECT_TRUE((*v)["a"].get_list()[0].is_bool());
  EXPECT_EQ(to_json(*v), R"({"b":1,"a":[true,null,1.5,"x"]})");
}

TEST(Value, ParseJsonRejectsDeepNesting) {
  std::string deep(10000, '[');
  EXPECT_FALSE(parse_json(deep));
  EXPECT_FALSE(parse_json("{\"a\":\"\xff\"}"));
}

}  // namespace imhub
