#include "core/value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

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

namespace imhub {
namespace {

// append_microsecond_time must write exactly what write_json writes, for every value it takes.
std::string via_json(double d) {
  std::string out;
  write_json(Value(d), out);
  return out;
}

TEST(Value, MicrosecondTimesAreWrittenAsWriteJsonWritesThem) {
  std::mt19937_64 rng(16);
  const int64_t top = int64_t{8589934592} * 1000000;  // 2^33 s in microseconds
  int taken = 0;
  auto check = [&](int64_t k) {
    const double d = static_cast<double>(k) / 1e6;
    std::string fast;
    if (!append_microsecond_time(d, fast)) {
      EXPECT_TRUE(fast.empty());
      return;
    }
    ++taken;
    ASSERT_EQ(fast, via_json(d)) << k;
  };
  for (int i = 0; i < 1000000; ++i) check(1000000 + static_cast<int64_t>(rng() % static_cast<uint64_t>(top - 1000000)));
  for (int i = 0; i < 200000; ++i)
    check(int64_t{1796538447000000} + static_cast<int64_t>(rng() % 100000000000));  // now
  for (int64_t k : {int64_t{1000001}, int64_t{1100000}, int64_t{1796538447400000}, int64_t{1796538447000010}, top - 1,
                    top - 10, int64_t{4294967296000001}})
    check(k);
  EXPECT_GT(taken, 1100000);
  // Values it leaves to write_json: whole seconds, below 1 s, from 2^33 s, not whole microseconds.
  std::string out;
  EXPECT_FALSE(append_microsecond_time(1000000000.0, out));
  EXPECT_FALSE(append_microsecond_time(0.5, out));
  EXPECT_FALSE(append_microsecond_time(8589934592.5, out));
  EXPECT_FALSE(append_microsecond_time(1796538447.4034435, out));  // two ulps from any k / 10^6
  EXPECT_FALSE(append_microsecond_time(std::nan(""), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(append_microsecond_time(1796538447.403443, out));
  EXPECT_EQ(out, "1796538447.403443");
}

}  // namespace
}  // namespace imhub
