#include "rest/batch_refs.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace imhub {

TEST(BatchRefs, WholeValueKeepsTypeAndPartialIsText) {
  BatchState st;
  st.result["u"] = *parse_json(R"([{"ID":"7","LIST":[1,2]}])");
  st.result_next["u"] = 50;
  st.result_error["e"] = *parse_json(R"({"error":"X","error_description":"d"})");
  Value p = *parse_json(
      R"({"a":"$result[u][0][ID]","b":"id=$result[u][0][ID];","c":"$result[u][0][LIST]","d":"$next[u]",
          "e":"$ERROR[e][error]","f":"$result[nope][x]","g":["$result[u][0][ID] tail"],"h":"$result[u][0][MISSING]"})");
  substitute_batch_refs(p, st);
  EXPECT_EQ(p["a"], Value("7"));
  EXPECT_EQ(p["b"], Value("id=7;"));
  EXPECT_EQ(to_plain_json(p["c"]), "[1,2]");
  EXPECT_EQ(p["d"], Value(int64_t{50}));
  EXPECT_EQ(p["e"], Value("X"));
  EXPECT_EQ(p["f"], Value("$result[nope][x]"));
  EXPECT_EQ(p["g"].get_list()[0], Value("7 tail"));
  // A missing segment stops at the last level found.
  EXPECT_TRUE(p["h"].is_map());
}

}  // namespace imhub
