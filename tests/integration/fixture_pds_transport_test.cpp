// Checks the fixture PDS's transport: keep-alive, traffic log, hooks, fault modes, concurrency.
#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/fixture_client.hpp"
#include "support/fixture_pds.hpp"

namespace atbackfill::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto list_path = "/xrpc/com.atproto.repo.listRecords";
const std::string alice = "did:plc:alice0000000000000000000";
const std::string collection = "network.comind.thought";
const std::string list_target = std::string(list_path) + "?repo=" + alice + "&collection=" + collection + "&limit=10&reverse=true";

FixtureResponse fetch(const FixturePds& pds, const std::string& target) { return fixture_get(pds.port(), target); }

class FixturePdsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override { pds.add_account(alice, "alice.test", pds.url()); }
  FixturePds pds;
};

TEST_F(FixturePdsTransportTest, KeepAliveServesManyRequestsOnOneConnection) {
  FixtureClient client(pds.port());
  for (int i = 0; i < 3; ++i) {
    const auto response = client.get("/" + alice);
    ASSERT_TRUE(response) << i;
    EXPECT_TRUE(response->keep_alive);
  }
  const auto closing = client.get("/" + alice, false);
  ASSERT_TRUE(closing);
  EXPECT_FALSE(closing->keep_alive);
  EXPECT_FALSE(client.get("/" + alice)) << "the server should have closed the connection";

  const auto seen = pds.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& request : seen) EXPECT_EQ(request.connection_id, seen[0].connection_id);
  fetch(pds, "/" + alice);
  EXPECT_NE(pds.requests().back().connection_id, seen[0].connection_id);
}

TEST_F(FixturePdsTransportTest, RecordsTrafficAndCallsOnRequest) {
  std::vector<std::string> targets;  // written on the server thread before each reply
  pds.set_on_request([&](const FixtureRequest& request) { targets.push_back(request.target); });
  fetch(pds, list_target);
  fetch(pds, "/did%3Aplc%3Aalice0000000000000000000");
  EXPECT_EQ(pds.count(list_path), 1u);
  EXPECT_EQ(pds.count("/" + alice), 1u) << "paths are logged percent-decoded";
  EXPECT_TRUE(pds.wait_for_count(list_path, 1, 1s));
  EXPECT_FALSE(pds.wait_for_requests(3, 1ms));
  const auto seen = pds.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].query.at("collection"), collection);
  EXPECT_EQ(seen[0].query.at("reverse"), "true");
  EXPECT_EQ(seen[0].headers.at("host"), "127.0.0.1");
  EXPECT_LE(seen[0].received_at, seen[1].received_at);
  EXPECT_EQ(targets, (std::vector<std::string>{list_target, "/did%3Aplc%3Aalice0000000000000000000"}));
  pds.clear_requests();
  EXPECT_EQ(pds.request_count(), 0u);
}

TEST_F(FixturePdsTransportTest, HookRepliesWith429AndHtml502) {
  int calls = 0;
  pds.set_hook([&](const FixtureRequest& request) -> std::optional<FixtureReply> {
    if (request.path != list_path) return std::nullopt;
    if (++calls == 1) {
      FixtureReply reply = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded");
      reply.headers = {{"ratelimit-remaining", "0"}, {"ratelimit-reset", "1796301390"}};
      return reply;
    }
    FixtureReply reply;
    reply.status = 502;
    reply.content_type = "text/html";
    reply.body = "<html><body>Bad Gateway</body></html>";
    return reply;
  });
  const auto limited = fetch(pds, list_target);
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.header("ratelimit-reset"), "1796301390");
  EXPECT_EQ(json::parse(limited.body).at("error"), "RateLimitExceeded");
  const auto gateway = fetch(pds, list_target);
  EXPECT_EQ(gateway.status, 502u);
  EXPECT_EQ(gateway.header("content-type"), "text/html");
  EXPECT_EQ(fetch(pds, "/" + alice).status, 200u) << "the hook declined, normal handling applies";
}

TEST_F(FixturePdsTransportTest, HookCanDecorateTheDefaultReply) {
  pds.add_records(alice, collection, 3);
  pds.set_hook([&](const FixtureRequest& request) -> std::optional<FixtureReply> {
    FixtureReply reply = pds.default_reply(request);
    reply.headers.emplace_back("ratelimit-remaining", "7");
    return reply;
  });
  const auto response = fetch(pds, list_target);
  EXPECT_EQ(response.header("ratelimit-remaining"), "7");
  EXPECT_EQ(json::parse(response.body).at("records").as_array().size(), 3u);
}

TEST_F(FixturePdsTransportTest, HookExceptionsBecome500) {
  pds.set_hook([](const FixtureRequest&) -> std::optional<FixtureReply> { throw std::logic_error("test bug"); });
  const auto response = fetch(pds, list_target);
  EXPECT_EQ(response.status, 500u);
  EXPECT_NE(response.body.find("test bug"), std::string::npos);
}

