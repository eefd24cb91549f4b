#include "events/event_signature.hpp"

#include "core/crypto.hpp"

namespace imhub {

std::string event_signing_secret(std::string_view master_key, int64_t app_id, std::string_view application_token) {
  const std::string label = app_id > 0 ? "imhub-event-signature:app:" + std::to_string(app_id)
                                       : "imhub-event-signature:client:" + std::string(application_token);
  return hmac_sha256_hex(master_key, label);
}

std::string event_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, body);
}

std::string fallback_delivery_id(std::string_view master_key, int64_t row_id) {
  return hmac_sha256_hex(master_key, "imhub-delivery:" + std::to_string(row_id)).substr(0, 32);
}

}  // namespace imhub
