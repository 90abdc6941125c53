// Tests for HostThrottle: concurrency bound, FIFO order, pacing lower bounds, cancellation.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <vector>

#include "throttle/host_throttle.hpp"

namespace atbackfill::throttle {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> yield() { co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); }

asio::awaitable<void> sleep_for(Clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

bool aborted(std::exception_ptr e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& error) {
    return error.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

class HostThrottleTest : public ::testing::Test {
 protected:
  void run() {
    context_.run_for(20s);
    ASSERT_TRUE(context_.stopped()) << "coroutines did not finish";
  }
  asio::io_context context_;
};

TEST_F(HostThrottleTest, ConcurrencyNeverExceedsTheLimitAndSlotsGoInArrivalOrder) {
  HostThrottle throttle({0, 2});
  int holders = 0;
  int most = 0;
  std::vector<int> order;
  for (int i = 0; i < 10; ++i) {
    asio::co_spawn(context_, [&, i]() -> asio::awaitable<void> {
      auto permit = co_await throttle.acquire();
      order.push_back(i);
      most = std::max(most, ++holders);
      co_await sleep_for(2ms);
      --holders;
    }, asio::detached);
  }
  run();
  EXPECT_EQ(most, 2);
  ASSERT_EQ(order.size(), 10u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(throttle.in_flight(), 0);
  EXPECT_EQ(throttle.waiting(), 0u);
  EXPECT_EQ(throttle.started(), 10u);
}

TEST_F(HostThrottleTest, StartsAreSpacedByTheRateInterval) {
  HostThrottle throttle({6000, 100});  // 10 ms apart
  const auto begin = Clock::now();
  Clock::time_point last_start;
  int done = 0;
  for (int i = 0; i < 10; ++i) {
    asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
      auto permit = co_await throttle.acquire();
      last_start = std::max(last_start, Clock::now());
      ++done;
    }, asio::detached);
  }
  run();
  EXPECT_EQ(done, 10);
  EXPECT_GE(last_start - begin, 9 * 10ms);
}

TEST_F(HostThrottleTest, SequentialAcquisitionsArePacedToo) {
  HostThrottle throttle({6000, 1});
  const auto begin = Clock::now();
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) auto permit = co_await throttle.acquire();
  }, asio::detached);
  run();
  EXPECT_GE(Clock::now() - begin, 4 * 10ms);
}

TEST_F(HostThrottleTest, PenaltyDelaysTheNextStart) {
  HostThrottle throttle({0, 1});
  const auto until = Clock::now() + 50ms;
  throttle.penalize_until(until);
  Clock::time_point started;
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    auto permit = co_await throttle.acquire();
    started = Clock::now();
  }, asio::detached);
  run();
  EXPECT_GE(started, until);
}

TEST_F(HostThrottleTest, PenaltyArrivingDuringTheRateWaitIsHonoured) {
  HostThrottle throttle({600, 1});  // 100 ms apart
  Clock::time_point until;
  Clock::time_point second_start;
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    { auto first = co_await throttle.acquire(); }
    co_await throttle.acquire();  // sleeps ~100 ms for its rate slot ...
    second_start = Clock::now();
  }, asio::detached);
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    co_await yield();
    until = Clock::now() + 300ms;  // ... while a 429 pauses the host for longer
    throttle.penalize_until(until);
  }, asio::detached);
  run();
  EXPECT_GE(second_start, until);
}

TEST_F(HostThrottleTest, CancelledWaiterLeavesTheQueueWithoutLeakingASlot) {
  HostThrottle throttle({0, 1});
  asio::cancellation_signal cancel_b;
  std::vector<char> order;
  std::exception_ptr b_error;
  bool b_done = false;
  auto holder = [&](char name) -> asio::awaitable<void> {
    auto permit = co_await throttle.acquire();
    order.push_back(name);
    co_await sleep_for(5ms);
  };
  asio::co_spawn(context_, holder('a'), asio::detached);
  asio::co_spawn(context_, holder('b'), asio::bind_cancellation_slot(cancel_b.slot(), [&](std::exception_ptr e) {
    b_done = true;
    b_error = e;
  }));
  asio::co_spawn(context_, holder('c'), asio::detached);
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    while (throttle.waiting() < 2) co_await yield();
    cancel_b.emit(asio::cancellation_type::terminal);
    co_await yield();
    EXPECT_EQ(throttle.waiting(), 1u);
  }, asio::detached);
  run();
  EXPECT_TRUE(b_done);
  EXPECT_TRUE(aborted(b_error));
  EXPECT_EQ(order, (std::vector<char>{'a', 'c'}));
  EXPECT_EQ(throttle.in_flight(), 0);
  EXPECT_EQ(throttle.waiting(), 0u);
  EXPECT_EQ(throttle.started(), 2u);
}

TEST_F(HostThrottleTest, CancelDuringTheRateWaitReleasesTheSlot) {
  HostThrottle throttle({1, 1});  // one a minute: the second would sleep for 60 s
  asio::cancellation_signal cancel;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    { auto first = co_await throttle.acquire(); }
    auto second = co_await throttle.acquire();
  }, asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
    done = true;
    error = e;
  }));
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    while (throttle.started() < 1 || throttle.in_flight() < 1) co_await yield();
    cancel.emit(asio::cancellation_type::terminal);
  }, asio::detached);
  run();
  EXPECT_TRUE(done);
  EXPECT_TRUE(aborted(error));
  EXPECT_EQ(throttle.in_flight(), 0);
  EXPECT_EQ(throttle.started(), 1u);
}

TEST_F(HostThrottleTest, MovedPermitReleasesOnce) {
  HostThrottle throttle({0, 2});
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    auto a = co_await throttle.acquire();
    auto b = co_await throttle.acquire();
    EXPECT_EQ(throttle.in_flight(), 2);
    HostThrottle::Permit moved = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_TRUE(moved);
    b = std::move(moved);  // releases b's slot, keeps a's
    EXPECT_EQ(throttle.in_flight(), 1);
    b.reset();
    EXPECT_EQ(throttle.in_flight(), 0);
  }, asio::detached);
  run();
  EXPECT_EQ(throttle.in_flight(), 0);
}

}  // namespace
}  // namespace atbackfill::throttle
