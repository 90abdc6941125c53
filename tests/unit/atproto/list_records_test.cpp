// decode_list_records: the reference PDS page shape, rejection of bad or foreign records,
// exact value bytes, repair of what jsonb refuses, and whole-page failures.
#include "atproto/list_records.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

constexpr std::string_view did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
constexpr std::string_view collection = "network.comind.thought";

std::string uri_for(std::string_view rkey, std::string_view d = did, std::string_view c = collection) {
  return "at://" + std::string(d) + "/" + std::string(c) + "/" + std::string(rkey);
}

std::string record_json(std::string_view rkey, std::string_view value, std::string_view cid = "bafyreiabc") {
  return R"({"uri":")" + uri_for(rkey) + R"(","cid":")" + std::string(cid) + R"(","value":)" + std::string(value) + "}";
}

ListRecordsPage decode_ok(const std::string& body) {
  auto page = decode_list_records(body, did, collection);
  EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
  return page.ok() ? std::move(page).value() : ListRecordsPage{};
}

TEST(ListRecords, DecodesReferencePdsPage) {
  const std::string body =
      R"({"records":[)" +
      record_json("3lbxzmqalwk2a",
                  R"({"$type":"network.comind.thought","text":"hello","createdAt":"2024-11-20T10:11:12.345Z"})",
                  "bafyreih4") +
      "," + record_json("3lbxzmqalwk22", R"({"$type":"network.comind.thought","text":"older"})", "bafyreih5") +
      R"(],"cursor":"3lbxzmqalwk22"})";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_TRUE(page.rejected.empty());
  EXPECT_EQ(page.cursor, "3lbxzmqalwk22");

  const Record& first = page.records[0];
  EXPECT_EQ(first.rkey, "3lbxzmqalwk2a");
  EXPECT_EQ(first.uri, uri_for("3lbxzmqalwk2a"));
  EXPECT_EQ(first.cid, "bafyreih4");
  EXPECT_EQ(first.value_json,
            R"({"$type":"network.comind.thought","text":"hello","createdAt":"2024-11-20T10:11:12.345Z"})");
  EXPECT_EQ(first.created_at, "2024-11-20 10:11:12.345000+00");
  EXPECT_FALSE(first.repaired);

  EXPECT_EQ(page.records[1].rkey, "3lbxzmqalwk22");
  EXPECT_FALSE(page.records[1].created_at);
}

TEST(ListRecords, CreatedAtIsOptionalAndValidated) {
  const std::string body = R"({"records":[)" + record_json("a1", R"({"createdAt":"2024-02-30T00:00:00Z"})") + "," +
                           record_json("a2", R"({"createdAt":12345})") + "," +
                           record_json("a3", R"({"createdAt":"2024-01-01T00:30:00+01:00"})") + "]}";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 3u);
  EXPECT_FALSE(page.records[0].created_at);
  EXPECT_FALSE(page.records[1].created_at);
  EXPECT_EQ(page.records[2].created_at, "2023-12-31 23:30:00.000000+00");
}

TEST(ListRecords, EmptyPageAndCursorForms) {
  auto page = decode_ok(R"({"records":[]})");
  EXPECT_TRUE(page.records.empty());
  EXPECT_FALSE(page.cursor);
  page = decode_ok(R"({"records":[],"cursor":null})");
  EXPECT_FALSE(page.cursor);
  page = decode_ok(R"({"records":[],"cursor":""})");
  EXPECT_FALSE(page.cursor);
  page = decode_ok(R"({"cursor":"3abc","records":[]})");
  EXPECT_EQ(page.cursor, "3abc");
}

TEST(ListRecords, KeepsValueBytesExactly) {
  // Integers beyond 2^53 and beyond int64 must not pass through a double; whitespace,
  // member order, escapes and number spelling stay as sent.
  const std::string value =
      "{ \"big\" : 123456789012345678901234567890, \"odd\":9007199254740993,\n"
      "  \"neg\":-9223372036854775809, \"f\":1.0e2, \"esc\":\"\\u00e9\\n\\/\", \"s\":\"caf\xC3\xA9\",\n"
      "  \"blob\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafkrei\"},\"mimeType\":\"image/png\",\"size\":123} }";
  const auto page = decode_ok(R"({"records":[)" + record_json("k1", value) + "]}");
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].value_json, value);
  EXPECT_FALSE(page.records[0].repaired);
}

