#include "apps/token.hpp"

#include <charconv>
#include <vector>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {

constexpr size_t kMaxTokenBytes = 1024;  // far above any token we issue; refuses junk early

std::string base64url(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

bool is_base64url(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    out += static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1]));
  }
  return out;
}

std::string signature(std::string_view key, std::string_view claims) {
  return base64url(hex_to_bytes(hmac_sha256_hex(key, claims)));
}

bool parse_i64(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

std::string encode_claims(const TokenClaims& c) {
  return std::string(1, static_cast<char>(c.kind)) + '.' + std::to_string(c.app_id) + '.' + std::to_string(c.user_id) +
         '.' + std::to_string(c.generation) + '.' + std::to_string(c.expires) + '.' + std::to_string(c.event_ttl) +
         '.' + c.nonce + '.' + c.scope;
}

std::optional<TokenClaims> decode_claims(std::string_view text) {
  std::vector<std::string> f = split(text, '.');
  if (f.size() != 8 || f[0].size() != 1) return std::nullopt;
  TokenClaims c;
  if (f[0][0] == 'a') {
    c.kind = TokenKind::kAccess;
  } else if (f[0][0] == 'r') {
    c.kind = TokenKind::kRefresh;
  } else {
    return std::nullopt;
  }
  int64_t ttl = 0;
  if (!parse_i64(f[1], c.app_id) || !parse_i64(f[2], c.user_id) || !parse_i64(f[3], c.generation) ||
      !parse_i64(f[4], c.expires) || !parse_i64(f[5], ttl) || ttl > 100)
    return std::nullopt;
  c.event_ttl = static_cast<int>(ttl);
  c.nonce = f[6];
  c.scope = f[7];
  return c;
}

}  // namespace

std::string token_key(std::string_view master_key) { return hmac_sha256_hex(master_key, "imhub oauth token key v1"); }

std::string sign_token(std::string_view key, const TokenClaims& claims) {
  const std::string text = encode_claims(claims);
  return base64url(text) + '.' + signature(key, text);
}

std::optional<TokenClaims> verify_token(std::string_view key, std::string_view token) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view body = token.substr(0, dot);
  const std::string_view sig = token.substr(dot + 1);
  if (!is_base64url(body) || !is_base64url(sig)) return std::nullopt;
  std::optional<std::string> text = base64_decode(body);
  // Only the canonical spelling counts, so one set of claims has exactly one token string.
  if (!text || base64url(*text) != body) return std::nullopt;
  // Compare the signature before reading the claims: nothing unsigned is ever interpreted.
  if (!constant_time_equals(signature(key, *text), sig)) return std::nullopt;
  return decode_claims(*text);
}

}  // namespace imhub
