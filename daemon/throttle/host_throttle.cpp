// HostThrottle: concurrency slots handed over in FIFO order, then a timer until the rate slot.
#include "throttle/host_throttle.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>

namespace atbackfill::throttle {

namespace asio = boost::asio;

// A coroutine queued for a concurrency slot. The slot is handed over directly by release()
// (in_flight_ stays the same), so a newcomer cannot overtake the queue.
struct HostThrottle::Waiter {
  Waiter(HostThrottle& owner, const asio::any_io_executor& executor)
      : owner(owner), wakeup(executor, asio::steady_timer::time_point::max()) {
    position = owner.waiters_.insert(owner.waiters_.end(), this);
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  // Leaves the queue on every path (cancelled, or the coroutine destroyed while waiting),
  // and passes on a slot that was granted but never taken.
  ~Waiter() {
    if (!granted)
      owner.waiters_.erase(position);
    else if (!taken)
      owner.release();
  }

  HostThrottle& owner;
  asio::steady_timer wakeup;
  bool granted = false;
  bool taken = false;
  std::list<Waiter*>::iterator position;
};

HostThrottle::HostThrottle(config::HostLimits limits)
    : limits_(limits), policy_(limits.requests_per_minute) {
  limits_.max_concurrent = std::max(1, limits_.max_concurrent);
}

void HostThrottle::release() {
  if (waiters_.empty()) {
    --in_flight_;
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->granted = true;
  next->wakeup.cancel();
}

asio::awaitable<HostThrottle::Permit> HostThrottle::acquire() {
  const auto executor = co_await asio::this_coro::executor;
  Permit permit;
  if (in_flight_ < limits_.max_concurrent && waiters_.empty()) {
    ++in_flight_;
    permit = Permit(this);
  } else {
    Waiter waiter(*this, executor);
    // Wakes with operation_aborted both when granted and when cancelled.
    co_await waiter.wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!waiter.granted) throw boost::system::system_error(asio::error::operation_aborted);
    waiter.taken = true;
    permit = Permit(this);
  }

  // Starts are paced only after the slot is held, so that they keep the interval even when
  // requests finish out of order. A cancelled sleep throws and the permit frees the slot.
  asio::steady_timer timer(executor);
  for (;;) {
    const auto now = Clock::now();
    const auto start = policy_.reserve(now);
    if (start <= now) break;
    timer.expires_at(start);
    co_await timer.async_wait(asio::use_awaitable);
    if (policy_.blocked_until() <= Clock::now()) break;  // else a 429 came in meanwhile
  }
  ++started_;
  co_return permit;
}

}  // namespace atbackfill::throttle
