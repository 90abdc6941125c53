#include "daemon_test_support.hpp"

#include <thread>

namespace atbackfill::testing {

void DaemonTest::SetUp() {
  database = ScratchDatabase::create();
  if (!database) GTEST_SKIP() << "no test database";
  alice = network.add_account("alice", "alice.test", network.host_a);
  bob = network.add_account("bob", "bob.test", network.host_b);
  carol = network.add_account("carol", "carol.test", network.host_b);
  network.host_a.add_records(alice, "network.comind.thought", 137);
  network.host_a.add_records(alice, "network.comind.concept", 3);
  network.host_a.add_records(alice, "app.bsky.feed.post", 4);
  network.host_b.add_records(bob, "network.comind.thought", 45);
  network.host_b.add_records(bob, "org.example.note", 12);
  network.host_b.add_records(carol, "app.bsky.feed.post", 2);
  write_config();
}

std::string DaemonTest::config_yaml(const std::string& host_overrides) const {
  return "identity:\n"
         "  plc_url: \"" + network.directory.url() + "\"\n"
         "  handle_resolver: \"" + network.directory.url() + "\"\n"
         "  handle_methods: [xrpc]\n"
         "hosts:\n"
         "  default: { requests_per_minute: 60000, max_concurrent: 2 }\n" +
         host_overrides +
         "sync:\n"
         "  page_size: 10\n"
         "  poll_interval: 500ms\n"
         "  rescan_interval: 2s\n"
         "  retry_attempts: 2\n"
         "  retry_initial_delay: 50ms\n"
         "  retry_max_delay: 100ms\n"
         "collections: [\"network.comind.*\"]\n"
         "accounts:\n"
         "  - handle: alice.test\n"
         "  - handle: bob.test\n"
         "    collections: [\"network.comind.*\", \"org.example.note\"]\n"
         "  - did: " + carol + "\n"
         "network:\n"
         "  allow_private_hosts: [\"127.0.0.1\"]\n"
         "  request_timeout: 10s\n";
}

void DaemonTest::write_config(const std::string& host_overrides) {
  write_file(dir.file("atbackfill.yaml"), config_yaml(host_overrides));
}

std::vector<std::string> DaemonTest::run_args(bool once) const {
  std::vector<std::string> args = {"run", "-c", dir.file("atbackfill.yaml"), "--log-level", "debug"};
  if (once) args.push_back("--once");
  return args;
}

int DaemonTest::run_once(std::chrono::milliseconds timeout) {
  return run_to_completion(ATBACKFILL_BINARY, run_args(true), {{"ATBACKFILL_DATABASE_URL", database->url()}},
                           log_path(), timeout);
}

std::unique_ptr<DaemonProcess> DaemonTest::start_daemon(bool once) {
  return std::make_unique<DaemonProcess>(ATBACKFILL_BINARY, run_args(once),
                                         std::map<std::string, std::string>{{"ATBACKFILL_DATABASE_URL", database->url()}},
                                         log_path());
}

std::vector<DaemonTest::Selected> DaemonTest::selected() const {
  return {{alice, "network.comind.thought", &network.host_a},
          {alice, "network.comind.concept", &network.host_a},
          {bob, "network.comind.thought", &network.host_b},
          {bob, "org.example.note", &network.host_b}};
}

long long DaemonTest::table_mismatches() {
  std::string pages = "[";
  for (const auto& s : selected()) {
    if (pages.size() > 1) pages += ",";
    const auto listed = listed_pages(*s.host, s.did, s.collection);
    pages += listed.substr(1, listed.size() - 2);  // splice the page arrays together
  }
  pages += "]";
  pqxx::connection connection(database->url());
  pqxx::work work(connection);
  const auto row = work.exec_params1(
      "WITH expected AS ("
      "  SELECT r->>'uri' AS uri, r->>'cid' AS cid, r->'value' AS value"
      "  FROM jsonb_array_elements($1::jsonb) AS page, jsonb_array_elements(page->'records') AS r),"
      " actual AS (SELECT uri, cid, value FROM records WHERE deleted_at IS NULL)"
      " SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) missing)"
      "      + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) extra)",
      pages);
  return row[0].as<long long>();
}

long long DaemonTest::query_count(const std::string& sql) {
  pqxx::connection connection(database->url());
  pqxx::work work(connection);
  return work.exec1(sql)[0].as<long long>();
}

bool DaemonTest::wait_for_query(const std::string& sql, long long at_least, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (query_count(sql) >= at_least) return true;
    } catch (const pqxx::sql_error&) {
      // not migrated yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

long long DaemonTest::record_count() { return query_count("SELECT count(*) FROM records"); }

}  // namespace atbackfill::testing
