// The Beast HTTP(S) client: keep-alive pool, timeouts, body limit, bounded redirects.
#include "net/beast_http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>

#include "net/connection.hpp"

namespace atbackfill::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// The outcome of one request/response exchange on a connection.
struct Exchange {
  Expected<Response> result;
  bool keep_alive = false;
  // Failed before any response byte on a reused connection: the server had closed it
  // while idle, so the request never reached it and may be sent again.
  bool stale = false;
};

std::string url_text(const Url& url) { return url.origin() + url.target; }

std::string host_header(const Url& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  if (!url.default_port()) host += ":" + std::to_string(url.port);
  return host;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Errors after which the request must not be repeated on a new connection.
bool final_error(const beast::error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::operation_aborted;
}

std::shared_ptr<asio::ssl::context> tls_context_for(const ClientOptions& options) {
  auto context = options.tls_context;
  if (!context) {
    context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_default_verify_paths();
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  }
  if (!options.extra_ca_file.empty()) context->load_verify_file(options.extra_ca_file);
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

class BeastHttpClient final : public ClosableHttpClient {
 public:
  BeastHttpClient(asio::any_io_executor executor, ClientOptions options)
      : options_(std::move(options)),
        policy_(options_.allow_private_hosts),
        tls_context_(tls_context_for(options_)),
        connect_settings_{executor, options_.connect_timeout, options_.request_timeout, &policy_,
                          tls_context_.get(), &cancels_} {}

  ~BeastHttpClient() override { shutdown(); }

  asio::awaitable<Expected<Response>> get(std::string text) override {
    auto parsed = parse_url(text);
    if (!parsed) co_return parsed.error();
    Url url = std::move(parsed).value();
    const auto deadline = SteadyClock::now() + options_.request_timeout;
    try {
      for (int redirects = 0;; ++redirects) {
        auto result = co_await fetch(url, deadline);
        if (!result || !is_redirect(result->status)) co_return std::move(result);
        const auto location = result->header("location");
        if (!location) co_return std::move(result);
        if (redirects >= options_.max_redirects)
          co_return permanent_error("GET " + text + ": more than " +
                                    std::to_string(options_.max_redirects) + " redirects");
        auto next = resolve_reference(url, *location);
        if (!next)
          co_return permanent_error("GET " + url_text(url) + " redirects to an unusable location: " +
                                    next.error().message);
        url = std::move(next).value();
      }
    } catch (const boost::system::system_error& e) {
      // Asio throws from co_await once the awaiting coroutine has been cancelled.
      co_return retryable_error("GET " + url_text(url) + " cancelled: " + e.code().message());
    }
  }

  void shutdown() override {
    closed_ = true;
    cancels_.cancel_all();
    idle_.clear();
  }

  std::size_t connections_opened() const override { return opened_; }

 private:
  asio::awaitable<Expected<Response>> fetch(const Url& url, SteadyClock::time_point deadline) {
    const auto key = url.scheme + "://" + url.host_key();
    if (auto conn = take_idle(key)) {
      auto exchange = co_await send(*conn, url, deadline, true);
      if (!exchange.stale) co_return finish(key, std::move(conn), std::move(exchange));
    }
    if (closed_) co_return retryable_error("GET " + url_text(url) + ": client is shutting down");
    auto conn = co_await open_connection(connect_settings_, url, deadline);
    if (!conn) co_return conn.error();
    ++opened_;
    if (closed_) co_return retryable_error("GET " + url_text(url) + ": client is shutting down");
    auto exchange = co_await send(**conn, url, deadline, false);
    co_return finish(key, std::move(*conn), std::move(exchange));
  }

  Expected<Response> finish(const std::string& key, ConnectionPtr conn, Exchange exchange) {
    if (exchange.result && exchange.keep_alive && !closed_) {
      auto& pool = idle_[key];
      if (pool.size() < options_.max_idle_per_host) {
        conn->lowest().expires_never();
        conn->idle_since = SteadyClock::now();
        pool.push_back(std::move(conn));
      }
    }
    return std::move(exchange.result);
  }

  ConnectionPtr take_idle(const std::string& key) {
    const auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto& pool = it->second;
    const auto oldest_usable = SteadyClock::now() - options_.max_idle_time;
    // Most recently used first; anything older than the newest expired one is expired too.
    while (!pool.empty()) {
      auto conn = std::move(pool.back());
      pool.pop_back();
      if (conn->idle_since >= oldest_usable) return conn;
      pool.clear();
    }
    return nullptr;
  }

  asio::awaitable<Exchange> send(Connection& conn, const Url& url, SteadyClock::time_point deadline,
                                 bool reused) {
    auto registration = cancels_.add([&conn] { conn.close(); });
    conn.lowest().expires_at(deadline);
    if (conn.tls) co_return co_await exchange_on(*conn.tls, conn.buffer, url, reused);
    co_return co_await exchange_on(*conn.plain, conn.buffer, url, reused);
  }

  template <class Stream>
  asio::awaitable<Exchange> exchange_on(Stream& stream, beast::flat_buffer& buffer, const Url& url,
                                        bool reused) {
    http::request<http::empty_body> request{http::verb::get, url.target, 11};
    request.set(http::field::host, host_header(url));
    request.set(http::field::user_agent, options_.user_agent);
    request.set(http::field::accept, "application/json");
    auto [write_ec, written] = co_await http::async_write(stream, request, as_tuple_awaitable);
    if (write_ec)
      co_return Exchange{read_error(write_ec, url, false), false, reused && !final_error(write_ec)};

    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_response_bytes);
    parser.header_limit(64 * 1024);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
    if (read_ec) {
      const bool stale = reused && !parser.got_some() && !final_error(read_ec);
      co_return Exchange{read_error(read_ec, url, parser.got_some()), false, stale};
    }
    auto& message = parser.get();
    Response response;
    response.status = message.result_int();
    for (const auto& field : message)
      response.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
    response.body = std::move(message.body());
    response.url = url_text(url);
    // Bytes after the response that nobody asked for would be read as the answer to the
    // next request on this connection: such a connection is not reused.
    const bool reusable = message.keep_alive() && buffer.size() == 0;
    co_return Exchange{std::move(response), reusable, false};
  }

  Error read_error(const beast::error_code& ec, const Url& url, bool got_some) const {
    const auto where = url_text(url);
    if (ec == beast::error::timeout)
      return retryable_error("GET " + where + " timed out after " +
                             describe_duration(options_.request_timeout));
    if (ec == http::error::body_limit)
      return permanent_error("response from " + where + " larger than " +
                             std::to_string(options_.max_response_bytes) + " bytes");
    if (ec == http::error::header_limit)
      return permanent_error("response from " + where + " has oversized headers");
    if (ec == http::error::partial_message || (got_some && ec == http::error::end_of_stream))
      return retryable_error("response from " + where + " truncated: connection closed mid-message");
    if (ec == http::error::end_of_stream)
      return retryable_error("GET " + where + ": connection closed before a response");
    if (ec == asio::error::operation_aborted)
      return retryable_error("GET " + where + " cancelled");
    return retryable_error("GET " + where + " failed: " + ec.message());
  }

  ClientOptions options_;
  AddressPolicy policy_;
  std::shared_ptr<asio::ssl::context> tls_context_;
  CancelRegistry cancels_;
  ConnectSettings connect_settings_;
  std::map<std::string, std::deque<ConnectionPtr>> idle_;
  std::size_t opened_ = 0;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<ClosableHttpClient> make_http_client(asio::any_io_executor executor,
                                                     ClientOptions options) {
  return std::make_unique<BeastHttpClient>(std::move(executor), std::move(options));
}

}  // namespace atbackfill::net
