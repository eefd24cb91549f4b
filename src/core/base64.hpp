// Base64 (RFC 4648, standard alphabet) over OpenSSL's EVP block codec.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imhub {

std::string base64_encode(std::string_view bytes);
// Accepts padded or unpadded input and ignores whitespace; nullopt when not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace imhub