TEST(ListRecords, HandlesDeepNesting) {
  const std::size_t depth = 1500;  // far beyond Boost.JSON's default of 32 and real records
  std::string value;
  for (std::size_t i = 0; i < depth; ++i) value += "{\"a\":";
  value += "1";
  value += std::string(depth, '}');
  const auto page = decode_ok(R"({"records":[)" + record_json("deep", value) + "]}");
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].value_json, value);
}

TEST(ListRecords, FindsValueThroughEscapedKeysAndTrickyStrings) {
  const std::string body = R"({"records":[{"uri":")" + uri_for("k1") +
                           R"(","cid":"bafy","note":"\"value\":{\"fake\":1}}]","\u0076alue":{"real":"}\"{"}}]})";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].value_json, R"({"real":"}\"{"})");
}

TEST(ListRecords, DuplicateValueMemberMatchesParser) {
  const std::string body = R"({"records":[{"uri":")" + uri_for("k1") + R"(","cid":"c","value":{"first":1},"value":{"second":2}}]})";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].value_json, R"({"second":2})");
}

TEST(ListRecords, DuplicateValueMemberAgreesWithParserOnType) {
  // The span walker and Boost.JSON must pick the same duplicate, whatever its type.
  const std::string head = R"({"records":[{"uri":")" + uri_for("k1") + R"(","cid":"c",)";
  const auto last_object = decode_ok(head + R"("value":[1],"value":{"b":2}}]})");
  ASSERT_EQ(last_object.records.size(), 1u);
  EXPECT_EQ(last_object.records[0].value_json, R"({"b":2})");
  const auto last_array = decode_ok(head + R"("value":{"a":1},"value":[1]}]})");
  EXPECT_TRUE(last_array.records.empty());
  EXPECT_EQ(last_array.rejected.size(), 1u);
}

TEST(ListRecords, RejectsForeignAndMalformedRecords) {
  const std::string good = record_json("good", "{}");
  const std::string body = std::string("{\"records\":[") +
      R"({"uri":")" + uri_for("r1", "did:plc:someoneelse") + R"(","cid":"c","value":{}},)" +
      R"({"uri":")" + uri_for("r2", did, "app.bsky.feed.post") + R"(","cid":"c","value":{}},)" +
      R"({"uri":")" + uri_for("bad key") + R"(","cid":"c","value":{}},)" +
      R"({"uri":")" + uri_for("r4") + R"(","value":{}},)" +
      R"({"uri":")" + uri_for("r5") + R"(","cid":"","value":{}},)" +
      R"({"uri":")" + uri_for("r6") + R"(","cid":"c","value":[1]},)" +
      R"({"uri":")" + uri_for("r7") + R"(","cid":"c"},)" +
      R"({"cid":"c","value":{}},)" +
      R"({"uri":"https://example.com/x","cid":"c","value":{}},)" +
      R"({"uri":")" + uri_for("r10") + R"(/extra","cid":"c","value":{}},)" +
      R"("not an object",)" + good + "]}";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].rkey, "good");
  ASSERT_EQ(page.rejected.size(), 11u);
  const auto reason = [&](std::size_t i) { return page.rejected[i].reason; };
  EXPECT_EQ(page.rejected[0].uri, uri_for("r1", "did:plc:someoneelse"));
  EXPECT_NE(reason(0).find("did:plc:someoneelse"), std::string::npos) << reason(0);
  EXPECT_NE(reason(0).find(std::string(did)), std::string::npos) << reason(0);
  EXPECT_NE(reason(1).find("app.bsky.feed.post"), std::string::npos) << reason(1);
  EXPECT_NE(reason(2).find("rkey"), std::string::npos) << reason(2);
  EXPECT_NE(reason(3).find("cid"), std::string::npos) << reason(3);
  EXPECT_NE(reason(4).find("cid"), std::string::npos) << reason(4);
  EXPECT_NE(reason(5).find("not an object"), std::string::npos) << reason(5);
  EXPECT_NE(reason(6).find("no value"), std::string::npos) << reason(6);
  EXPECT_NE(reason(7).find("uri"), std::string::npos) << reason(7);
  EXPECT_EQ(page.rejected[7].uri, "");
  EXPECT_NE(reason(8).find("at://"), std::string::npos) << reason(8);
  EXPECT_NE(reason(9).find("rkey"), std::string::npos) << reason(9);
  EXPECT_NE(reason(10).find("not a JSON object"), std::string::npos) << reason(10);
}

