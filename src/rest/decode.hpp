// Request decoding: URL form and parameters → one Params tree (design.md step 2).
//
// Parameters follow PHP's rules because every Bitrix24 client encodes for PHP: query string and
// body (form-urlencoded with bracket nesting, JSON with types kept, multipart) are merged by
// top-level key with the body winning (protocol.md §1.3). Limits are enforced here, once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/form.hpp"
#include "core/value.hpp"

namespace imhub {

enum class Transport { kJson, kXml };

// What the URL says: `/rest/METHOD[.json|.xml][/]` or `/rest/USER/SECRET/METHOD[.json|.xml][/]`.
struct RestTarget {
  std::string method;  // lower-cased, suffix stripped
  Transport transport = Transport::kJson;
  std::optional<std::string> webhook_user;
  std::optional<std::string> webhook_secret;
};

// Splits a request target into path and query (without '?').
void split_target(std::string_view target, std::string_view& path, std::string_view& query);
// Collapses repeated slashes and strips one trailing slash ("/rest//a/" → "/rest/a").
std::string normalize_path(std::string_view path);
// Parses a normalized path under /rest/. Returns nullopt when it is not a REST method URL.
std::optional<RestTarget> parse_rest_path(std::string_view normalized_path);

// Decodes the body according to its content type and merges it over `query_params`.
// Malformed JSON yields no parameters, like the real platform (protocol.md §1.3).
Value decode_params(std::string_view query, std::string_view content_type, std::string_view body,
                    const DecodeLimits& limits);

// Checks that every key and string in `v` is valid UTF-8 and within limits; throws ApiError.
void validate_params(const Value& v, const DecodeLimits& limits);

}  // namespace imhub
