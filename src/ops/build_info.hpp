// What was built: the project version from CMake and `git describe` of the tree it was built
// from (when built from a git checkout). Reported by `imhub --version` and imhub_build_info.
#pragma once

#include <string_view>

namespace imhub {

std::string_view build_version();   // "0.1.0"
std::string_view build_revision();  // `git describe --always --dirty`, or "" outside git

}  // namespace imhub
