#include "push/channel.hpp"

#include "core/crypto.hpp"

namespace imhub {

std::string push_key(std::string_view master_key) { return hmac_sha256_hex(master_key, "imhub push channels v1"); }

std::string private_channel(std::string_view key, int64_t user_id, std::string_view type) {
  return hmac_sha256_hex(key, "private:" + std::string(type) + ":" + std::to_string(user_id)).substr(0, 32);
}

std::string shared_channel(std::string_view key, std::string_view type) {
  return hmac_sha256_hex(key, "shared:" + std::string(type)).substr(0, 32);
}

std::string public_signature(std::string_view key, std::string_view public_id) {
  return hmac_sha256_hex(key, "public:" + std::string(public_id));
}

std::string sign_channel(std::string_view key, std::string_view x) {
  return std::string(x) + "." + hmac_sha256_hex(key, x);
}

std::string verify_signed(std::string_view key, std::string_view signed_x) {
  const auto dot = signed_x.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  const std::string_view x = signed_x.substr(0, dot);
  if (!constant_time_equals(hmac_sha256_hex(key, x), signed_x.substr(dot + 1))) return "";
  return std::string(x);
}

}  // namespace imhub
