// The documented answers to writes the disk refused (docs/operations.md, "When the disk is full"):
// a full disk is 507 INSUFFICIENT_STORAGE, a read-only or failing one 503 STORAGE_UNAVAILABLE.
// Both say nothing was saved; neither is a generic 500 or a 400.
#pragma once

#include <optional>

#include "core/error.hpp"
#include "store/store.hpp"

namespace imhub {

// The error for `e`, or nullopt when it is not a storage fault.
std::optional<ApiError> storage_error(const StoreError& e);

}  // namespace imhub
