// File contents on disk and what can be learnt from their bytes.
//
// Each Drive file has its own blob, named by a random token, under <data>/files/<2 chars>/.
// Writes are durable before they return (data fsynced, then the directory), so a row that
// names a blob is only ever committed after the blob itself is safe. Copies are hard links:
// a file saved to "Saved Files" costs no space and deleting either leaves the other intact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imhub {

// What the first bytes say about a file: PNG, JPEG and GIF headers give the image size.
struct ContentInfo {
  std::string mime;  // "" when the bytes are not a known image
  int width = 0;
  int height = 0;
};

ContentInfo sniff_image(std::string_view bytes);
// MIME type from the file name's extension ("application/octet-stream" when unknown).
std::string mime_for_name(std::string_view name);
// The part after the last '.', lower case ("" when none).
std::string file_extension(std::string_view name);

// A Drive-valid object name: not empty, at most 255 bytes, valid UTF-8, no '/', '\\',
// control characters, and not "." or "..".
bool valid_object_name(std::string_view name);
// "report.pdf" → "report (1).pdf": the n-th alternative Drive offers on a name clash.
std::string numbered_name(std::string_view name, int n);

class BlobStore {
 public:
  explicit BlobStore(std::string data_dir) : root_(std::move(data_dir) + "/files") {}
  // Writes `bytes` to a new blob and makes it durable; returns its token. Throws on I/O errors.
  std::string put(std::string_view bytes) const;
  // A new blob with the same content as `token` (hard link, or a durable copy).
  std::string duplicate(const std::string& token) const;
  // Removes the blob; a missing one is not an error.
  void remove(const std::string& token) const noexcept;
  std::string path(const std::string& token) const;

 private:
  std::string new_token_path(std::string& token) const;
  std::string root_;
};

}  // namespace imhub
