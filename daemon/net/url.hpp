// URL parsing for the http(s) URLs the daemon talks to (pure, no I/O).
#pragma once

#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace atbackfill::net {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lowercased; IPv6 literals without brackets
  unsigned short port = 0;  // explicit or the scheme default
  std::string target;  // path + query, at least "/"

  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? 443 : 80); }
  // "host" for a default port, else "host:port": the key of `hosts:` limits and throttles.
  std::string host_key() const;
  // scheme://host[:port] with no trailing slash.
  std::string origin() const;
};

// Accepts absolute http:// and https:// URLs only; rejects user-info, fragments-only oddities,
// empty hosts and ports outside 1..65535.
Expected<Url> parse_url(std::string_view text);

// Resolves `reference` (absolute, or absolute-path "/x") against `base`, for redirects.
Expected<Url> resolve_reference(const Url& base, std::string_view reference);

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view value);

}  // namespace atbackfill::net
