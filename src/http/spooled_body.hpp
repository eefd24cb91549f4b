// A request body that stays in memory while small and goes to an unlinked temporary file once it
// is larger than a threshold (issue 17: 8 uploads of 130 MB held 1 GB of heap).
//
// The file is mapped read-only when the body is complete, so everything downstream still sees
// one contiguous std::string_view (the multipart parser and the decoder take views) while the
// bytes live in the page cache, which the kernel can write back and evict, not in the heap.
// The file is created with O_TMPFILE (or unlinked at once), so a crash leaves nothing behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cerrno>

namespace imhub {

// The body's bytes: a std::string or a mapped temporary file.
class SpooledBytes {
 public:
  SpooledBytes() = default;
  SpooledBytes(SpooledBytes&& other) noexcept { *this = std::move(other); }
  SpooledBytes& operator=(SpooledBytes&& other) noexcept;
  SpooledBytes(const SpooledBytes&) = delete;
  SpooledBytes& operator=(const SpooledBytes&) = delete;
  ~SpooledBytes() { reset(); }

  // Where and from which size bodies are spooled; set before the body is read. `dir` is the
  // server's spool directory and outlives the body (kept by address: copying the path cost an
  // allocation on every request with a body).
  void configure(const std::string& dir, uint64_t threshold) {
    dir_ = &dir;
    threshold_ = threshold;
  }
  std::string_view view() const;
  uint64_t size() const { return fd_ >= 0 ? file_size_ : memory_.size(); }
  bool spooled() const { return fd_ >= 0; }

  // Reading side (used by the Beast reader below). Each returns false with errno-style failure.
  bool begin(std::optional<uint64_t> length);
  bool append(const char* data, size_t n);
  bool finish();

 private:
  bool spool_memory();
  void reset() noexcept;

  const std::string* dir_ = nullptr;
  uint64_t threshold_ = UINT64_MAX;
  std::string memory_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  void* map_ = nullptr;
};

// The Beast Body type whose value is SpooledBytes.
struct SpooledBody {
  using value_type = SpooledBytes;

  static uint64_t size(const value_type& v) { return v.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<uint64_t>& length, boost::beast::error_code& ec) {
      if (!body_.begin(length ? std::optional<uint64_t>(*length) : std::nullopt))
        ec = io_error();
      else
        ec = {};
    }

    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      size_t total = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        const boost::asio::const_buffer b = *it;
        if (!body_.append(static_cast<const char*>(b.data()), b.size())) {
          ec = io_error();
          return total;
        }
        total += b.size();
      }
      ec = {};
      return total;
    }

    void finish(boost::beast::error_code& ec) {
      if (!body_.finish())
        ec = io_error();
      else
        ec = {};
    }

   private:
    static boost::beast::error_code io_error() {
      return boost::beast::error_code(errno ? errno : EIO, boost::system::generic_category());
    }
    value_type& body_;
  };
};

}  // namespace imhub
