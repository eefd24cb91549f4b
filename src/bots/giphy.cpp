#include "bots/giphy.hpp"

#include "core/form.hpp"
#include "core/json.hpp"
#include "previews/url_fetch.hpp"

namespace imhub {
namespace {

std::string common_query(const Config& config, int64_t limit) {
  return "api_key=" + url_encode(config.giphy_api_key) + "&limit=" + std::to_string(limit) +
         "&rating=" + url_encode(config.giphy_rating);
}

// The URL of a rendition: its webp when it has one (what the spec's examples show), else its gif.
std::string rendition(const Value& images, const char* name) {
  const Value& r = images[name];
  if (!r.is_map()) return "";
  const std::string webp = r["webp"].to_string();
  return webp.empty() ? r["url"].to_string() : webp;
}

}  // namespace

std::string giphy_search_url(const Config& config, std::string_view query, int64_t limit, int64_t offset) {
  return config.giphy_base_url + "/search?" + common_query(config, limit) + "&q=" + url_encode(query) +
         "&offset=" + std::to_string(offset);
}

std::string giphy_trending_url(const Config& config, int64_t limit) {
  return config.giphy_base_url + "/trending?" + common_query(config, limit);
}

std::optional<std::vector<GiphyImage>> parse_giphy_answer(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree || !tree->is_map()) return std::nullopt;
  const Value& data = (*tree)["data"];
  if (!data.is_array()) return std::nullopt;
  std::vector<GiphyImage> out;
  for (const Value* item : data.elements()) {
    if (!item->is_map()) continue;
    const Value& images = (*item)["images"];
    GiphyImage image;
    image.preview = rendition(images, "fixed_width_downsampled");
    if (image.preview.empty()) image.preview = rendition(images, "fixed_width");
    image.original = rendition(images, "fixed_height");
    if (image.original.empty()) image.original = rendition(images, "original");
    if (image.preview.empty()) image.preview = image.original;
    if (!image.original.empty()) out.push_back(std::move(image));
  }
  return out;
}

GiphyResult fetch_giphy(const Config& config, const std::string& url) {
  GiphyResult result;
  if (config.giphy_api_key.empty()) {
    result.status = GiphyStatus::kNotConfigured;
    return result;
  }
  FetchOptions options;
  // The administrator chose the provider: it may live on a private network or on loopback.
  options.allow_private = true;
  options.connect_timeout_ms = config.giphy_connect_timeout * 1000L;
  options.timeout_ms = config.giphy_timeout * 1000L;
  options.max_bytes = size_t{8} << 20;
  options.user_agent = "imhub-giphy/1.0";
  FetchResult fetched = fetch_url(url, options);
  if (!fetched.ok) {
    result.status = GiphyStatus::kUnavailable;
    result.detail = fetched.error.empty() ? "HTTP " + std::to_string(fetched.status) : fetched.error;
    return result;
  }
  auto images = parse_giphy_answer(fetched.body);
  if (!images) {
    result.status = GiphyStatus::kUnavailable;
    result.detail = "the answer is not a Giphy API answer";
    return result;
  }
  result.images = std::move(*images);
  return result;
}

}  // namespace imhub
