// The daemon end to end against fixture hosts: exact tables, incremental polls, rejections.
#include <signal.h>

#include "daemon_test_support.hpp"

namespace atbackfill::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(DaemonTest, BackfillsEverySelectedCollectionExactly) {
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0) << log();
  EXPECT_EQ(record_count(), expected_total);
  // Not selected: alice's and carol's posts.
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE collection = 'app.bsky.feed.post'"), 0);
  EXPECT_EQ(query_count("SELECT count(*) FROM sync_state WHERE state = 'synced'"), 4);
  EXPECT_EQ(query_count("SELECT count(*) FROM sync_state WHERE state <> 'synced'"), 0);
  EXPECT_EQ(query_count("SELECT count(*) FROM accounts WHERE pds_url IS NOT NULL"), 3);
  EXPECT_EQ(query_count("SELECT count(*) FROM accounts WHERE handle_verified"), 3);
  // 137 records at 10 per page: 14 pages, then the empty page that ends the pass.
  EXPECT_EQ(query_count("SELECT pages_fetched FROM sync_state WHERE collection = 'network.comind.thought' "
                        "AND did = '" + alice + "'"),
            15);
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE created_at IS NULL"), 0);
}

TEST_F(DaemonTest, ASecondRunFetchesOnlyNewRecords) {
  ASSERT_EQ(run_once(), 0) << log();
  network.host_a.add_records(alice, "network.comind.thought", 5);
  network.host_a.clear_requests();
  network.host_b.clear_requests();
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
  EXPECT_EQ(record_count(), expected_total + 5);
  std::size_t thought_pages = 0;
  for (const auto& request : network.host_a.requests())
    if (request.path == "/xrpc/com.atproto.repo.listRecords" && request.query.at("collection") == "network.comind.thought")
      ++thought_pages;
  EXPECT_EQ(thought_pages, 2u);  // the 5 new records, then the empty page
  // Every other collection: one request from its stored cursor, answered with an empty page.
  EXPECT_EQ(network.host_b.count("/xrpc/com.atproto.repo.listRecords"), 2u);
}

TEST_F(DaemonTest, IdentitiesComeFromTheCacheOnTheSecondRun) {
  ASSERT_EQ(run_once(), 0) << log();
  network.directory.clear_requests();
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(network.directory.request_count(), 0u);
}

TEST_F(DaemonTest, StoresValuesLosslesslyAndRepairsWhatJsonbRefuses) {
  network.host_a.put_record(alice, "network.comind.thought", "zzzzzzzzzzzz2",
                            R"({"big":123456789012345678901234567890,"exact":9007199254740993,)"
                            R"("text":"nul \u0000 here","createdAt":"not a date"})");
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(record_count(), expected_total + 1);
  pqxx::connection connection(database->url());
  pqxx::work work(connection);
  const auto row = work.exec1(
      "SELECT value->'big', value->'exact', value->>'text', created_at IS NULL FROM records WHERE rkey = "
      "'zzzzzzzzzzzz2'");
  EXPECT_EQ(row[0].as<std::string>(), "123456789012345678901234567890");
  EXPECT_EQ(row[1].as<std::string>(), "9007199254740993");
  EXPECT_EQ(row[2].as<std::string>(), "nul \uFFFD here");
  EXPECT_TRUE(row[3].as<bool>());
}

TEST_F(DaemonTest, ARecordPostgresRefusesIsLeftOutWithoutStallingItsCollection) {
  // Valid JSON, but beyond the range of PostgreSQL's numeric type.
  network.host_b.put_record(bob, "org.example.note", "zzzzzzzzzzzz2", R"({"n":1e200000})");
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(record_count(), expected_total);
  EXPECT_EQ(query_count("SELECT records_rejected FROM sync_state WHERE collection = 'org.example.note'"), 1);
  EXPECT_EQ(query_count("SELECT count(*) FROM sync_state WHERE state = 'synced'"), 4);
  EXPECT_NE(log().find("record refused by database"), std::string::npos);
}

TEST_F(DaemonTest, RecordsNamingAnotherRepoAreRejectedNotStored) {
  network.host_b.set_hook([this](const FixtureRequest& request) -> std::optional<FixtureReply> {
    if (request.path != "/xrpc/com.atproto.repo.listRecords" || request.query.at("collection") != "org.example.note" ||
        request.query.contains("cursor"))
      return std::nullopt;
    auto reply = network.host_b.default_reply(request);
    const std::string foreign = R"({"uri":"at://)" + alice + R"(/org.example.note/3kforeign22","cid":"bafyx","value":{}},)";
    reply.body.insert(reply.body.find('[') + 1, foreign);
    return reply;
  });
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);  // exactly what the host holds: the injected record is not stored
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE did = '" + alice + "' AND collection = 'org.example.note'"),
            0);
  EXPECT_EQ(query_count("SELECT records_rejected FROM sync_state WHERE collection = 'org.example.note'"), 1);
}

