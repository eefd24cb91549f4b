// department.* methods (scope `department`).
#include "api/common.hpp"

namespace imhub {

void register_department_methods(Registry&) {}

}  // namespace imhub
