// Config-internal checks for host names, host:port keys, listen addresses and base URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atbackfill::config::detail {

// A DNS name of one or more labels ("localhost", "pds.example.com") or an IPv4 address.
bool is_host_name(std::string_view text);
// An IPv6 literal without brackets ("::1", "fd00::2"); a loose check of the alphabet only.
bool is_ipv6_literal(std::string_view text);
// "1".."65535" without sign or leading zeros.
bool is_port(std::string_view text);

// "host", "host:port", "[v6]" or "[v6]:port" (lowercase expected). Returns why not, or nullopt.
std::optional<std::string> host_key_problem(std::string_view text);
// "host:port" or "[v6]:port", the port required. Returns why not, or nullopt.
std::optional<std::string> listen_address_problem(std::string_view text);
// http(s)://host[:port][/path] without query, fragment, user-info or whitespace.
std::optional<std::string> base_url_problem(std::string_view text);

}  // namespace atbackfill::config::detail
