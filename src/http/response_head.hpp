// The status line and headers of a response, as bytes.
//
// Written by hand rather than through Beast's serializer: our responses are always a complete
// in-memory body with a handful of fixed headers, and the serializer's generic buffer
// machinery and per-field allocations cost more than the rest of a small request. The text is
// a plain concatenation; header values come from our own code and are stripped of CR/LF anyway.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imhub {

// Given among a reply's headers, it replaces the default "Access-Control-Allow-Origin: *".
inline constexpr std::string_view kAllowOriginHeader = "Access-Control-Allow-Origin";

struct ResponseHead {
  int status = 200;
  unsigned version = 11;  // 10 or 11, as the request
  bool keep_alive = true;
  std::string_view content_type;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  size_t content_length = 0;
};

std::string render_response_head(const ResponseHead& head);

}  // namespace imhub
