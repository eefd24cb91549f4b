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
// OpenSSL 3 looks an algorithm up by name (EVP_MD_fetch, locks and a table walk) and allocates a
// context on every EVP_Digest; a webhook call hashes its secret, so that was a fifth of a
// server.time request (bench/results/io-path-2026-12-06.md). The algorithm is fetched once and
// each thread keeps one context.
const EVP_MD* fetched(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (!md) throw std::runtime_error(std::string("digest unavailable: ") + name);
  return md;  // kept for the process's lifetime
}

struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  thread_local DigestContext local;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!local.ctx || EVP_DigestInit_ex2(local.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(local.ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(local.ctx, out, &len) != 1)
    throw std::runtime_error("digest failed");
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

std::string sha256_hex(std::string_view data) {
  static const EVP_MD* const md = fetched("SHA256");
  return digest_hex(md, data);
}
std::string md5_hex(std::string_view data) {
  static const EVP_MD* const md = fetched("MD5");
  return digest_hex(md, data);
}

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