TEST(ListRecords, RejectsCidsThatAreNotMultibaseText) {
  const auto page = decode_ok(R"({"records":[)" + record_json("good", "{}") + "," +
                              record_json("nul", "{}", "baf\\u0000y") + "," + record_json("space", "{}", "bafy abc") +
                              "]}");
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].rkey, "good");
  ASSERT_EQ(page.rejected.size(), 2u);
  EXPECT_EQ(page.rejected[0].reason, "record cid is not a CID");
}

TEST(ListRecords, RepairsNulEscapeWithoutTouchingOtherRecords) {
  const std::string before = record_json("k1", R"({"text":"fine","n":9007199254740993})");
  const std::string after = record_json("k3", R"({"text":"also fine"})");
  const std::string body = "{\"records\":[" + before + "," + record_json("k2", R"({"text":"a\u0000b\ud800"})") +
                           "," + after + "]}";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 3u);
  EXPECT_EQ(page.records[0].value_json, R"({"text":"fine","n":9007199254740993})");
  EXPECT_FALSE(page.records[0].repaired);
  EXPECT_EQ(page.records[1].value_json, R"({"text":"a\ufffdb\ufffd"})");
  EXPECT_TRUE(page.records[1].repaired);
  EXPECT_EQ(page.records[2].value_json, R"({"text":"also fine"})");
  EXPECT_FALSE(page.records[2].repaired);
}

TEST(ListRecords, RepairsInvalidUtf8) {
  const std::string body = "{\"records\":[" + record_json("k1", "{\"text\":\"bad \xFF\xC0\xAF byte\"}") + "," +
                           record_json("k2", "{\"text\":\"ok \xC3\xA9\"}") + "]}";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.records[0].value_json, "{\"text\":\"bad \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD byte\"}");
  EXPECT_TRUE(page.records[0].repaired);
  EXPECT_EQ(page.records[1].value_json, "{\"text\":\"ok \xC3\xA9\"}");
  EXPECT_FALSE(page.records[1].repaired);
}

TEST(ListRecords, DuplicateRkeysLastWins) {
  const std::string body = "{\"records\":[" + record_json("a", R"({"v":1})", "c1") + "," +
                           record_json("b", R"({"v":2})") + "," + record_json("a", R"({"v":3})", "c3") + "," +
                           record_json("c", R"({"v":4})") + "]}";
  const auto page = decode_ok(body);
  ASSERT_EQ(page.records.size(), 3u);
  EXPECT_EQ(page.records[0].rkey, "b");
  EXPECT_EQ(page.records[1].rkey, "a");
  EXPECT_EQ(page.records[1].cid, "c3");
  EXPECT_EQ(page.records[1].value_json, R"({"v":3})");
  EXPECT_EQ(page.records[2].rkey, "c");
}

TEST(ListRecords, WholePageFailures) {
  for (const std::string body : {"", "not json", "[]", "null", R"({"cursor":"x"})", R"({"records":{}})",
                                 R"({"records":"x"})", R"({"records":[1,2)", R"({"records":[],"cursor":5})"}) {
    const auto page = decode_list_records(body, did, collection);
    EXPECT_FALSE(page.ok()) << body;
    if (!page.ok()) {
      EXPECT_FALSE(page.error().retryable) << body;
    }
  }
}

TEST(ListRecords, ErrorsQuoteAShortExcerpt) {
  const std::string html = "<html><head><title>502 Bad Gateway</title></head><body>\n<center><h1>502 Bad "
                           "Gateway</h1></center>\n" + std::string(1000, 'x') + "</body></html>";
  const auto page = decode_list_records(html, did, collection);
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().message.find("502 Bad Gateway"), std::string::npos) << page.error().message;
  EXPECT_EQ(page.error().message.find('<'), std::string::npos) << page.error().message;
  EXPECT_EQ(page.error().message.find('\n'), std::string::npos);
  EXPECT_LT(page.error().message.size(), 400u);

  const auto not_array = decode_list_records(R"({"error":"Oops","message":"something"})", did, collection);
  ASSERT_FALSE(not_array.ok());
  EXPECT_NE(not_array.error().message.find("Oops"), std::string::npos) << not_array.error().message;
}

}  // namespace
}  // namespace atbackfill::atproto
