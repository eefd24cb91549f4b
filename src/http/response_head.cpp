#include "http/response_head.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ostream>

namespace imhub {
namespace {
bool is_line_break(char c) { return c == '\r' || c == '\n'; }

void append_clean(std::string& out, std::string_view text) {
  // A plain scan: find_first_of looked each character up in the set, which made this check most of
  // what writing a response head cost.
  if (std::none_of(text.begin(), text.end(), is_line_break)) {
    out += text;
    return;
  }
  for (char c : text)
    if (!is_line_break(c)) out += c;
}
void append_header(std::string& out, std::string_view name, std::string_view value) {
  append_clean(out, name);
  out += ": ";
  append_clean(out, value);
  out += "\r\n";
}
}  // namespace

std::string render_response_head(const ResponseHead& head) {
  std::string out;
  out.reserve(256);
  out += head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char num[24];
  auto [end, ec] = std::to_chars(num, num + sizeof num, head.status);
  out.append(num, end);
  out += ' ';
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(head.status));
  out.append(reason.data(), reason.size());
  // Headers every response carries, as the real platform sends them (protocol.md §1.5); a reply
  // that names its one allowed origin (the live chat's credentialed requests) says so instead of *.
  bool own_origin = false;
  if (head.headers)
    for (const auto& [name, value] : *head.headers) own_origin = own_origin || name == kAllowOriginHeader;
  out += own_origin ? "\r\nServer: imhub\r\n" : "\r\nServer: imhub\r\nAccess-Control-Allow-Origin: *\r\n";
  out += "Access-Control-Allow-Headers: origin, content-type, accept\r\nX-Content-Type-Options: nosniff\r\n";
  if (!head.content_type.empty()) append_header(out, "Content-Type", head.content_type);
  if (head.headers)
    for (const auto& [name, value] : *head.headers) append_header(out, name, value);
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes unless told.
  if (head.version == 10 && head.keep_alive) out += "Connection: keep-alive\r\n";
  if (head.version != 10 && !head.keep_alive) out += "Connection: close\r\n";
  out += "Content-Length: ";
  auto [end2, ec2] = std::to_chars(num, num + sizeof num, head.content_length);
  out.append(num, end2);
  out += "\r\n\r\n";
  return out;
}

}  // namespace imhub
