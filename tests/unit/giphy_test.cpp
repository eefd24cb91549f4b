// The Giphy provider client (src/bots/giphy.*): request URLs and reading a Giphy API answer.
#include <gtest/gtest.h>

#include "bots/giphy.hpp"

namespace imhub {
namespace {

TEST(GiphyTest, Urls) {
  Config c;
  c.giphy_base_url = "http://127.0.0.1:9/v1/gifs";
  c.giphy_api_key = "k&y";
  EXPECT_EQ(giphy_search_url(c, "funny cats", 15, 30),
            "http://127.0.0.1:9/v1/gifs/search?api_key=k%26y&limit=15&rating=g&q=funny+cats&offset=30");
  EXPECT_EQ(giphy_trending_url(c, 15), "http://127.0.0.1:9/v1/gifs/trending?api_key=k%26y&limit=15&rating=g");
}

TEST(GiphyTest, AnswerPrefersWebp) {
  auto images = parse_giphy_answer(R"({"data":[
    {"images":{"fixed_width_downsampled":{"url":"a.gif","webp":"a.webp"},"fixed_height":{"url":"b.gif","webp":"b.webp"}}},
    {"images":{"fixed_width":{"url":"c.gif"},"original":{"url":"d.gif"}}},
    {"images":{}}, {"nope":1}, 5]})");
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].preview, "a.webp");
  EXPECT_EQ((*images)[0].original, "b.webp");
  EXPECT_EQ((*images)[1].preview, "c.gif");
  EXPECT_EQ((*images)[1].original, "d.gif");
}

TEST(GiphyTest, NotAnAnswer) {
  EXPECT_FALSE(parse_giphy_answer("<html>"));
  EXPECT_FALSE(parse_giphy_answer(R"({"meta":{}})"));
  EXPECT_TRUE(parse_giphy_answer(R"({"data":[]})"));
}

TEST(GiphyTest, NoKeyIsNotConfigured) {
  Config c;
  EXPECT_EQ(fetch_giphy(c, "http://127.0.0.1:9/x").status, GiphyStatus::kNotConfigured);
}

}  // namespace
}  // namespace imhub
