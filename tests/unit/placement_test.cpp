// OPTIONS of the IM_* placements (src/bots/placement.*): defaults, dropped keys, and the
// RegistrationValidator codes with the last failing check reported.
#include <gtest/gtest.h>

#include "bots/placement.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "text/placement_options.hpp"

namespace imhub {
namespace {

std::string code_of(std::string_view placement, const char* options_json) {
  try {
    validate_placement_options(placement, *parse_json(options_json));
    return "";
  } catch (const ApiError& e) {
    return e.code();
  }
}

TEST(PlacementTest, Codes) {
  EXPECT_EQ(im_placement_codes().size(), 5u);
  EXPECT_TRUE(is_im_placement("IM_SIDEBAR"));
  EXPECT_FALSE(is_im_placement("im_sidebar"));
  EXPECT_FALSE(is_im_placement("CRM_LEAD_DETAIL_TAB"));
}

TEST(PlacementTest, DefaultsAndUnknownKeys) {
  Value v = validate_placement_options("IM_TEXTAREA", *parse_json(R"({"iconName":"fa-bars","width":"200","x":1})"));
  EXPECT_EQ(
      to_json(v),
      R"({"iconName":"fa-bars","extranet":"N","context":"ALL","role":"USER","color":"","width":200,"height":100})");
  Value nav = validate_placement_options("IM_NAVIGATION", *parse_json(R"({"iconName":"fa-a","context":"CHAT"})"));
  EXPECT_EQ(to_json(nav), R"({"iconName":"fa-a","extranet":"N","role":"USER"})");
  Value menu = validate_placement_options("IM_CONTEXT_MENU", Value());
  EXPECT_EQ(to_json(menu), R"({"extranet":"N","context":"ALL","role":"USER"})");
}

TEST(PlacementTest, ValidatorCodes) {
  EXPECT_EQ(code_of("IM_SIDEBAR", "{}"), "EMPTY_ERROR_ICON_NAME");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"42"})"), "INVALID_ERROR_ICON_NAME");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","extranet":"n"})"), "INVALID_ERROR_EXTRANET");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","context":"USER;"})"), "INVALID_ERROR_CONTEXT");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","context":"USER;CRM;LINES"})"), "");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","role":"admin"})"), "INVALID_ERROR_ROLE");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","color":"ORANGE"})"), "");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"iconName":"fa-b","color":"orange"})"), "INVALID_ERROR_COLOR");
  EXPECT_EQ(code_of("IM_TEXTAREA", R"({"iconName":"fa-b","width":-1,"height":-1})"), "INVALID_ERROR_WIDTH");
  EXPECT_EQ(code_of("IM_TEXTAREA", R"({"iconName":"fa-b","height":-1})"), "INVALID_ERROR_HEIGHT");
  EXPECT_EQ(code_of("IM_SIDEBAR", R"({"width":-1})"), "EMPTY_ERROR_ICON_NAME") << "width is not a sidebar option";
  EXPECT_EQ(code_of("IM_SMILES_SELECTOR", R"({"role":"X","extranet":"X"})"), "INVALID_ERROR_ROLE");
}

}  // namespace
}  // namespace imhub
