// The daemon's status server (/healthz, /readyz, /metrics) over real HTTP, against fixture hosts.
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "daemon_test_support.hpp"
#include "support/fixture_client.hpp"

namespace atbackfill::testing {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A port that was free a moment ago (bound to port 0, then released).
unsigned short free_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

// The response, or nullopt while nothing listens or the connection fails.
std::optional<FixtureResponse> try_get(unsigned short port, const std::string& target) {
  try {
    return fixture_get(port, target);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Polls until `done` accepts a response (or the deadline passes); returns the last response.
std::optional<FixtureResponse> poll(unsigned short port, const std::string& target,
                                    const std::function<bool(const FixtureResponse&)>& done,
                                    std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<FixtureResponse> last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = try_get(port, target);
    if (last && done(*last)) return last;
    std::this_thread::sleep_for(50ms);
  }
  return last;
}

// The value of an unlabelled (or fully labelled) sample, e.g. "atbackfill_records_stored_total".
std::optional<long long> sample(const std::string& metrics, const std::string& name) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(name + " ")) return std::stoll(line.substr(name.size() + 1));
  return std::nullopt;
}

class StatusServerDaemonTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    if (IsSkipped()) return;
    port = free_port();
    write_status_config("127.0.0.1:" + std::to_string(port));
  }

  // The shared config plus status.listen, without periodic rescans (so that, once synced, the
  // stored-records counter stays at the number of records the hosts hold).
  void write_status_config(const std::string& listen) {
    auto yaml = config_yaml();
    const std::string rescan = "rescan_interval: 2s";
    const auto at = yaml.find(rescan);
    ASSERT_NE(at, std::string::npos);
    yaml.replace(at, rescan.size(), "rescan_interval: 1h");
    yaml += "status:\n  listen: \"" + listen + "\"\n";
    write_file(dir.file("atbackfill.yaml"), yaml);
  }

  unsigned short port = 0;
};

TEST_F(StatusServerDaemonTest, ServesHealthReadinessAndMetricsThenStopsOnSigterm) {
  auto daemon = start_daemon(false);
  const auto ready = poll(port, "/readyz", [](const auto& r) { return r.status == 200; });
  ASSERT_TRUE(ready && ready->status == 200) << log();

  const auto health = try_get(port, "/healthz");
  ASSERT_TRUE(health) << log();
  EXPECT_EQ(health->status, 200u);
  EXPECT_EQ(health->body, "ok");
  const auto missing = try_get(port, "/status");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u);

  ASSERT_TRUE(wait_for_query("SELECT count(*) FROM sync_state WHERE state = 'synced'", 4)) << log();
  const std::string stored = "atbackfill_records_stored_total";
  const auto metrics = poll(port, "/metrics", [&](const auto& r) { return sample(r.body, stored) == expected_total; });
  ASSERT_TRUE(metrics) << log();
  EXPECT_EQ(metrics->status, 200u);
  EXPECT_EQ(metrics->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = metrics->body;
  EXPECT_EQ(sample(text, stored), expected_total) << text;
  EXPECT_EQ(record_count(), expected_total);
  EXPECT_EQ(sample(text, "atbackfill_ready"), 1) << text;
  EXPECT_EQ(sample(text, "atbackfill_records_rejected_total"), 0) << text;
  EXPECT_EQ(sample(text, "atbackfill_identity_errors_total"), 0) << text;
  EXPECT_EQ(sample(text, "atbackfill_accounts_resolved_total"), 3) << text;  // alice, bob, carol
  EXPECT_GE(sample(text, "atbackfill_collection_passes_total{result=\"ok\"}").value_or(0), 4) << text;
  EXPECT_EQ(sample(text, "atbackfill_collection_passes_total{result=\"error\"}"), 0) << text;
  // 137 + 3 + 45 + 12 records in pages of 10, plus the empty page that ends each pass.
  EXPECT_GE(sample(text, "atbackfill_pages_committed_total").value_or(0), 14 + 1 + 5 + 2 + 4) << text;
  const auto host_a = "atbackfill_http_requests_total{host=\"127.0.0.1:" + std::to_string(network.host_a.port()) + "\"}";
  EXPECT_GT(sample(text, host_a).value_or(0), 14) << text;
  EXPECT_GE(sample(text, "atbackfill_db_units_completed_total").value_or(0), 1) << text;

  daemon->send_signal(SIGTERM);
  EXPECT_EQ(daemon->wait_for(15s), 0) << log();
  EXPECT_NE(log().find("status server listening"), std::string::npos) << log();
  EXPECT_FALSE(try_get(port, "/healthz"));
}

TEST_F(StatusServerDaemonTest, OnceModeExitsWhenItsPassIsDoneDespiteABusyScraper) {
  // Host A holds its replies, so the scraper is surely connected while the pass is running.
  network.host_a.hold_replies(true);
  auto daemon = start_daemon(true);
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  // Without a pause between requests long enough for the read timeout, only the daemon
  // closing the connection at the end of its pass can end this keep-alive session.
  std::thread scraper([&] {
    while (!done) {
      try {
        FixtureClient client(port);
        while (!done && client.get("/metrics")) {
          ++scrapes;
          std::this_thread::sleep_for(20ms);
        }
      } catch (const std::exception&) {
        std::this_thread::sleep_for(20ms);
      }
    }
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& thread;
    ~Join() {
      done = true;
      thread.join();
    }
  } join{done, scraper};

  ASSERT_TRUE(network.host_a.wait_for_requests(1, 30s)) << log();  // the pass is under way
  const auto during = poll(port, "/readyz", [](const auto& r) { return r.status == 200; });
  ASSERT_TRUE(during && during->status == 200) << log();
  const auto scraped_before = scrapes.load();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (scrapes.load() == scraped_before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_GT(scrapes.load(), scraped_before) << "the scraper never got an answer";
  network.host_a.hold_replies(false);

  EXPECT_EQ(daemon->wait_for(60s), 0) << log();
  EXPECT_EQ(record_count(), expected_total);
}

TEST_F(StatusServerDaemonTest, APortInUseIsLoggedAndSyncingGoesOn) {
  asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  write_status_config("127.0.0.1:" + std::to_string(taken.local_endpoint().port()));
  EXPECT_EQ(run_once(), 0) << log();
  EXPECT_NE(log().find("status server not started"), std::string::npos) << log();
  EXPECT_EQ(record_count(), expected_total);
}

TEST_F(StatusServerDaemonTest, ListensOnAnyAddress) {
  write_status_config("0.0.0.0:" + std::to_string(port));
  auto daemon = start_daemon(false);
  const auto ready = poll(port, "/readyz", [](const auto& r) { return r.status == 200; });
  ASSERT_TRUE(ready && ready->status == 200) << log();
  daemon->send_signal(SIGTERM);
  EXPECT_EQ(daemon->wait_for(15s), 0) << log();
}

}  // namespace
}  // namespace atbackfill::testing
