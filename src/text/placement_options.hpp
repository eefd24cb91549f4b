// OPTIONS of the IM_* placements (placement.bind) as Bitrix\Im\V2\Marketplace\Placement checks
// them: each placement knows its options, their type and default; unknown options are dropped;
// the values are checked by the platform's RegistrationValidator (iconName, extranet, context,
// role, color, width, height), and when several are wrong the last check's error is reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"

namespace imhub {

// The IM_* codes placement.list reports, in the platform's order.
const std::vector<std::string>& im_placement_codes();
bool is_im_placement(std::string_view code);

// OPTIONS of `placement` with defaults filled in and unknown keys dropped; throws ApiError
// (EMPTY_ERROR_ICON_NAME, INVALID_ERROR_ICON_NAME, INVALID_ERROR_EXTRANET, INVALID_ERROR_CONTEXT,
// INVALID_ERROR_ROLE, INVALID_ERROR_COLOR, INVALID_ERROR_HEIGHT, INVALID_ERROR_WIDTH) when a value
// is not allowed. `placement` must be an IM_* code.
Value validate_placement_options(std::string_view placement, const Value& options);

}  // namespace imhub
