// imbot.Giphy.list / listPopular (spec 002 "Giphy service"): GIF search through a Giphy-compatible
// HTTP API configured in [giphy] (base_url, api_key, timeouts, rating). imhub calls
// GET <base_url>/search?api_key=&q=&limit=&offset=&rating= and GET <base_url>/trending?…, and
// turns each result into the spec's {preview, original} pair.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/value.hpp"

namespace imhub {

constexpr int64_t kGiphyDefaultLimit = 15;  // "Returns 15 GIF images" (listPopular)
constexpr int64_t kGiphyMaxLimit = 50;
constexpr int64_t kGiphyMaxOffset = 4999;  // the Giphy API's own cap

struct GiphyImage {
  std::string preview;   // 200 px wide, few frames (images.fixed_width_downsampled)
  std::string original;  // the full animation at 200 px (images.fixed_height)
};

// The request URLs (the key and query form-encoded).
std::string giphy_search_url(const Config& config, std::string_view query, int64_t limit, int64_t offset);
std::string giphy_trending_url(const Config& config, int64_t limit);

// The images of a Giphy API answer (`{"data": [{"images": {…}}]}`), webp renditions preferred as
// in the spec's examples, gif URLs otherwise; nullopt when the body is not such an answer.
std::optional<std::vector<GiphyImage>> parse_giphy_answer(std::string_view body);

enum class GiphyStatus { kOk, kNotConfigured, kUnavailable };
struct GiphyResult {
  GiphyStatus status = GiphyStatus::kOk;
  std::vector<GiphyImage> images;
  std::string detail;  // for the log: why the provider failed
};

// Fetches `url` with the configured timeouts (blocking: call it off the io thread).
GiphyResult fetch_giphy(const Config& config, const std::string& url);

}  // namespace imhub
