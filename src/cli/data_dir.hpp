// The data directory from the command line's point of view: which directories count as a store,
// what `init` may create, and the lock that keeps a second `serve` off a directory in use.
#pragma once

#include <stdexcept>
#include <string>

namespace imhub {

// A data directory that cannot be used as asked; the message names the path.
struct DataDirError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws DataDirError unless `data` is a directory holding a store (imhub.db): a typo'd --data
// must not silently become a new, empty portal. With a PostgreSQL `store_url` the store (the master
// key included) is there, and the directory need only exist: it holds what is local to the node.
void require_store(const std::string& data, const std::string& store_url = "");

// For `init`: accepts an existing directory, or creates the last path component when its parent
// exists. Never creates a chain of directories (a mistyped absolute path fails instead).
void prepare_data_dir(const std::string& data);

// An exclusive advisory lock (flock) on DATA/imhub.lock, which holds the owner's pid, for the
// life of the object. The kernel drops it when the process dies, so a crash leaves no stale lock.
class DataDirLock {
 public:
  // Throws DataDirError naming the directory and the pid of the holder when it is taken.
  explicit DataDirLock(const std::string& data);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace imhub
