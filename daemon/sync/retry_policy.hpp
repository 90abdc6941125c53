// When to try a failed request again: capped exponential backoff with jitter. Pure.
#pragma once

#include <chrono>

namespace atbackfill::sync {

struct RetryPolicy {
  int max_attempts = 6;  // including the first
  std::chrono::milliseconds initial_delay{1000};
  std::chrono::milliseconds max_delay{std::chrono::minutes(5)};

  // Delay before attempt `failed_attempts + 1`: initial * 2^(failed-1), capped, then scaled
  // by a jitter factor in [0.5, 1.0] from `unit_random` in [0, 1) so that many jobs that
  // failed together do not retry together.
  std::chrono::milliseconds delay_after(int failed_attempts, double unit_random) const;
};

}  // namespace atbackfill::sync
