// The daemon's own counters and gauges (see prometheus.hpp for how they are exposed).
#pragma once

#include <cstdint>

namespace atbackfill::status {

// Plain numbers: every writer runs on the io_context thread, and so does the status server
// that reads them, so nothing here needs to be atomic.
struct Metrics {
  std::uint64_t records_stored_total = 0;    // records in committed pages (new, changed or unchanged)
  std::uint64_t records_rejected_total = 0;  // records refused by validation
  std::uint64_t records_repaired_total = 0;  // stored with characters replaced by U+FFFD
  std::uint64_t pages_committed_total = 0;
  std::uint64_t collection_passes_ok_total = 0;
  std::uint64_t collection_passes_error_total = 0;
  std::uint64_t accounts_resolved_total = 0;  // identity resolutions through the network
  std::uint64_t identity_errors_total = 0;    // resolutions that failed after retries
  std::int64_t collections_in_progress = 0;   // gauge
};

// Keeps a gauge raised for as long as it lives (also when a coroutine unwinds).
class GaugeRaise {
 public:
  explicit GaugeRaise(std::int64_t* gauge) : gauge_(gauge) {
    if (gauge_) ++*gauge_;
  }
  ~GaugeRaise() {
    if (gauge_) --*gauge_;
  }
  GaugeRaise(const GaugeRaise&) = delete;
  GaugeRaise& operator=(const GaugeRaise&) = delete;

 private:
  std::int64_t* gauge_;
};

}  // namespace atbackfill::status
