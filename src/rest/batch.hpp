// `batch` belongs to the REST core (it re-enters the dispatcher); every other method is an api/
// adapter.
#pragma once

#include "api/registry.hpp"

namespace imhub {

// Every REST method: the api/ adapters (register_all_methods), then `batch`.
void register_rest_methods(Registry& r);

}  // namespace imhub
