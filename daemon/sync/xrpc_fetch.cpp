#include "sync/xrpc_fetch.hpp"

#include "atproto/xrpc_error.hpp"

namespace atbackfill::sync {

boost::asio::awaitable<Expected<net::Response>> xrpc_get(net::HttpClient& http, std::string url) {
  auto response = co_await http.get(url);
  if (!response || response->status == 200) co_return response;
  const auto xrpc = atproto::decode_xrpc_error(response->status, response->body);
  std::string code = xrpc.repo_missing ? "RepoNotFound" : xrpc.repo_unavailable ? "RepoUnavailable" : "";
  co_return Error{xrpc.describe(), xrpc.retryable, std::move(code)};
}

}  // namespace atbackfill::sync
