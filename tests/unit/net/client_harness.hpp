// Runs client coroutines to completion on a test's io_context.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>

#include "net/http_client.hpp"

namespace atbackfill::net::testing {

// Runs `operation` until it completes; a hang fails the test instead of blocking forever.
inline std::optional<Expected<Response>> run_get(boost::asio::io_context& context,
                                                 boost::asio::awaitable<Expected<Response>> operation) {
  std::optional<Expected<Response>> result;
  boost::asio::co_spawn(
      context,
      [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(operation)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  context.restart();
  context.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(result.has_value()) << "request did not complete";
  return result;
}

}  // namespace atbackfill::net::testing
