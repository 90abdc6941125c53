// One XRPC GET whose non-200 answers become Errors carrying the server's reason.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "net/http_client.hpp"
#include "util/expected.hpp"

namespace atbackfill::sync {

// The response when the status is 200; otherwise an Error whose message is the decoded XRPC
// error (or an excerpt of an HTML/empty body), retryable for 408/429/5xx, and whose code is
// "RepoNotFound" when the repo is unknown to the host (the account may have moved) or
// "RepoUnavailable" when it is deactivated, taken down or suspended.
boost::asio::awaitable<Expected<net::Response>> xrpc_get(net::HttpClient& http, std::string url);

}  // namespace atbackfill::sync
