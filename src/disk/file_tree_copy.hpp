// Copies a node's file blobs (files/) and avatars (avatars/) from one root to another, for
// `imhub store migrate --files-to`: into the shared directory the nodes of a PostgreSQL store
// name as [files] dir. Each file is written to a temporary name, fsynced, compared byte for byte
// with its source, renamed into place and its directory fsynced, so a file present under its own
// name is complete; a rerun skips those (same size) and copies the rest.
#pragma once

#include <cstdint>
#include <string>

namespace imhub {

struct FileTreeCopy {
  int64_t copied = 0;   // files written by this run
  int64_t present = 0;  // already there with the same size (an earlier run)
  int64_t bytes = 0;    // bytes written by this run
};

// Throws std::runtime_error naming the file on any I/O error or a copy that differs.
FileTreeCopy copy_file_tree(const std::string& from_root, const std::string& to_root);

}  // namespace imhub
