// libFuzzer target: request decoding and the JSON codec.
//
// Input layout: byte 0 picks the body's content type, the rest is split at the first '\n'
// into a query string and a body (no '\n' → empty query, whole rest is the body):
//   byte0 % 4 == 0  application/x-www-form-urlencoded (PHP bracket syntax)
//   byte0 % 4 == 1  application/json
//   byte0 % 4 == 2  multipart/form-data; boundary=fuzzb
//   byte0 % 4 == 3  multipart/form-data with the Content-Type header taken from the query part
//                   (exercises boundary parameter parsing), query itself then empty
// Bit 2 of byte 0 selects tight decode limits so the limit checks are reached with small inputs.
//
// Expected outcomes: a Value, or imhub::ApiError (limits, bad encoding, malformed multipart).
// Anything else (another exception, a sanitizer report, a failed round trip) is a finding.
//
// Round-trip property: for every Value produced, to_json() is a fixed point of
// parse_json ∘ to_json — the encoder's output must parse back (within the decoder's own limits)
// and re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/value.hpp"
#include "rest/decode.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b = {}) {
  std::fprintf(stderr, "fuzz_decode: %s\n  first:  %.2000s\n  second: %.2000s\n", what, a.c_str(), b.c_str());
  std::abort();
}

// The encoder's output must always be JSON the decoder accepts, and encoding must be stable.
void check_round_trip(const imhub::Value& v) {
  const std::string once = imhub::to_json(v);
  imhub::JsonLimits generous{/*max_depth=*/1024, /*max_keys=*/10'000'000};
  std::optional<imhub::Value> back = imhub::parse_json(once, generous);
  if (!back) fail("to_json output does not parse", once);
  const std::string twice = imhub::to_json(*back);
  if (once != twice) fail("to_json is not stable across parse_json", once, twice);
  // The plain writer (CLI, logs) must produce valid JSON too.
  const std::string plain = imhub::to_plain_json(v);
  if (!imhub::parse_json(plain, generous)) fail("to_plain_json output does not parse", plain);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  std::string_view query, body;
  if (size_t nl = rest.find('\n'); nl != std::string_view::npos) {
    query = rest.substr(0, nl);
    body = rest.substr(nl + 1);
  } else {
    body = rest;
  }

  std::string content_type;
  switch (selector % 4) {
    case 0:
      content_type = "application/x-www-form-urlencoded";
      break;
    case 1:
      content_type = "application/json; charset=utf-8";
      break;
    case 2:
      content_type = "multipart/form-data; boundary=fuzzb";
      break;
    default:
      content_type = "multipart/form-data" + std::string(query);
      query = {};
      break;
  }

  imhub::DecodeLimits limits;
  if (selector & 4) limits = imhub::DecodeLimits{/*max_depth=*/4, /*max_keys=*/16, /*max_key_bytes=*/32};

  try {
    imhub::Value params = imhub::decode_params(query, content_type, body, limits);
    if (!params.is_map()) fail("decode_params did not return a map", imhub::to_json(params));
    imhub::validate_params(params, limits);
    check_round_trip(params);
  } catch (const imhub::ApiError& e) {
    // Expected: the request is rejected with a REST error. It must be a client error.
    if (e.status() < 400 || e.status() >= 500) fail("ApiError with a non-4xx status", e.code(), e.description());
  }

  // The body on its own through the JSON codec, whatever the selector said.
  if (std::optional<imhub::Value> parsed = imhub::parse_json(body)) check_round_trip(*parsed);
  return 0;
}
