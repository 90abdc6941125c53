// The HTTP client interface the rest of the daemon depends on (fakes implement it in tests).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/expected.hpp"

namespace atbackfill::net {

struct Response {
  unsigned status = 0;
  // Header names lowercased, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string url;  // the URL that produced this response (after redirects)

  std::optional<std::string_view> header(std::string_view lowercase_name) const {
    for (const auto& [name, value] : headers)
      if (name == lowercase_name) return value;
    return std::nullopt;
  }
};

// GET over HTTP(S). A response with any status is a success of the transport; the Error
// branch means no usable response (DNS, connect, TLS, timeout, oversized or truncated body,
// too many redirects, a refused private address). Such errors are `retryable` except for
// a malformed URL, a refused address, an oversized response and a redirect loop or
// unusable redirect: repeating those cannot succeed.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual boost::asio::awaitable<Expected<Response>> get(std::string url) = 0;
};

}  // namespace atbackfill::net
