#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "core/strings.hpp"

namespace imhub {
namespace {
std::string digest_hex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) throw std::runtime_error("digest failed");
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}
}  // namespace

std::string random_token(size_t length) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char b : buf) {
      if (b >= 252) continue;  // 252 = 7 * 36: rejection keeps the distribution uniform
      out += kAlphabet[b % 36];
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(std::string_view(reinterpret_cast<const char*>(buf.data()), bytes));
}

std::string sha256_hex(std::string_view data) { return digest_hex(EVP_sha256(), data); }
std::string md5_hex(std::string_view data) { return digest_hex(EVP_md5(), data); }

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace imhub
