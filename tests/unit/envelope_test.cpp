#include <gtest/gtest.h>

#include "core/json.hpp"
#include "rest/envelope.hpp"

namespace imhub {
namespace {

// The hand-written JSON envelope must match the generic tree rendering byte for byte.
TEST(Envelope, RenderSuccessMatchesTheTree) {
  Timing t;
  t.start = 1763719200.123456;
  t.finish = 1763719200.5;
  t.processing = 0.25;
  t.operating = 0;
  t.operating_reset_at = 1763719800;
  Value result = Value::map();
  result["ID"] = "1";
  result["list"] = Value::list();
  result["url"] = "https://x/y?a=<b>&c='d'";
  for (auto [next, total] :
       {std::pair<std::optional<int64_t>, std::optional<int64_t>>{std::nullopt, std::nullopt}, {50, 126}}) {
    EXPECT_EQ(render_success(result, next, total, t, Transport::kJson),
              to_json(success_body(result, next, total, time_block(t))));
    EXPECT_EQ(render_success(result, next, total, t, Transport::kXml),
              to_xml(success_body(result, next, total, time_block(t))));
  }
}

TEST(Envelope, WholeNumberDoublesKeepAFraction) {
  Timing t;
  t.start = 1763719200;
  t.finish = 1763719200;
  std::string body = render_success(Value(true), std::nullopt, std::nullopt, t, Transport::kJson);
  EXPECT_NE(body.find("\"start\":1763719200.0,"), std::string::npos) << body;
  EXPECT_NE(body.find("\"operating\":0.0}"), std::string::npos) << body;
}

}  // namespace
}  // namespace imhub
