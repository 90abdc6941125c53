// Classification of IPv4/IPv6 addresses into public and special-purpose ranges.
#include "net/address_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace atbackfill::net {
namespace {

std::string normalize_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

bool in_v4(std::uint32_t address, std::uint32_t network, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == (network & mask);
}

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

const char* special_v4(std::uint32_t a) {
  if (in_v4(a, v4(0, 0, 0, 0), 8)) return "unspecified (0.0.0.0/8)";
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return "loopback";
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) ||
      in_v4(a, v4(192, 168, 0, 0), 16))
    return "private";
  if (in_v4(a, v4(100, 64, 0, 0), 10)) return "carrier-grade NAT";
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return "link-local";
  if (in_v4(a, v4(192, 0, 0, 0), 24)) return "IETF protocol assignment";
  if (in_v4(a, v4(192, 0, 2, 0), 24) || in_v4(a, v4(198, 51, 100, 0), 24) ||
      in_v4(a, v4(203, 0, 113, 0), 24))
    return "documentation";
  if (in_v4(a, v4(198, 18, 0, 0), 15)) return "benchmarking";
  if (in_v4(a, v4(224, 0, 0, 0), 4)) return "multicast";
  if (in_v4(a, v4(240, 0, 0, 0), 4)) return "reserved";  // includes broadcast
  return nullptr;
}

std::uint32_t v4_from_tail(const std::array<unsigned char, 16>& b) {
  return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
         (std::uint32_t{b[14]} << 8) | std::uint32_t{b[15]};
}

bool zero_prefix(const std::array<unsigned char, 16>& b, std::size_t count) {
  return std::all_of(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(count),
                     [](unsigned char x) { return x == 0; });
}

const char* special_v6(const boost::asio::ip::address_v6& address) {
  const auto b = address.to_bytes();
  if (address.is_unspecified()) return "unspecified";
  if (address.is_loopback()) return "loopback";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible) reach the IPv4 address.
  if (address.is_v4_mapped() || zero_prefix(b, 12)) return special_v4(v4_from_tail(b));
  // 64:ff9b::/96 is NAT64: the gateway connects to the embedded IPv4 address.
  static constexpr std::array<unsigned char, 12> nat64 = {0x00, 0x64, 0xff, 0x9b};
  if (std::equal(nat64.begin(), nat64.end(), b.begin())) return special_v4(v4_from_tail(b));
  if ((b[0] & 0xfe) == 0xfc) return "unique-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";
  return nullptr;
}

}  // namespace

const char* special_range(const boost::asio::ip::address& address) {
  if (address.is_v4()) return special_v4(address.to_v4().to_uint());
  return special_v6(address.to_v6());
}

AddressPolicy::AddressPolicy(std::vector<std::string> allow_private_hosts) {
  for (const auto& host : allow_private_hosts) allowed_.push_back(normalize_host(host));
}

bool AddressPolicy::host_allowed_private(std::string_view host) const {
  const auto key = normalize_host(host);
  return std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end();
}

bool AddressPolicy::allows(std::string_view host, const boost::asio::ip::address& address) const {
  return special_range(address) == nullptr || host_allowed_private(host);
}

}  // namespace atbackfill::net
