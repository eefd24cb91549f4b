// Open-file limits at start-up (issue 17: at the common soft limit of 1,024, 5,000 idle
// connections made accept fail with EMFILE in a busy loop). The soft limit is raised to the hard
// one, and max_connections is held below what is left once the server's own files are counted,
// so accept keeps succeeding and a full server turns connections away instead of spinning.
#pragma once

#include <cstdint>

#include "core/config.hpp"

namespace imhub {

struct FdLimit {
  uint64_t soft_before = 0;  // the soft limit the process started with
  uint64_t soft = 0;         // after raising it
  uint64_t hard = 0;
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit (as far as the kernel allows).
FdLimit raise_open_file_limit();

// Descriptors the server needs besides client connections: the store's files and connections,
// event delivery and link-preview sockets, files being uploaded or downloaded, logs.
int64_t reserved_descriptors(const Config& config);

// The connections `soft` descriptors allow: max_connections, or less when the limit is lower.
int connection_limit(const Config& config, uint64_t soft);

}  // namespace imhub
