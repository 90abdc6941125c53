// Small coroutine building blocks for the scheduler: cancellable sleep, retries, fan-out.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <random>
#include <string_view>
#include <vector>

#include "sync/retry_policy.hpp"
#include "util/expected.hpp"

namespace atbackfill::sync {

// Sleeps; throws operation_aborted when the calling task is cancelled (shutdown).
inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

inline double unit_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// Runs `attempt()` (returning awaitable<Expected<T>>) until it succeeds, fails for good,
// or the policy's attempts are used up; sleeps the policy's backoff between attempts.
template <class MakeAttempt>
auto with_retries(const RetryPolicy& policy, std::string what, MakeAttempt attempt)
    -> decltype(attempt()) {
  for (int failed = 0;;) {
    auto result = co_await attempt();
    if (result.ok() || !result.error().retryable || ++failed >= policy.max_attempts) co_return result;
    // A request cut short by shutdown is not worth a retry (or a warning).
    boost::asio::cancellation_state cancellation = co_await boost::asio::this_coro::cancellation_state;
    if (cancellation.cancelled() != boost::asio::cancellation_type::none) co_return result;
    const auto delay = policy.delay_after(failed, unit_random());
    spdlog::warn("retrying what=\"{}\" attempt={} delay_ms={} error=\"{}\"", what, failed + 1, delay.count(),
                 result.error().message);
    co_await sleep_for(delay);
  }
}

// Runs every task concurrently and returns their results in order. Cancelling the caller
// cancels them all; an exception from any task is rethrown after all have finished.
template <class T>
boost::asio::awaitable<std::vector<T>> run_all(std::vector<boost::asio::awaitable<T>> tasks) {
  if (tasks.empty()) co_return std::vector<T>{};
  auto executor = co_await boost::asio::this_coro::executor;
  using Op = decltype(boost::asio::co_spawn(executor, std::move(tasks.front()), boost::asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (auto& task : tasks) ops.push_back(boost::asio::co_spawn(executor, std::move(task), boost::asio::deferred));
  auto [order, exceptions, values] =
      co_await boost::asio::experimental::make_parallel_group(std::move(ops))
          .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
  (void)order;
  for (const auto& e : exceptions)
    if (e) std::rethrow_exception(e);
  co_return std::move(values);
}

}  // namespace atbackfill::sync
