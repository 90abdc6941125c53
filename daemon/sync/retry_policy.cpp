#include "sync/retry_policy.hpp"

#include <algorithm>

namespace atbackfill::sync {

std::chrono::milliseconds RetryPolicy::delay_after(int failed_attempts, double unit_random) const {
  const int doublings = std::clamp(failed_attempts - 1, 0, 30);
  const double base = static_cast<double>(initial_delay.count()) * static_cast<double>(1LL << doublings);
  const double capped = std::min(base, static_cast<double>(max_delay.count()));
  const double jitter = 0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(capped * jitter));
}

}  // namespace atbackfill::sync
