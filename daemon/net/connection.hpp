// One HTTP(S) connection of the Beast client and how it is opened (internal to net/).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "net/address_policy.hpp"
#include "net/cancel_registry.hpp"
#include "net/url.hpp"
#include "util/expected.hpp"

namespace atbackfill::net {

using SteadyClock = std::chrono::steady_clock;

struct Connection {
  // Exactly one of them is set.
  std::unique_ptr<boost::beast::tcp_stream> plain;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
  boost::beast::flat_buffer buffer;
  SteadyClock::time_point idle_since;

  boost::beast::tcp_stream& lowest() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }
  void close() {
    boost::system::error_code ignored;
    lowest().socket().close(ignored);
  }
};

using ConnectionPtr = std::unique_ptr<Connection>;

struct ConnectSettings {
  boost::asio::any_io_executor executor;
  std::chrono::milliseconds connect_timeout;
  std::chrono::milliseconds request_timeout;  // only for messages: `deadline` derives from it
  const AddressPolicy* policy;
  boost::asio::ssl::context* tls_context;
  CancelRegistry* cancels;
};

// Resolves, filters addresses through the policy, connects and (for https) completes a
// verified TLS handshake, all before `deadline`.
boost::asio::awaitable<Expected<ConnectionPtr>> open_connection(
    const ConnectSettings& settings, const Url& url, SteadyClock::time_point deadline);

// "200ms", "10s": durations as operators write them in the configuration.
std::string describe_duration(std::chrono::milliseconds duration);

}  // namespace atbackfill::net
