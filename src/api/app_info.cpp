// app.info in its application form (api-reference/common/system/app-info.md): what an OAuth
// caller's local application is. platform.cpp answers the webhook form.
#include "api/common.hpp"
#include "apps/oauth_server.hpp"
#include "core/error_catalog.hpp"

namespace imhub {

MethodResult app_info_of_application(MethodCall& call) {
  std::shared_ptr<const App> app = call.services.oauth ? call.services.oauth->app(call.caller.app_id) : nullptr;
  if (!app) throw ApiError(errors::kApplicationNotFound);
  const std::string language = app->language_id.empty() ? std::string("en") : app->language_id;
  // A self-hosted portal has no plan: LICENSE is "<language>_selfhosted" (protocol.md §13.1),
  // and a local application never expires.
  return Value::object({{"ID", Value(app->id)},
                        {"CODE", Value(app->client_id)},
                        {"VERSION", Value(app->version)},
                        {"STATUS", Value("L")},
                        {"INSTALLED", Value(app->installed)},
                        {"PAYMENT_EXPIRED", Value("N")},
                        {"DAYS", Value()},
                        {"LANGUAGE_ID", Value(language)},
                        {"LICENSE", Value(language + "_selfhosted")},
                        {"LICENSE_TYPE", Value("selfhosted")},
                        {"LICENSE_FAMILY", Value("selfhosted")}});
}

}  // namespace imhub
