// Splitting the `status.listen` setting into host and port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace atbackfill::status {

struct ListenAddress {
  std::string host;  // an IP literal (brackets removed from IPv6) or a host name
  std::uint16_t port = 0;
};

// "127.0.0.1:9464", "0.0.0.0:9464", "[::1]:9464", "localhost:9464". Port 0 (any free port) is
// accepted here; the configuration itself only allows 1..65535.
Expected<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace atbackfill::status
