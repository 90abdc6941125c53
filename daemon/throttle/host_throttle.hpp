// Per-host admission on the io_context: a FIFO concurrency limit, then paced start times.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <list>
#include <utility>

#include "config/settings.hpp"
#include "throttle/rate_policy.hpp"

namespace atbackfill::throttle {

// Single-threaded (one io_context thread): no locks.
class HostThrottle {
 public:
  // Holds one concurrency slot until destroyed.
  class Permit {
   public:
    Permit() = default;
    explicit Permit(HostThrottle* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        reset();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    ~Permit() { reset(); }
    void reset() {
      if (owner_) std::exchange(owner_, nullptr)->release();
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    HostThrottle* owner_ = nullptr;
  };

  explicit HostThrottle(config::HostLimits limits);
  HostThrottle(const HostThrottle&) = delete;
  HostThrottle& operator=(const HostThrottle&) = delete;

  // Waits for a concurrency slot (first come, first served), then for the next rate slot,
  // and returns once the request may start. Cancelling the awaiting coroutine (terminal
  // cancellation) makes it throw operation_aborted without holding or leaking a slot.
  boost::asio::awaitable<Permit> acquire();

  // Nothing starts before `until` (after a 429).
  void penalize_until(Clock::time_point until) { policy_.penalize_until(until); }
  Clock::time_point blocked_until() const { return policy_.blocked_until(); }

  const config::HostLimits& limits() const { return limits_; }
  int in_flight() const { return in_flight_; }
  std::size_t waiting() const { return waiters_.size(); }
  std::uint64_t started() const { return started_; }

 private:
  struct Waiter;
  void release();

  config::HostLimits limits_;
  RatePolicy policy_;
  int in_flight_ = 0;
  std::list<Waiter*> waiters_;
  std::uint64_t started_ = 0;
};

}  // namespace atbackfill::throttle
