// imbot.Giphy.list and imbot.Giphy.listPopular (scope `imbot`, spec 002 "Giphy service"): GIFs
// from the provider configured in [giphy] (bots/giphy.hpp). Without an API key the methods answer
// LICENSE_NOT_FOUND, the spec's error for a portal without the service.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/common.hpp"
#include "bots/giphy.hpp"
#include "core/error_catalog.hpp"
#include "core/fiber.hpp"

namespace imhub {
namespace {

Value images_result(const GiphyResult& r, const char* method) {
  if (r.status == GiphyStatus::kNotConfigured) throw ApiError(errors::kNotConfigured);
  if (r.status == GiphyStatus::kUnavailable) {
    spdlog::warn("{}: giphy provider failed: {}", method, r.detail);
    throw ApiError(errors::kUnavailable);
  }
  Value out = Value::list();
  for (const GiphyImage& image : r.images)
    out.push_back(Value::object({{"preview", Value(image.preview)}, {"original", Value(image.original)}}));
  return out;
}

// The provider call blocks: it runs on the blocking pool while the io thread serves others.
GiphyResult fetch(const MethodCall& call, const std::string& url) {
  return run_blocking([&] { return fetch_giphy(call.services.config, url); });
}

MethodResult giphy_list(MethodCall& call) {
  const Value& filter = call.param("filter");
  const Value* search = filter.is_map() ? filter.find_ci("search") : nullptr;
  const std::string query = search && search->is_scalar() ? std::string(trim(search->to_string())) : "";
  if (query.empty()) throw ApiError(errors::kEmptySearch);
  const int64_t limit = std::clamp<int64_t>(call.param("limit").to_int_or(kGiphyDefaultLimit), 1, kGiphyMaxLimit);
  const int64_t offset = std::clamp<int64_t>(call.param("offset").to_int_or(0), 0, kGiphyMaxOffset);
  if (call.services.config.giphy_api_key.empty()) throw ApiError(errors::kNotConfigured);
  return images_result(fetch(call, giphy_search_url(call.services.config, query, limit, offset)), "imbot.Giphy.list");
}

MethodResult giphy_list_popular(MethodCall& call) {
  if (call.services.config.giphy_api_key.empty()) throw ApiError(errors::kNotConfigured);
  return images_result(fetch(call, giphy_trending_url(call.services.config, kGiphyDefaultLimit)),
                       "imbot.Giphy.listPopular");
}

}  // namespace

void register_imbot_giphy_methods(Registry& r) {
  const MethodTable table{r, "imbot", ""};
  // Effect::kWrite only to run in a request fiber, so the provider call can leave the io thread.
  table.add("imbot.giphy.list", Effect::kWrite, giphy_list, "");
  table.add("imbot.giphy.listpopular", Effect::kWrite, giphy_list_popular, "");
}

}  // namespace imhub
