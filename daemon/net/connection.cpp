// Opening client connections: DNS, address policy, TCP connect, TLS with verification.
#include "net/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <vector>

namespace atbackfill::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

std::string host_port(const Url& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

// Resolves with a deadline and honours cancellation of the awaiting coroutine, which
// Asio's resolver does not support by itself.
asio::awaitable<Expected<std::vector<tcp::endpoint>>> resolve(const ConnectSettings& settings,
                                                               const Url& url,
                                                               SteadyClock::time_point deadline) {
  auto resolver = std::make_shared<tcp::resolver>(settings.executor);
  auto registration = settings.cancels->add([resolver] { resolver->cancel(); });
  asio::steady_timer watchdog(settings.executor, deadline);
  watchdog.async_wait([resolver](boost::system::error_code ec) {
    if (!ec) resolver->cancel();
  });
  asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  auto slot = state.slot();
  if (slot.is_connected())
    slot.assign([resolver](asio::cancellation_type) { resolver->cancel(); });

  auto [ec, results] =
      co_await resolver->async_resolve(url.host, std::to_string(url.port), as_tuple_awaitable);
  if (slot.is_connected()) slot.clear();
  watchdog.cancel();
  if (ec) {
    if (ec == asio::error::operation_aborted && SteadyClock::now() >= deadline)
      co_return retryable_error("resolving " + url.host + " timed out after " +
                                describe_duration(settings.request_timeout));
    co_return retryable_error("resolving " + url.host + " failed: " + ec.message());
  }

  std::vector<tcp::endpoint> allowed;
  std::string refused;
  for (const auto& entry : results) {
    const auto address = entry.endpoint().address();
    if (settings.policy->allows(url.host, address))
      allowed.push_back(entry.endpoint());
    else if (refused.empty())
      refused = address.to_string() + ", a " + special_range(address) + " address";
  }
  if (allowed.empty() && !refused.empty())
    co_return permanent_error("refusing to connect to " + url.host + ": it resolves to " +
                              refused + "; list the host in network.allow_private_hosts to allow it");
  if (allowed.empty()) co_return retryable_error("resolving " + url.host + " found no address");
  co_return std::move(allowed);
}

std::string tls_failure(const beast::error_code& ec, SSL* ssl) {
  std::string message = ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) message += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
  return message;
}

}  // namespace

std::string describe_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

asio::awaitable<Expected<ConnectionPtr>> open_connection(const ConnectSettings& settings,
                                                         const Url& url,
                                                         SteadyClock::time_point deadline) {
  auto endpoints = co_await resolve(settings, url, deadline);
  if (!endpoints) co_return endpoints.error();

  auto conn = std::make_unique<Connection>();
  if (url.tls())
    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(settings.executor,
                                                                       *settings.tls_context);
  else
    conn->plain = std::make_unique<beast::tcp_stream>(settings.executor);
  auto registration = settings.cancels->add([c = conn.get()] { c->close(); });

  const auto connect_deadline = SteadyClock::now() + settings.connect_timeout;
  const bool connect_limited = connect_deadline < deadline;
  conn->lowest().expires_at(std::min(connect_deadline, deadline));
  auto [ec, endpoint] = co_await conn->lowest().async_connect(*endpoints, as_tuple_awaitable);
  if (ec == beast::error::timeout)
    co_return retryable_error(
        "connect to " + host_port(url) + " timed out after " +
        describe_duration(connect_limited ? settings.connect_timeout : settings.request_timeout));
  if (ec) co_return retryable_error("connect to " + host_port(url) + " failed: " + ec.message());
  boost::system::error_code ignored;
  conn->lowest().socket().set_option(tcp::no_delay(true), ignored);

  if (conn->tls) {
    auto& tls = *conn->tls;
    boost::system::error_code not_ip;
    asio::ip::make_address(url.host, not_ip);
    // SNI is only for names; certificates of IP literals are matched by the verification.
    if (not_ip && !SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))
      co_return retryable_error("TLS setup for " + host_port(url) + " failed: cannot set SNI");
    tls.set_verify_mode(asio::ssl::verify_peer);
    tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
    conn->lowest().expires_at(deadline);
    auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::client, as_tuple_awaitable);
    if (hec == beast::error::timeout)
      co_return retryable_error("TLS handshake with " + host_port(url) + " timed out after " +
                                describe_duration(settings.request_timeout));
    if (hec)
      co_return retryable_error("TLS handshake with " + host_port(url) +
                                " failed: " + tls_failure(hec, tls.native_handle()));
  }
  co_return std::move(conn);
}

}  // namespace atbackfill::net
