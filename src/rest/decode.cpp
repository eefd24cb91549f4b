#include "rest/decode.hpp"

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

[[noreturn]] void too_large(const std::string& what) {
  throw ApiError(errors::kRequestTooLarge, "Request parameters exceed the allowed limits: " + what);
}

// The media type without its parameters, compared case-insensitively (a view: no copy a request).
bool is_media_type(std::string_view content_type, std::string_view type) {
  const std::string_view bare = trim(content_type.substr(0, content_type.find(';')));
  return bare.size() == type.size() && starts_with_ci(bare, type);
}

std::string header_param(std::string_view header, std::string_view param) {
  // Finds param="value" or param=value in a header value (Content-Type boundary, Content-Disposition name).
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = trim(header.substr(pos));
    if (starts_with_ci(rest, param) && rest.size() > param.size() && rest[param.size()] == '=') {
      std::string_view v = rest.substr(param.size() + 1);
      if (!v.empty() && v.front() == '"') {
        size_t end = v.find('"', 1);
        return std::string(v.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
      }
      size_t end = v.find(';');
      return std::string(trim(v.substr(0, end)));
    }
  }
  return {};
}

// multipart/form-data by hand: no Debian-packaged C++ library parses it, and the grammar we
// need (name, filename, content) is small. File parts become [fileName, base64Content], the
// form every REST file field also accepts (protocol.md §1.3), so methods see one shape.
void parse_multipart(std::string_view body, std::string_view content_type, Value& root, const DecodeLimits& limits,
                     size_t& keys_used) {
  std::string boundary = header_param(content_type, "boundary");
  if (boundary.empty()) throw ApiError(errors::kBadRequest, "Multipart body without a boundary");
  const std::string delim = "--" + boundary;
  size_t pos = body.find(delim);
  if (pos == std::string_view::npos) throw ApiError(errors::kBadRequest, "Multipart body without parts");
  pos += delim.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") throw ApiError(errors::kBadRequest, "Malformed multipart body");
    pos += 2;
    size_t header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string_view::npos) throw ApiError(errors::kBadRequest, "Malformed multipart headers");
    std::string_view headers = body.substr(pos, header_end - pos);
    size_t content_start = header_end + 4;
    size_t next = body.find("\r\n" + delim, content_start);
    if (next == std::string_view::npos) throw ApiError(errors::kBadRequest, "Truncated multipart body");
    std::string_view content = body.substr(content_start, next - content_start);

    std::string name, filename;
    bool has_filename = false;
    for (const std::string& line : split(headers, '\n')) {
      std::string_view l = trim(line);
      if (starts_with_ci(l, "content-disposition:")) {
        name = header_param(l, "name");
        filename = header_param(l, "filename");
        has_filename = l.find("filename=") != std::string_view::npos;
      }
    }
    if (!name.empty()) {
      check_utf8(name);
      if (has_filename) {
        check_utf8(filename);
        Value file = Value::list();
        file.push_back(Value(filename));
        file.push_back(Value(base64_encode(content)));
        assign_param(root, name, std::move(file), limits, keys_used);
      } else {
        check_utf8(content);
        assign_param(root, name, Value(std::string(content)), limits, keys_used);
      }
    }
    pos = next + 2 + delim.size();
  }
}

size_t count_and_check(const Value& v, const DecodeLimits& limits, size_t depth) {
  if (depth > limits.max_depth) too_large("nesting depth");
  size_t n = 1;
  if (v.is_string()) {
    check_utf8(v.get_string());
  } else if (v.is_map()) {
    const Map& m = v.get_map();
    for (size_t i = 0; i < m.size(); ++i) {
      if (m.key_at(i).size() > limits.max_key_bytes) too_large("key length");
      check_utf8(m.key_at(i));
      n += count_and_check(m.value_at(i), limits, depth + 1);
    }
  } else if (v.is_list()) {
    for (const Value& e : v.get_list()) n += count_and_check(e, limits, depth + 1);
  }
  return n;
}

}  // namespace

