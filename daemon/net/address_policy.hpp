// Which IP addresses the daemon may connect to: protection against DID documents and
// redirects that point at loopback or internal networks (SSRF).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace atbackfill::net {

// The kind of non-public range an address falls into, or nullptr for a public address.
// IPv4-mapped and IPv4-compatible IPv6 addresses are judged by their IPv4 part.
const char* special_range(const boost::asio::ip::address& address);

class AddressPolicy {
 public:
  AddressPolicy() = default;
  // Hosts (exact names or IP literals, case-insensitive) allowed to use non-public addresses.
  explicit AddressPolicy(std::vector<std::string> allow_private_hosts);

  // True when a connection to `address`, found for `host`, is permitted.
  bool allows(std::string_view host, const boost::asio::ip::address& address) const;
  bool host_allowed_private(std::string_view host) const;

 private:
  std::vector<std::string> allowed_;  // lowercased, without IPv6 brackets
};

}  // namespace atbackfill::net
