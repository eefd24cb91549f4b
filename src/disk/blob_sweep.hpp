// Start-up cleanup of <data>/files (issue 17): a crash between writing a blob and committing the
// row that names it leaves an orphan, and one during a write leaves a *.tmp file. Neither is ever
// reachable, so both are removed when the server starts (before it accepts requests). Files
// modified in the last minute are left alone in case another process is writing them.
#pragma once

#include <cstdint>
#include <string>

#include "store/store.hpp"

namespace imhub {

struct BlobSweep {
  int64_t temporary = 0;  // *.tmp files removed
  int64_t orphans = 0;    // blobs no Drive object names, removed
  int64_t bytes = 0;      // their size
};

BlobSweep sweep_orphan_blobs(Store& store, const std::string& data_dir);

}  // namespace imhub
