// The blocking test client: Beast's synchronous read and write over a plain socket.
#include "support/fixture_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <stdexcept>

namespace atbackfill::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct FixtureClient::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  boost::system::error_code last_error;
};

FixtureClient::FixtureClient(unsigned short port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

FixtureClient::~FixtureClient() = default;

std::optional<FixtureResponse> FixtureClient::get(const std::string& target, bool keep_alive) {
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  request.keep_alive(keep_alive);
  auto& ec = impl_->last_error;
  ec = {};
  http::write(impl_->socket, request, ec);
  if (ec) return std::nullopt;
  http::response<http::string_body> response;
  http::read(impl_->socket, impl_->buffer, response, ec);
  if (ec) return std::nullopt;

  FixtureResponse out;
  out.status = response.result_int();
  out.keep_alive = response.keep_alive();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = std::move(response.body());
  return out;
}

boost::system::error_code FixtureClient::last_error() const { return impl_->last_error; }

FixtureResponse fixture_get(unsigned short port, const std::string& target) {
  FixtureClient client(port);
  auto response = client.get(target);
  if (!response) throw std::runtime_error("no response for " + target + ": " + client.last_error().message());
  return std::move(*response);
}

}  // namespace atbackfill::testing
