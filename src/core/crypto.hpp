// Secrets: random tokens, hashes for storage, constant-time comparison (OpenSSL).
#pragma once

#include <string>
#include <string_view>

namespace imhub {

// `length` characters from [a-z0-9], from the OS CSPRNG (webhook secrets look like Bitrix's).
std::string random_token(size_t length);
std::string random_hex(size_t bytes);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string md5_hex(std::string_view data);
// Compares without leaking the position of the first difference through timing.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace imhub
