#include "core/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace imhub {
namespace {

struct V4Range {
  uint32_t net;
  int bits;
  AddressClass cls;
  const char* name;
};

// Every IPv4 range that is not a public unicast address.
constexpr V4Range kV4Ranges[] = {
    {0x7F000000, 8, AddressClass::kLoopback, "loopback 127.0.0.0/8"},
    {0x00000000, 8, AddressClass::kPrivate, "unspecified 0.0.0.0/8"},
    {0x0A000000, 8, AddressClass::kPrivate, "private 10.0.0.0/8"},
    {0x64400000, 10, AddressClass::kPrivate, "shared 100.64.0.0/10"},
    {0xA9FE0000, 16, AddressClass::kPrivate, "link-local 169.254.0.0/16"},
    {0xAC100000, 12, AddressClass::kPrivate, "private 172.16.0.0/12"},
    {0xC0000000, 24, AddressClass::kPrivate, "protocol assignments 192.0.0.0/24"},
    {0xC0000200, 24, AddressClass::kPrivate, "documentation 192.0.2.0/24"},
    {0xC0A80000, 16, AddressClass::kPrivate, "private 192.168.0.0/16"},
    {0xC6120000, 15, AddressClass::kPrivate, "benchmarking 198.18.0.0/15"},
    {0xC6336400, 24, AddressClass::kPrivate, "documentation 198.51.100.0/24"},
    {0xCB007100, 24, AddressClass::kPrivate, "documentation 203.0.113.0/24"},
    {0xE0000000, 4, AddressClass::kPrivate, "multicast 224.0.0.0/4"},
    {0xF0000000, 4, AddressClass::kPrivate, "reserved 240.0.0.0/4"},
};

AddressVerdict classify_v4(uint32_t a) {
  for (const V4Range& r : kV4Ranges)
    if ((a >> (32 - r.bits)) == (r.net >> (32 - r.bits))) return {r.cls, r.name};
  return {};
}

AddressVerdict classify_v6(const uint8_t* b) {
  auto v4_at = [b](int off) {
    return (uint32_t{b[off]} << 24) | (uint32_t{b[off + 1]} << 16) | (uint32_t{b[off + 2]} << 8) | uint32_t{b[off + 3]};
  };
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const uint8_t kNat64Prefix[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t kZero[12] = {};
  if (std::memcmp(b, kMappedPrefix, 12) == 0 || std::memcmp(b, kNat64Prefix, 12) == 0) return classify_v4(v4_at(12));
  if (std::memcmp(b, kZero, 12) == 0) {
    if (v4_at(12) == 1) return {AddressClass::kLoopback, "loopback ::1/128"};
    return {AddressClass::kPrivate, "unspecified or IPv4-compatible ::/96"};
  }
  if ((b[0] & 0xfe) == 0xfc) return {AddressClass::kPrivate, "unique local fc00::/7"};
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return {AddressClass::kPrivate, "link-local fe80::/10"};
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return {AddressClass::kPrivate, "site-local fec0::/10"};
  if (b[0] == 0xff) return {AddressClass::kPrivate, "multicast ff00::/8"};
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
    return {AddressClass::kPrivate, "documentation 2001:db8::/32"};
  return {};
}

}  // namespace

AddressVerdict classify_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(address);
    return classify_v4(ntohl(a->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6)
    return classify_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr);
  return {AddressClass::kPrivate, "not an IP address"};
}

std::string address_text(const sockaddr* address) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, buf, sizeof buf);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::optional<sockaddr_storage> parse_ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(host);
  sockaddr_storage out{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  // inet_aton, not inet_pton: it also reads the shorthand forms a URL host may use and a resolver
  // accepts ("127.1", "2130706433", "0x7f.1").
  if (inet_aton(text.c_str(), &v4->sin_addr) != 0) {
    v4->sin_family = AF_INET;
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return out;
  }
  return std::nullopt;
}

}  // namespace imhub
