#include "rest/storage_error.hpp"

#include "core/error_catalog.hpp"

namespace imhub {

std::optional<ApiError> storage_error(const StoreError& e) {
  switch (e.fault()) {
    case StorageFault::kFull:
      return ApiError(errors::kInsufficientStorage);
    case StorageFault::kReadOnly:
    case StorageFault::kIo:
      return ApiError(errors::kStorageUnavailable);
    case StorageFault::kNone:
      break;
  }
  return std::nullopt;
}

}  // namespace imhub
