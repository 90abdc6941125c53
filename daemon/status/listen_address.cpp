// Splitting the `status.listen` setting into host and port.
#include "status/listen_address.hpp"

#include <algorithm>

namespace atbackfill::status {

Expected<ListenAddress> parse_listen_address(std::string_view text) {
  const auto invalid = [&] {
    return permanent_error("\"" + std::string(text) + "\" is not a listen address (expected host:port)");
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return invalid();
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid();
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // An unbracketed IPv6 literal is ambiguous ("::1:9464").
    if (host.find(':') != std::string_view::npos) return invalid();
  }
  if (host.empty() || port.empty() || port.size() > 5) return invalid();
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return invalid();
  const auto number = std::stoul(std::string(port));
  if (number > 65535) return invalid();
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(number)};
}

}  // namespace atbackfill::status
