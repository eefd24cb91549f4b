// Every REST method of the reference (shared/spec and the core methods issue 2 names), with the
// part of the reference it belongs to. `imhub coverage` joins it with the Registry to write
// docs/api-coverage.md, and a test checks that file is current.
#pragma once

#include <string_view>
#include <vector>

namespace imhub {

struct SpecMethod {
  std::string_view name;
  std::string_view area;
};

const std::vector<SpecMethod>& spec_methods();

}  // namespace imhub
