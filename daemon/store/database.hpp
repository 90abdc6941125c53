// The DB lane: one thread that owns one PostgreSQL connection and runs units of work for coroutines.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <pqxx/connection>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace atbackfill::store {

// Thrown to callers whose unit of work did not run (or did not finish) because the lane stopped.
class Stopped : public std::runtime_error {
 public:
  Stopped() : std::runtime_error("database lane stopped") {}
};

struct DatabaseOptions {
  std::string url;  // libpq URI or key=value string
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // Bounds how long a connection attempt (and therefore stop() during one) can block.
  std::chrono::seconds connect_timeout{10};
};

struct DatabaseStats {
  std::uint64_t connects = 0;          // successful connection set-ups
  std::uint64_t failed_attempts = 0;   // units that failed transiently and were retried
  std::uint64_t units_completed = 0;   // units that returned or threw a non-retryable error
};

// libpqxx blocks, so it never runs on the io_context thread: `run(f)` queues f for the lane's
// thread and resumes the awaiting coroutine on its own executor with f's result or exception.
//
// A unit that fails because the connection broke (or on a serialization failure / deadlock)
// is retried as a whole on a fresh connection, with backoff from `initial_backoff` doubling to
// `max_backoff`, until it succeeds or the lane stops. Units must therefore be idempotent and
// must open their own transaction. Any other exception reaches the caller unchanged.
//
// The lane must be stopped and destroyed while the executors of its callers are still alive.
class Database {
 public:
  explicit Database(DatabaseOptions options);
  ~Database();  // stop(), then waits for the unit in progress
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, pqxx::connection&>> run(F f);

  // No new unit starts; queued callers and callers that submit later get Stopped, a unit
  // waiting to retry gives up with Stopped, the unit executing SQL finishes. Thread-safe,
  // does not block.
  void stop();
  bool stopped() const;
  DatabaseStats stats() const;

 private:
  boost::asio::awaitable<void> run_erased(std::function<void(pqxx::connection&)> work);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

template <class F>
boost::asio::awaitable<std::invoke_result_t<F&, pqxx::connection&>> Database::run(F f) {
  using Result = std::invoke_result_t<F&, pqxx::connection&>;
  // The references stay valid: this frame is kept alive by the pending completion handler
  // until the lane has finished with the unit.
  if constexpr (std::is_void_v<Result>) {
    co_await run_erased([&f](pqxx::connection& connection) { f(connection); });
  } else {
    std::optional<Result> result;
    co_await run_erased([&f, &result](pqxx::connection& connection) { result.emplace(f(connection)); });
    co_return std::move(*result);
  }
}

}  // namespace atbackfill::store