TEST_F(FixturePdsTransportTest, TruncatedBodyAndClosedConnectionAreTransportErrors) {
  pds.add_records(alice, collection, 10);
  FixtureReply::Mode mode = FixtureReply::Mode::truncated_body;
  pds.set_hook([&](const FixtureRequest& request) -> std::optional<FixtureReply> {
    FixtureReply reply = pds.default_reply(request);
    reply.mode = mode;
    return reply;
  });
  FixtureClient truncated(pds.port());
  EXPECT_FALSE(truncated.get(list_target));
  EXPECT_EQ(truncated.last_error(), boost::beast::http::error::partial_message);

  mode = FixtureReply::Mode::close_without_response;
  FixtureClient closed(pds.port());
  EXPECT_FALSE(closed.get(list_target));
  EXPECT_EQ(closed.last_error(), boost::beast::http::error::end_of_stream);
}

TEST_F(FixturePdsTransportTest, TrickledBodyArrivesWhole) {
  pds.add_records(alice, collection, 4);
  const std::string expected = fetch(pds, list_target).body;
  pds.set_hook([&](const FixtureRequest& request) -> std::optional<FixtureReply> {
    FixtureReply reply = pds.default_reply(request);
    reply.mode = FixtureReply::Mode::trickle;
    reply.trickle_chunk = 50;
    reply.trickle_delay = 2ms;
    return reply;
  });
  FixtureClient client(pds.port());
  const auto start = std::chrono::steady_clock::now();
  const auto first = client.get(list_target);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, expected);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms * (expected.size() / 50));
  const auto second = client.get(list_target);
  ASSERT_TRUE(second) << "a trickled reply keeps the connection usable";
  EXPECT_EQ(second->body, expected);
}

TEST_F(FixturePdsTransportTest, LatencyDelaysReplies) {
  pds.set_latency(150ms);
  const auto start = std::chrono::steady_clock::now();
  fetch(pds, "/" + alice);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
}

TEST_F(FixturePdsTransportTest, HeldRepliesShowConcurrency) {
  pds.set_latency(10ms);
  pds.hold_replies(true);
  constexpr std::size_t clients = 20;
  std::vector<std::thread> threads;
  std::vector<unsigned> statuses(clients, 0);
  for (std::size_t i = 0; i < clients; ++i)
    threads.emplace_back([&, i] { statuses[i] = fetch(pds, "/" + alice).status; });
  ASSERT_TRUE(pds.wait_for_requests(clients, 60s));
  EXPECT_EQ(pds.max_in_flight(), clients);
  pds.hold_replies(false);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(statuses, std::vector<unsigned>(clients, 200));

  pds.reset_max_in_flight();
  EXPECT_EQ(pds.max_in_flight(), 0u);
  fetch(pds, "/" + alice);
  EXPECT_EQ(pds.max_in_flight(), 1u);
}

TEST_F(FixturePdsTransportTest, StopsWithHeldRepliesAndIdleConnections) {
  auto doomed = std::make_unique<FixturePds>();
  FixtureClient idle(doomed->port());
  ASSERT_TRUE(idle.get("/did:plc:none"));
  doomed->hold_replies(true);
  std::thread waiting([port = doomed->port()] {
    FixtureClient client(port);
    EXPECT_FALSE(client.get("/did:plc:none")) << "the connection is dropped at shutdown";
  });
  ASSERT_TRUE(doomed->wait_for_requests(2, 60s));
  doomed.reset();
  waiting.join();
  EXPECT_FALSE(idle.get("/did:plc:none"));
}

TEST_F(FixturePdsTransportTest, TwoFixturesAreTwoHosts) {
  FixturePds other;
  EXPECT_NE(other.port(), pds.port());
  other.add_account("did:plc:bob", "bob.test", other.url());
  pds.set_did_document("did:plc:bob", make_did_document("did:plc:bob", "bob.test", other.url()));
  const auto doc = json::parse(fetch(pds, "/did:plc:bob").body);
  EXPECT_EQ(doc.at("service").at(0).at("serviceEndpoint"), json::value(other.url()));
  const std::string bob_list = std::string(list_path) + "?repo=did:plc:bob&collection=" + collection;
  EXPECT_EQ(fetch(pds, bob_list).status, 400u);
  EXPECT_EQ(fetch(other, bob_list).status, 200u);
  EXPECT_EQ(other.url(), "http://127.0.0.1:" + std::to_string(other.port()));
  EXPECT_EQ(other.localhost_url(), "http://localhost:" + std::to_string(other.port()));
}

}  // namespace
}  // namespace atbackfill::testing
