#include "push/jwt.hpp"

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace imhub {

namespace {

std::string to_base64url(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4 != 0) s.push_back('=');
  return base64_decode(s);
}

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}

std::string signature(std::string_view key, std::string_view signing_input) {
  return to_base64url(hex_to_bytes(hmac_sha256_hex(key, signing_input)));
}

}  // namespace

std::string make_push_jwt(std::string_view key, const PushToken& token) {
  std::string chan;
  for (const auto& c : token.channels) chan += (chan.empty() ? "" : ",") + c;
  const Value claims = Value::object({{"iss", Value(token.issuer)},
                                      {"iat", Value(token.issued_at)},
                                      {"exp", Value(token.expires)},
                                      {"sub", Value(std::to_string(token.user_id))},
                                      {"chan", Value(chan)},
                                      {"ctyp", Value(token.type)},
                                      // Unique per config: a long-polling client is known by its token.
                                      {"jti", Value(random_hex(8))}});
  const std::string input = to_base64url(R"({"typ":"JWT","alg":"HS256"})") + "." + to_base64url(to_json(claims));
  return input + "." + signature(key, input);
}

std::optional<PushToken> verify_push_jwt(std::string_view key, std::string_view jwt, int64_t now) {
  const auto first = jwt.find('.');
  const auto last = jwt.rfind('.');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  const std::string_view input = jwt.substr(0, last);
  if (!constant_time_equals(signature(key, input), jwt.substr(last + 1))) return std::nullopt;
  const auto payload = from_base64url(jwt.substr(first + 1, last - first - 1));
  if (!payload) return std::nullopt;
  const auto claims = parse_json(*payload);
  if (!claims || !claims->is_map()) return std::nullopt;
  PushToken t;
  t.issuer = (*claims)["iss"].to_string();
  t.user_id = (*claims)["sub"].to_int_or(0);
  t.issued_at = (*claims)["iat"].to_int_or(0);
  t.expires = (*claims)["exp"].to_int_or(0);
  t.type = (*claims)["ctyp"].to_string();
  if (t.expires <= now) return std::nullopt;
  for (const auto& c : split((*claims)["chan"].to_string(), ','))
    if (!c.empty()) t.channels.emplace_back(c);
  if (t.channels.empty()) return std::nullopt;
  return t;
}

}  // namespace imhub
