#include "users/master_key.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "users/portal.hpp"

namespace imhub {
namespace {

// The key DATA/imhub.key holds, or "" when there is none.
std::string key_in_data_dir(const std::string& data_dir) {
  std::ifstream in(data_dir + "/imhub.key");
  std::string key;
  if (in && std::getline(in, key) && key.size() == 64) return key;
  return "";
}

std::string stored_key(Conn& c) {
  auto row = c.query_one("SELECT value FROM portal_secrets WHERE name = 'master_key'");
  return row ? row->str(0) : std::string();
}

}  // namespace

std::string load_shared_master_key(Store& store, const std::string& data_dir, bool create) {
  if (std::string key = store.read_with(stored_key); !key.empty()) return key;
  std::string key = key_in_data_dir(data_dir);
  if (key.empty()) {
    if (!create) throw StoreError("the store holds no imhub portal (no master key): run `imhub init --store URL`");
    key = random_hex(32);
  }
  // ON CONFLICT: a node (or init) that wrote its key first wins, and everyone reads that one.
  return store.write_with([&](Conn& c) {
    c.exec(
        "INSERT INTO portal_secrets (name, value, created_at) VALUES ('master_key', $1, $2) "
        "ON CONFLICT (name) DO NOTHING",
        {key, now_unix_seconds()});
    return stored_key(c);
  });
}

std::string load_master_key(Store& store, const std::string& data_dir, bool shared, bool create) {
  return shared ? load_shared_master_key(store, data_dir, create) : load_or_create_master_key(data_dir);
}

void save_master_key_file(const std::string& data_dir, const std::string& key) {
  const std::string path = data_dir + "/imhub.key", tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError("cannot create " + tmp);
  const std::string line = key + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (ok) {
    const int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = dir >= 0 && ::fsync(dir) == 0;
    if (dir >= 0) ::close(dir);
  }
  if (!ok) throw StoreError("cannot write " + path);
}

}  // namespace imhub
