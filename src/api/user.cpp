// user.* methods (scope `user`, `user_basic`).
#include "api/common.hpp"

namespace imhub {

void register_user_methods(Registry&) {}

}  // namespace imhub
