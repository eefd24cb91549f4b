#include "rest/storage_error.hpp"

namespace imhub {

std::optional<ApiError> storage_error(const StoreError& e) {
  switch (e.fault()) {
    case StorageFault::kFull:
      return ApiError("INSUFFICIENT_STORAGE", "The server's disk is full; the change was not saved", 507);
    case StorageFault::kReadOnly:
    case StorageFault::kIo:
      return ApiError("STORAGE_UNAVAILABLE", "The server cannot write to its storage; the change was not saved", 503);
    case StorageFault::kNone:
      break;
  }
  return std::nullopt;
}

}  // namespace imhub