TEST_F(DaemonTest, ABrokenHostDoesNotStopTheOthers) {
  network.host_b.set_hook([](const FixtureRequest&) -> std::optional<FixtureReply> {
    FixtureReply reply;
    reply.status = 502;
    reply.content_type = "text/html";
    reply.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    return reply;
  });
  EXPECT_EQ(run_once(), 1) << log();
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE did = '" + alice + "'"), 140);
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE did = '" + bob + "'"), 0);
  EXPECT_NE(log().find("502"), std::string::npos);
  network.host_b.set_hook(nullptr);
  EXPECT_EQ(run_once(), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
}

TEST_F(DaemonTest, AnUnresolvableAccountFailsAloneWithAClearError) {
  network.directory.remove_did_document(bob);
  EXPECT_EQ(run_once(), 1) << log();
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE did = '" + alice + "'"), 140);
  EXPECT_NE(log().find("account unresolved account=bob.test"), std::string::npos) << log();
}

TEST_F(DaemonTest, AnAccountThatMovedIsFollowedToItsNewHost) {
  ASSERT_EQ(run_once(), 0) << log();
  // alice moves from host A to host B and writes there; host A forgets her. Her identity is
  // still fresh in the cache, so only "Could not find repo" can reveal the move.
  network.host_b.add_account(alice, "alice.test", network.host_b.url());
  for (int i = 0; i < 6; ++i)  // written after the move, so their TIDs sort above the stored cursor
    network.host_b.put_record(alice, "network.comind.thought", make_tid(1800000000000000ull + i),
                              R"({"text":"after the move","n":)" + std::to_string(i) + "}");
  network.directory.add_account(alice, "alice.test", network.host_b.url());
  network.host_a.remove_account(alice);
  ASSERT_EQ(run_once(), 0) << log();
  EXPECT_NE(log().find("account moved account=alice.test"), std::string::npos);
  EXPECT_EQ(query_count("SELECT count(*) FROM records WHERE did = '" + alice + "'"), 146);
  EXPECT_EQ(query_count("SELECT count(*) FROM accounts WHERE did = '" + alice + "' AND pds_url = '" +
                        network.host_b.url() + "'"),
            1);
}

TEST_F(DaemonTest, APeriodicRescanCatchesEditsBelowTheCursor) {
  auto daemon = start_daemon(false);
  ASSERT_TRUE(wait_for_query("SELECT count(*) FROM sync_state WHERE state = 'synced'", 4)) << log();
  std::string rkey;
  {
    pqxx::connection connection(database->url());
    pqxx::work work(connection);
    rkey = work.exec1("SELECT min(rkey) FROM records WHERE collection = 'org.example.note'")[0].as<std::string>();
  }
  // An edit keeps the rkey (far below the stored cursor), so only a full re-listing sees it.
  network.host_b.put_record(bob, "org.example.note", rkey, R"({"text":"edited","n":-1})");
  const auto edited = "SELECT count(*) FROM records WHERE rkey = '" + rkey + "' AND value->>'text' = 'edited'";
  EXPECT_TRUE(wait_for_query(edited, 1)) << log();
  EXPECT_NE(log().find("rescan started"), std::string::npos);
  daemon->send_signal(SIGTERM);
  EXPECT_EQ(daemon->wait_for(10s), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
}

TEST_F(DaemonTest, PollsForNewRecordsWithoutOnce) {
  auto daemon = start_daemon(false);
  ASSERT_TRUE(network.host_a.wait_for_count("/xrpc/com.atproto.repo.listRecords", 20, 30s));
  // Wait for the first full pass, then add records and expect them to land.
  ASSERT_TRUE(wait_for_query("SELECT count(*) FROM sync_state WHERE state = 'synced'", 4)) << log();
  network.host_b.add_records(bob, "org.example.note", 3);
  EXPECT_TRUE(wait_for_query("SELECT count(*) FROM records", expected_total + 3)) << log();
  EXPECT_EQ(record_count(), expected_total + 3);
  daemon->send_signal(SIGTERM);
  EXPECT_EQ(daemon->wait_for(10s), 0) << log();
  EXPECT_EQ(table_mismatches(), 0);
}

}  // namespace
}  // namespace atbackfill::testing
