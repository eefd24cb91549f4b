#include "ops/build_info.hpp"

// Written at every build by cmake/revision.cmake, rewritten only when the revision changes, so a
// new commit recompiles this one file.
#include "imhub_revision.h"

#ifndef IMHUB_VERSION
#define IMHUB_VERSION "0.0.0"
#endif
#ifndef IMHUB_REVISION
#define IMHUB_REVISION ""
#endif

namespace imhub {

std::string_view build_version() { return IMHUB_VERSION; }
std::string_view build_revision() { return IMHUB_REVISION; }

}  // namespace imhub
