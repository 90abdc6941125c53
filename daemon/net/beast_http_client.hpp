// Factory for the real HTTP(S) client (Beast inside; this header stays free of Beast).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.hpp"

namespace boost::asio::ssl {
class context;
}

namespace atbackfill::net {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // Bounds a whole get(), redirects included. DNS lookups are bounded by it as well.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  std::string user_agent = "atbackfill";
  // Hosts that may resolve to loopback/private addresses (see address_policy.hpp).
  std::vector<std::string> allow_private_hosts;
  int max_redirects = 3;
  std::size_t max_idle_per_host = 4;
  // Idle connections older than this are closed rather than reused: servers drop idle
  // keep-alive connections after a few seconds (Node's default is 5 s).
  std::chrono::milliseconds max_idle_time = std::chrono::seconds(4);
  // TLS settings. Without one, a context trusting the system CAs is built.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  // A PEM file of extra trusted CAs added to the default context (tests, private PDSs).
  std::string extra_ca_file;
};

// An HttpClient that can be shut down: every in-flight request ends at once with an error,
// idle connections are closed, and later requests fail without touching the network.
class ClosableHttpClient : public HttpClient {
 public:
  virtual void shutdown() = 0;
  // Connections opened so far (for tests and metrics).
  virtual std::size_t connections_opened() const = 0;
};

// Requests run on `executor`, which must be a single-threaded context: the client keeps
// its connection pool without locks. The client must outlive its requests.
std::unique_ptr<ClosableHttpClient> make_http_client(boost::asio::any_io_executor executor,
                                                     ClientOptions options);

}  // namespace atbackfill::net
