// kill -9 at many points, SIGTERM, and the per-host request limits, against fixture hosts.
#include <signal.h>

#include <thread>

#include "daemon_test_support.hpp"

namespace atbackfill::testing {
namespace {

using namespace std::chrono_literals;

struct KillPoint {
  std::size_t after_requests;      // the n-th listRecords request on host A triggers the kill
  std::chrono::microseconds delay;  // how long after that request arrives
};

class KillNineTest : public DaemonTest, public ::testing::WithParamInterface<KillPoint> {};

TEST_P(KillNineTest, RestartEndsWithTheSameTableAsAnUninterruptedRun) {
  const auto point = GetParam();
  std::unique_ptr<DaemonProcess> daemon;
  std::atomic<pid_t> pid{-1};
  std::atomic<std::size_t> seen{0};
  std::vector<std::thread> killers;
  std::mutex killers_mutex;
  network.host_a.set_latency(5ms);
  network.host_a.set_on_request([&](const FixtureRequest& request) {
    if (request.path != "/xrpc/com.atproto.repo.listRecords") return;
    if (++seen != point.after_requests) return;
    const pid_t target = pid.load();
    if (point.delay.count() == 0) {
      ::kill(target, SIGKILL);
    } else {
      std::lock_guard lock(killers_mutex);
      killers.emplace_back([target, delay = point.delay] {
        std::this_thread::sleep_for(delay);
        ::kill(target, SIGKILL);
      });
    }
  });
  daemon = start_daemon(true);
  pid = daemon->pid();
  const auto status = daemon->wait_for(60s);
  network.host_a.set_on_request(nullptr);
  {
    std::lock_guard lock(killers_mutex);
    for (auto& killer : killers) killer.join();
  }
  ASSERT_EQ(status, 128 + SIGKILL) << log();
  const auto stored_before_restart = record_count();
  EXPECT_LT(stored_before_restart, expected_total);

  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0) << log();
  EXPECT_EQ(record_count(), expected_total);
  EXPECT_EQ(query_count("SELECT count(*) FROM sync_state WHERE state = 'synced'"), 4);
}

INSTANTIATE_TEST_SUITE_P(Points, KillNineTest,
                         ::testing::Values(KillPoint{1, 0us}, KillPoint{2, 0us}, KillPoint{5, 0us},
                                           KillPoint{9, 0us}, KillPoint{3, 3ms}, KillPoint{7, 6ms},
                                           KillPoint{11, 500us}),
                         [](const auto& info) {
                           return "request" + std::to_string(info.param.after_requests) + "_plus" +
                                  std::to_string(info.param.delay.count()) + "us";
                         });

TEST_F(DaemonTest, SigtermStopsWithinSecondsAndARestartCompletes) {
  network.host_a.set_latency(100ms);
  auto daemon = start_daemon(false);
  ASSERT_TRUE(network.host_a.wait_for_count("/xrpc/com.atproto.repo.listRecords", 3, 30s)) << log();
  const auto signalled = std::chrono::steady_clock::now();
  daemon->send_signal(SIGTERM);
  EXPECT_EQ(daemon->wait_for(8s), 0) << log();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 8s);
  EXPECT_NE(log().find("shutdown requested"), std::string::npos);
  network.host_a.set_latency(0ms);
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
}

TEST_F(DaemonTest, PerHostRequestRateNeverExceedsItsLimit) {
  // Host B at 240 requests/minute: request starts at least 250 ms apart. Host A unlimited.
  const auto b_key = network.host_b.url().substr(std::string("http://").size());
  write_config("  \"" + b_key + "\": { requests_per_minute: 240, max_concurrent: 2 }\n");
  network.host_b.set_latency(20ms);
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
  const auto requests = network.host_b.requests();
  ASSERT_GE(requests.size(), 8u);
  // Arrival times jitter a little on a loaded machine; the limit is on starts, 250 ms apart.
  constexpr auto interval = 250ms;
  constexpr auto jitter = 60ms;
  for (std::size_t i = 1; i < requests.size(); ++i)
    EXPECT_GE(requests[i].received_at - requests[i - 1].received_at, interval - jitter) << "request " << i;
  EXPECT_GE(requests.back().received_at - requests.front().received_at,
            (requests.size() - 1) * interval - jitter);
  EXPECT_LE(network.host_b.max_in_flight(), 2u);
}

TEST_F(DaemonTest, ConcurrencyPerHostNeverExceedsMaxConcurrent) {
  network.host_a.set_latency(30ms);
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_LE(network.host_a.max_in_flight(), 2u);
  EXPECT_GE(network.host_a.max_in_flight(), 1u);
}

}  // namespace
}  // namespace atbackfill::testing
