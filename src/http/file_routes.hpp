// The routes outside /rest/ that move file bytes: signed Drive downloads (/disk/download/ID,
// /disk/show/ID), the upload link of disk.folder.uploadfile (POST /disk/upload), and public
// chat avatars (/avatar/NAME from <data>/avatars/).
//
// Downloads are streamed from an open descriptor by the server, never read into memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "rest/dispatcher.hpp"

namespace imhub {

// An open file the server sends as the response body; closed when the last owner lets go.
class FileBody {
 public:
  FileBody(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FileBody();
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }

 private:
  int fd_;
  uint64_t size_;
};

struct FileReply {
  HttpReply reply;                 // status, headers; the body when `file` is null (errors)
  std::shared_ptr<FileBody> file;  // the body otherwise
};

// GET or HEAD of a download or avatar path (request prepared by Router::prepare).
bool is_file_route(const HttpRequestView& request);
FileReply serve_file(Services& s, const HttpRequestView& request);

constexpr std::string_view kUploadPath = "/disk/upload";
// POST to the upload link: stores the multipart part "file"; answers like disk.folder.uploadfile.
HttpReply handle_upload(Services& s, const HttpRequestView& request);
// Whether the upload link in the request line is valid, checked before its body is read: null
// when it is, the refusal handle_upload would give otherwise.
std::optional<HttpReply> check_upload_link(Services& s, const HttpRequestView& request);

// Whether a request target may carry an upload (the upload link, or disk.folder.uploadfile
// through /rest/): such bodies may exceed the general body limit, up to upload_body_limit.
bool is_upload_target(std::string_view target);
int64_t upload_body_limit(int64_t max_upload_bytes);

}  // namespace imhub
