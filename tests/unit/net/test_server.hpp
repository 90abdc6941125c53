// A scriptable HTTP(S)/1.1 server on 127.0.0.1 for the client tests, on its own thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace atbackfill::net::testing {

struct ServerRequest {
  std::string target;
  std::string host;
  std::string user_agent;
  std::string accept;
  unsigned short port = 0;  // the server's own port, for absolute redirects
};

struct Reply {
  std::string raw;           // bytes sent as they are
  bool close_after = false;  // close the connection once sent (whatever the headers say)
  bool hang = false;         // never answer
};

// A complete response with Content-Length; headers are "Name: value" lines.
std::string http_response(unsigned status, const std::string& body,
                          const std::vector<std::string>& headers = {});

class TestServer {
 public:
  using Handler = std::function<Reply(const ServerRequest&)>;

  // Handlers run on the server thread.
  explicit TestServer(Handler handler, std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  unsigned short port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

 private:
  struct Impl;
  boost::asio::io_context context_;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A server-side TLS context with the committed localhost certificate.
std::shared_ptr<boost::asio::ssl::context> test_server_tls();
std::string test_ca_file();

}  // namespace atbackfill::net::testing
