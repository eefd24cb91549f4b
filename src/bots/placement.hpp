// Placements of the new chat design ("Application for New Chat Design", spec 002): an
// application binds a handler URL to IM_NAVIGATION, IM_TEXTAREA, IM_SIDEBAR, IM_CONTEXT_MENU or
// IM_SMILES_SELECTOR with placement.bind. Rows live in `app_placements` (migration 15).
//
// OPTIONS follow Bitrix\Im\V2\Marketplace\Placement: each placement knows its options, their
// type and default; unknown options are dropped; the values are checked by the platform's
// RegistrationValidator (iconName, extranet, context, role, color, width, height), and when
// several are wrong the last check's error is the one reported, as there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

// The IM_* codes placement.list reports, in the platform's order.
const std::vector<std::string>& im_placement_codes();
bool is_im_placement(std::string_view code);

// OPTIONS of `placement` with defaults filled in and unknown keys dropped; throws ApiError
// (EMPTY_ERROR_ICON_NAME, INVALID_ERROR_ICON_NAME, INVALID_ERROR_EXTRANET, INVALID_ERROR_CONTEXT,
// INVALID_ERROR_ROLE, INVALID_ERROR_COLOR, INVALID_ERROR_HEIGHT, INVALID_ERROR_WIDTH) when a value
// is not allowed. `placement` must be an IM_* code.
Value validate_placement_options(std::string_view placement, const Value& options);

struct PlacementBinding {
  int64_t id = 0;
  int64_t app_id = 0;
  std::string placement;
  std::string handler;
  int64_t user_id = 0;
  Value options = Value::map();
  std::string title;
  std::string description;
  Value lang = Value::map();  // language → {TITLE, DESCRIPTION, GROUP_NAME}
  int64_t created_at = 0;
};

// False when the same (application, placement, handler, user) is bound already.
bool insert_placement(Conn& w, PlacementBinding& b);
std::vector<PlacementBinding> app_placements(Conn& c, int64_t app_id);
// Removes the application's bindings of `placement`, only `handler`'s when not empty and only
// `user_id`'s when given; returns how many went.
int64_t remove_placements(Conn& w, int64_t app_id, const std::string& placement, const std::string& handler,
                          std::optional<int64_t> user_id);

}  // namespace imhub