void split_target(std::string_view target, std::string_view& path, std::string_view& query) {
  size_t q = target.find('?');
  path = target.substr(0, q);
  query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string normalize_path(std::string_view path) {
  // Most paths are clean already: copied whole rather than a character at a time.
  if (path.find("//") == std::string_view::npos && (path.size() <= 1 || path.back() != '/')) return std::string(path);
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<RestTarget> parse_rest_path(std::string_view path) {
  constexpr std::string_view kPrefix = "/rest/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  // Up to four segments as views into the path: every REST call passes here, and a vector of
  // copied segments cost four allocations a request.
  std::string_view segs[4];
  size_t count = 0;
  for (std::string_view rest = path.substr(kPrefix.size()); count < 4;) {
    const size_t slash = rest.find('/');
    segs[count++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (count == 4) ++count;  // a fifth segment: too many either way
  }
  RestTarget t;
  std::string method;
  if (count == 1) {
    method = url_decode(segs[0], false);
  } else if (count == 3) {
    t.webhook_user = url_decode(segs[0], false);
    t.webhook_secret = url_decode(segs[1], false);
    method = url_decode(segs[2], false);
  } else {
    return std::nullopt;
  }
  for (char& c : method)  // lower-cased in place (to_lower would copy)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  size_t dot = method.rfind('.');
  if (dot != std::string::npos) {
    std::string_view suffix = std::string_view(method).substr(dot + 1);
    if (suffix == "json" || suffix == "xml") {
      t.transport = suffix == "xml" ? Transport::kXml : Transport::kJson;
      method.resize(dot);
    }
  }
  if (method.empty()) return std::nullopt;
  t.method = std::move(method);
  return t;
}

Value decode_params(std::string_view query, std::string_view content_type, std::string_view body,
                    const DecodeLimits& limits) {
  Value params = Value::map();
  size_t keys_used = 0;
  parse_query_into(query, params, limits, keys_used);
  if (body.empty()) return params;

  Value body_params = Value::map();
  if (is_media_type(content_type, "multipart/form-data")) {
    parse_multipart(body, content_type, body_params, limits, keys_used);
  } else if (is_media_type(content_type, "application/json")) {
    JsonLimits jl{limits.max_depth, limits.max_keys};
    bool over_limits = false;
    std::optional<Value> parsed = parse_json(body, jl, over_limits);
    // Over the limits is an error, as for form bodies (not "no parameters" as for bad syntax).
    if (over_limits) too_large("JSON nesting depth or number of keys");
    // Invalid JSON and JSON scalars mean "no parameters" on the real platform.
    if (parsed && parsed->is_array()) {
      if (parsed->is_list()) {
        Value as_map = Value::map();
        const List& items = parsed->get_list();
        for (size_t i = 0; i < items.size(); ++i) as_map[std::to_string(i)] = items[i];
        body_params = std::move(as_map);
      } else {
        body_params = std::move(*parsed);
      }
      keys_used += count_and_check(body_params, limits, 0);
      if (keys_used > limits.max_keys) too_large("number of keys");
    } else if (!parsed && !valid_utf8(body)) {
      throw ApiError(errors::kWrongEncoding);
    }
  } else {
    parse_query_into(body, body_params, limits, keys_used);
  }
  // The body's keys replace the query's at the top level; a POST without a query string (every
  // SDK call) keeps the body's map as it is, no copy.
  if (params.get_map().size() == 0) return body_params;
  Map& bm = body_params.get_map();
  for (size_t i = 0; i < bm.size(); ++i) params[bm.key_at(i)] = std::move(bm.value_at(i));
  return params;
}

void validate_params(const Value& v, const DecodeLimits& limits) {
  if (count_and_check(v, limits, 0) > limits.max_keys) too_large("number of keys");
}

}  // namespace imhub
