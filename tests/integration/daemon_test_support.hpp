// Shared set-up for tests that run the atbackfill executable against fixture hosts.
#pragma once

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/scratch_database.hpp"
#include "support/test_network.hpp"

namespace atbackfill::testing {

// alice (host A): network.comind.thought x137, network.comind.concept x3, app.bsky.feed.post x4
// bob   (host B): network.comind.thought x45, org.example.note x12 (an exact NSID in his list)
// carol (host B, configured by DID): only app.bsky.feed.post, so nothing of hers is selected.
class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The YAML the daemon runs with; `hosts` is inserted under `hosts:` (indented by 2).
  std::string config_yaml(const std::string& host_overrides = "") const;
  void write_config(const std::string& host_overrides = "");

  std::vector<std::string> run_args(bool once) const;
  // Runs `atbackfill run --once` to the end; returns its exit status.
  int run_once(std::chrono::milliseconds timeout = std::chrono::seconds(90));
  std::unique_ptr<DaemonProcess> start_daemon(bool once);
  std::string log() const { return read_file(log_path()); }
  std::string log_path() const { return dir.file("daemon.log"); }

  // Rows that differ between the records table and what the hosts list for the selected
  // collections (symmetric difference on uri, cid, value); 0 means an exact copy.
  long long table_mismatches();
  long long record_count();
  long long query_count(const std::string& sql);
  // Polls `sql` until it yields at least `at_least` (tables may not exist yet while the
  // daemon migrates); false at the deadline.
  bool wait_for_query(const std::string& sql, long long at_least,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // (did, collection) pairs the configuration selects, and where they live.
  struct Selected {
    std::string did;
    std::string collection;
    const FixturePds* host;
  };
  std::vector<Selected> selected() const;

  TestNetwork network;
  TempDir dir;
  std::optional<ScratchDatabase> database;
  std::string alice, bob, carol;
  static constexpr long long expected_total = 137 + 3 + 45 + 12;
};

}  // namespace atbackfill::testing
