// Tests of the store's pure helpers: the page JSON parameter and connection-string edits.
#include <gtest/gtest.h>

#include "store/conninfo.hpp"
#include "store/page_json.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

using store_test::make_record;

std::string json_quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_quoted(""), R"("")");
  EXPECT_EQ(json_quoted("plain"), R"("plain")");
  EXPECT_EQ(json_quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quoted("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(json_quoted(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_quoted(std::string("nul\0byte", 8)), R"("nul\u0000byte")");
  EXPECT_EQ(json_quoted("é😀/"), "\"é😀/\"");
}

TEST(PageJson, EmbedsValuesVerbatim) {
  const auto json = page_records_json({make_record("did:plc:a", "x.y.z", "r1", "c1",
                                                   R"({ "n" : 12345678901234567890, "s":"\u00e9" })",
                                                   "2024-01-02 03:04:05.000000+00"),
                                       make_record("did:plc:a", "x.y.z", "r2", "c2", "{}")});
  EXPECT_EQ(json,
            R"([{"rkey":"r1","uri":"at://did:plc:a/x.y.z/r1","cid":"c1","created_at":"2024-01-02 03:04:05.000000+00",)"
            R"("value":{ "n" : 12345678901234567890, "s":"\u00e9" }},)"
            R"({"rkey":"r2","uri":"at://did:plc:a/x.y.z/r2","cid":"c2","created_at":null,"value":{}}])");
}

TEST(PageJson, EmptyPageIsEmptyArray) { EXPECT_EQ(page_records_json({}), "[]"); }

TEST(PageJson, LastOccurrenceOfAnRkeyWins) {
  const std::vector<atproto::Record> records = {make_record("d", "c", "a", "1", "{}"),
                                                make_record("d", "c", "b", "2", "{}"),
                                                make_record("d", "c", "a", "3", "{}")};
  EXPECT_EQ(distinct_rkeys(records), 2u);
  const auto json = page_records_json(records);
  EXPECT_EQ(json.find(R"("cid":"1")"), std::string::npos);
  EXPECT_LT(json.find(R"("rkey":"b")"), json.find(R"("rkey":"a")"));
}

TEST(Conninfo, RecognisesUris) {
  EXPECT_TRUE(is_connection_uri("postgresql:///db"));
  EXPECT_TRUE(is_connection_uri("postgres://u@h/db"));
  EXPECT_FALSE(is_connection_uri("host=h dbname=db"));
  EXPECT_FALSE(is_connection_uri(""));
}

TEST(Conninfo, AddsMissingUriParameters) {
  EXPECT_EQ(with_default_param("postgresql:///db", "connect_timeout", "10"), "postgresql:///db?connect_timeout=10");
  EXPECT_EQ(with_default_param("postgresql://h/db?sslmode=require", "connect_timeout", "10"),
            "postgresql://h/db?sslmode=require&connect_timeout=10");
  EXPECT_EQ(with_default_param("postgresql://h/db?connect_timeout=3", "connect_timeout", "10"),
            "postgresql://h/db?connect_timeout=3");
  EXPECT_EQ(with_default_param("postgresql://h/db?xconnect_timeout=3", "connect_timeout", "10"),
            "postgresql://h/db?xconnect_timeout=3&connect_timeout=10");
}

TEST(Conninfo, AddsMissingKeywords) {
  EXPECT_EQ(with_default_param("", "connect_timeout", "10"), "connect_timeout=10");
  EXPECT_EQ(with_default_param("dbname=x", "connect_timeout", "10"), "dbname=x connect_timeout=10");
  EXPECT_EQ(with_default_param("dbname=x connect_timeout = 2", "connect_timeout", "10"),
            "dbname=x connect_timeout = 2");
  EXPECT_EQ(with_default_param("dbname=my_connect_timeout", "connect_timeout", "10"),
            "dbname=my_connect_timeout connect_timeout=10");
}

TEST(Conninfo, ReplacesTheDatabaseName) {
  EXPECT_EQ(with_database_name("postgresql://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgresql://postgres@127.0.0.1:5432/t1");
  EXPECT_EQ(with_database_name("postgresql://h:1/postgres?sslmode=disable", "t1"), "postgresql://h:1/t1?sslmode=disable");
  EXPECT_EQ(with_database_name("postgresql://h:1", "t1"), "postgresql://h:1/t1");
  EXPECT_EQ(with_database_name("postgresql://h:1?sslmode=disable", "t1"), "postgresql://h:1/t1?sslmode=disable");
  EXPECT_EQ(with_database_name("postgresql:///old?host=/tmp", "t1"), "postgresql:///t1?host=/tmp");
  EXPECT_EQ(with_database_name("host=h dbname=old", "t1"), "host=h dbname=old dbname=t1");
}

}  // namespace
}  // namespace atbackfill::store
