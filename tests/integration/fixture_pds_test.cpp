// Checks that the fixture PDS/PLC answers as the reference PDS does: paging, errors, identity.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/fixture_client.hpp"
#include "support/fixture_pds.hpp"

namespace atbackfill::testing {
namespace {

namespace json = boost::json;

constexpr auto list_path = "/xrpc/com.atproto.repo.listRecords";
const std::string alice = "did:plc:alice0000000000000000000";
const std::string collection = "network.comind.thought";

FixtureResponse fetch(const FixturePds& pds, const std::string& target) { return fixture_get(pds.port(), target); }

std::string str(const json::value& value) { return value.is_string() ? std::string(value.as_string()) : json::serialize(value); }

json::object fetch_json(const FixturePds& pds, const std::string& target, unsigned expected_status = 200) {
  const auto response = fetch(pds, target);
  EXPECT_EQ(response.status, expected_status) << target << " -> " << response.body;
  return json::parse(response.body).as_object();
}

std::string list_target(const std::string& repo, std::optional<int> limit, const std::optional<std::string>& cursor,
                        bool reverse) {
  std::string target = std::string(list_path) + "?repo=" + repo + "&collection=" + collection;
  if (limit) target += "&limit=" + std::to_string(*limit);
  if (cursor) target += "&cursor=" + *cursor;
  if (reverse) target += "&reverse=true";
  return target;
}

struct Walk {
  std::vector<std::string> rkeys;
  std::vector<std::size_t> page_sizes;
};

// Pages until the reference PDS's end marker (an empty page without a cursor), checking that
// every non-empty page carries its last rkey as cursor.
Walk walk(const FixturePds& pds, int limit, bool reverse) {
  Walk out;
  std::optional<std::string> cursor;
  for (int page = 0; page < 1000; ++page) {
    const auto body = fetch_json(pds, list_target(alice, limit, cursor, reverse));
    const auto& records = body.at("records").as_array();
    out.page_sizes.push_back(records.size());
    if (records.empty()) {
      EXPECT_FALSE(body.contains("cursor")) << "empty page must not carry a cursor";
      return out;
    }
    for (const auto& record : records) {
      const std::string uri(record.at("uri").as_string());
      out.rkeys.push_back(uri.substr(uri.rfind('/') + 1));
      EXPECT_EQ(uri, "at://" + alice + "/" + collection + "/" + out.rkeys.back());
    }
    EXPECT_EQ(std::string(body.at("cursor").as_string()), out.rkeys.back());
    cursor = out.rkeys.back();
  }
  ADD_FAILURE() << "paging did not end";
  return out;
}

class FixturePdsTest : public ::testing::Test {
 protected:
  void SetUp() override { pds.add_account(alice, "Alice.Test", pds.url()); }
  FixturePds pds;
};

TEST_F(FixturePdsTest, ReverseWalkReturnsEveryRecordOnceOldestFirst) {
  auto rkeys = pds.add_records(alice, collection, 25);
  const Walk result = walk(pds, 10, true);
  EXPECT_EQ(result.rkeys, rkeys);
  EXPECT_EQ(result.page_sizes, (std::vector<std::size_t>{10, 10, 5, 0}));
  EXPECT_TRUE(std::is_sorted(rkeys.begin(), rkeys.end()));
}

TEST_F(FixturePdsTest, DefaultWalkIsNewestFirst) {
  auto rkeys = pds.add_records(alice, collection, 23);
  const Walk result = walk(pds, 7, false);
  std::reverse(rkeys.begin(), rkeys.end());
  EXPECT_EQ(result.rkeys, rkeys);
  EXPECT_EQ(result.page_sizes, (std::vector<std::size_t>{7, 7, 7, 2, 0}));
}

TEST_F(FixturePdsTest, CursorIsAHighWaterMarkWithReverse) {
  const auto first = pds.add_records(alice, collection, 3);
  const auto later = pds.add_records(alice, collection, 2);
  const auto body = fetch_json(pds, list_target(alice, 100, first.back(), true));
  const auto& records = body.at("records").as_array();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_NE(std::string(records[0].at("uri").as_string()).find(later[0]), std::string::npos);
  EXPECT_EQ(std::string(body.at("cursor").as_string()), later[1]);
}

TEST_F(FixturePdsTest, LimitDefaultsToFiftyAndMustBeWithinBounds) {
  pds.add_records(alice, collection, 60);
  EXPECT_EQ(fetch_json(pds, list_target(alice, std::nullopt, std::nullopt, false)).at("records").as_array().size(), 50u);
  EXPECT_EQ(fetch_json(pds, list_target(alice, 1, std::nullopt, false)).at("records").as_array().size(), 1u);
  EXPECT_EQ(fetch_json(pds, list_target(alice, 100, std::nullopt, false)).at("records").as_array().size(), 60u);
  for (const std::string bad : {"0", "101", "-1", "ten", ""}) {
    const auto body = fetch_json(pds, std::string(list_path) + "?repo=" + alice + "&collection=" + collection +
                                          "&limit=" + bad, 400);
    EXPECT_EQ(body.at("error"), "InvalidRequest") << bad;
  }
}

TEST_F(FixturePdsTest, MissingOrMalformedParamsAreInvalidRequests) {
  for (const std::string& query : {"?collection=" + collection, "?repo=" + alice, "?repo=" + alice + "&collection=nodots",
                                  list_target(alice, 5, std::nullopt, false).substr(std::string(list_path).size()) +
                                      "&reverse=yes"}) {
    const auto body = fetch_json(pds, std::string(list_path) + query, 400);
    EXPECT_EQ(body.at("error"), "InvalidRequest") << query;
  }
}

TEST_F(FixturePdsTest, UnknownRepoIsCouldNotFindRepo) {
  const auto body = fetch_json(pds, list_target("did:plc:nobody", 10, std::nullopt, true), 400);
  EXPECT_EQ(json::serialize(body), R"({"error":"InvalidRequest","message":"Could not find repo: did:plc:nobody"})");
}

TEST_F(FixturePdsTest, UnknownCollectionIsAnEmptyPageWithoutCursor) {
  pds.add_records(alice, "network.comind.other", 2);
  EXPECT_EQ(fetch(pds, list_target(alice, 10, std::nullopt, true)).body, R"({"records":[]})");
}

TEST_F(FixturePdsTest, RepoMayBeNamedByHandle) {
  pds.add_records(alice, collection, 2);
  EXPECT_EQ(fetch_json(pds, list_target("alice.test", 10, std::nullopt, true)).at("records").as_array().size(), 2u);
}

TEST_F(FixturePdsTest, ValuesAreServedVerbatimWithStableCids) {
  const std::string value = R"({"$type":"network.comind.thought", "big": 123456789012345678901234567890,"n":  -1})";
  pds.put_record(alice, collection, "3kabc", value);
  pds.put_record(alice, collection, "self", R"({"a":1})", "bafyexplicit");
  const auto response = fetch(pds, list_target(alice, 10, std::nullopt, true));
  EXPECT_NE(response.body.find("\"value\":" + value + "}"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find(R"("cid":"bafyexplicit")"), std::string::npos);
  EXPECT_NE(response.body.find("\"cid\":\"" + fake_cid(value) + "\""), std::string::npos);
  EXPECT_EQ(fake_cid(value), fake_cid(value));
  EXPECT_NE(fake_cid(value), fake_cid(value + " "));
  EXPECT_EQ(fake_cid(value).size(), 59u);

  pds.delete_record(alice, collection, "3kabc");
  EXPECT_EQ(pds.record_count(alice, collection), 1u);
}

TEST_F(FixturePdsTest, DeactivatedRepo) {
  pds.add_records(alice, collection, 1);
  pds.set_deactivated(alice, true);
  EXPECT_EQ(fetch_json(pds, list_target(alice, 10, std::nullopt, true), 400).at("error"), "RepoDeactivated");
  EXPECT_EQ(fetch_json(pds, "/xrpc/com.atproto.identity.resolveHandle?handle=alice.test", 400).at("error"),
            "HandleNotFound");
  const auto status = fetch_json(pds, "/xrpc/com.atproto.sync.getRepoStatus?did=" + alice);
  EXPECT_EQ(status.at("active"), false);
  EXPECT_EQ(status.at("status"), "deactivated");

  pds.set_reference_deactivation(true);
  EXPECT_EQ(str(fetch_json(pds, list_target(alice, 10, std::nullopt, true), 400).at("message")),
            "Could not find repo: " + alice);
  pds.set_deactivated(alice, false);
  EXPECT_EQ(fetch_json(pds, list_target(alice, 10, std::nullopt, true)).at("records").as_array().size(), 1u);
}

TEST_F(FixturePdsTest, RemovedAccountIsNotFoundButKeepsItsDocument) {
  pds.remove_account(alice);
  EXPECT_EQ(str(fetch_json(pds, list_target(alice, 10, std::nullopt, true), 400).at("message")),
            "Could not find repo: " + alice);
  EXPECT_EQ(str(fetch_json(pds, "/" + alice).at("id")), alice);
}

TEST_F(FixturePdsTest, ResolveHandle) {
  EXPECT_EQ(json::serialize(fetch_json(pds, "/xrpc/com.atproto.identity.resolveHandle?handle=ALICE.test")),
            R"({"did":")" + alice + R"("})");
  EXPECT_EQ(json::serialize(fetch_json(pds, "/xrpc/com.atproto.identity.resolveHandle?handle=bob.test", 400)),
            R"({"error":"HandleNotFound","message":"Unable to resolve handle"})");
}

TEST_F(FixturePdsTest, DescribeRepo) {
  pds.add_records(alice, "network.comind.b", 1);
  pds.add_records(alice, "network.comind.a", 2);
  pds.add_records(alice, "network.comind.empty", 0);
  auto body = fetch_json(pds, "/xrpc/com.atproto.repo.describeRepo?repo=" + alice);
  EXPECT_EQ(str(body.at("did")), alice);
  EXPECT_EQ(body.at("handle"), "alice.test");
  EXPECT_EQ(body.at("handleIsCorrect"), true);
  EXPECT_EQ(json::serialize(body.at("collections")), R"(["network.comind.a","network.comind.b"])");
  EXPECT_EQ(str(body.at("didDoc").at("id")), alice);
  EXPECT_EQ(str(body.at("didDoc").at("service").at(0).at("serviceEndpoint")), pds.url());

  pds.set_did_document(alice, make_did_document(alice, "someone.else", pds.url()));
  EXPECT_EQ(fetch_json(pds, "/xrpc/com.atproto.repo.describeRepo?repo=" + alice).at("handleIsCorrect"), false);
  EXPECT_EQ(fetch_json(pds, "/xrpc/com.atproto.repo.describeRepo?repo=did:plc:x", 400).at("error"), "InvalidRequest");
}

TEST_F(FixturePdsTest, PlcServesDidDocuments) {
  const auto doc = fetch_json(pds, "/" + alice);
  EXPECT_EQ(str(doc.at("id")), alice);
  EXPECT_EQ(doc.at("alsoKnownAs").at(0), "at://Alice.Test");
  EXPECT_EQ(doc.at("service").at(0).at("id"), "#atproto_pds");
  EXPECT_EQ(doc.at("service").at(0).at("type"), "AtprotoPersonalDataServer");
  EXPECT_EQ(str(fetch_json(pds, "/did%3Aplc%3Aalice0000000000000000000").at("id")), alice);

  pds.set_did_document("did:plc:elsewhere", R"({"id":"did:plc:elsewhere"})");
  EXPECT_EQ(fetch(pds, "/did:plc:elsewhere").body, R"({"id":"did:plc:elsewhere"})");
  EXPECT_EQ(json::serialize(fetch_json(pds, "/did:plc:unknown", 404)), R"({"message":"DID not registered: did:plc:unknown"})");
  pds.remove_did_document("did:plc:elsewhere");
  fetch_json(pds, "/did:plc:elsewhere", 404);
}
TEST(FixtureText, TidsSortWithTime) {
  EXPECT_EQ(make_tid(0), "2222222222222");
  EXPECT_EQ(make_tid(1704067200000000ull).size(), 13u);
  EXPECT_LT(make_tid(1704067200000000ull), make_tid(1704067200000001ull));
  EXPECT_LT(make_tid(1704067200000000ull, 5), make_tid(1704067200000001ull, 0));
  EXPECT_EQ(json_quote("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace atbackfill::testing
