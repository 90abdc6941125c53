// Tests for the Prometheus text rendering of a metrics snapshot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "status/prometheus.hpp"

namespace atbackfill::status {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The family a sample line belongs to: its name up to the labels or the value.
std::string sample_name(const std::string& line) { return line.substr(0, line.find_first_of("{ ")); }

Snapshot example() {
  Snapshot snapshot;
  snapshot.ready = true;
  snapshot.metrics.records_stored_total = 197;
  snapshot.metrics.records_rejected_total = 3;
  snapshot.metrics.records_repaired_total = 2;
  snapshot.metrics.pages_committed_total = 21;
  snapshot.metrics.collection_passes_ok_total = 4;
  snapshot.metrics.collection_passes_error_total = 1;
  snapshot.metrics.accounts_resolved_total = 3;
  snapshot.metrics.identity_errors_total = 5;
  snapshot.metrics.collections_in_progress = 2;
  snapshot.hosts = {{"pds.example:8443", 10, 1, 2, 3}, {"alpha.example", 7, 0, 0, 0}};
  snapshot.database = store::DatabaseStats{1, 4, 99};
  return snapshot;
}

TEST(RenderPrometheus, EveryLineIsACommentOrAWellFormedSample) {
  const auto text = render_prometheus(example());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::regex sample(R"(atbackfill_[a-z_]+(\{[a-z_]+="([^"\\\n]|\\[\\"n])*"\})? -?[0-9]+)");
  const std::regex comment(R"(# (HELP atbackfill_[a-z_]+ \S.*|TYPE atbackfill_[a-z_]+ (counter|gauge)))");
  for (const auto& line : lines_of(text)) {
    EXPECT_TRUE(std::regex_match(line, sample) || std::regex_match(line, comment)) << line;
  }
}

TEST(RenderPrometheus, EachFamilyHasOneHelpAndTypeBeforeItsSamples) {
  std::map<std::string, int> helps, types;
  std::string current;
  for (const auto& line : lines_of(render_prometheus(example()))) {
    if (line.starts_with("# HELP ")) {
      current = line.substr(7, line.find(' ', 7) - 7);
      ++helps[current];
    } else if (line.starts_with("# TYPE ")) {
      EXPECT_EQ(line.substr(7, line.find(' ', 7) - 7), current) << "TYPE must follow its HELP";
      ++types[current];
    } else {
      EXPECT_EQ(sample_name(line), current) << line;
    }
  }
  EXPECT_GE(helps.size(), 15u);
  for (const auto& [name, count] : helps) {
    EXPECT_EQ(count, 1) << name;
    EXPECT_EQ(types[name], 1) << name;
  }
}

TEST(RenderPrometheus, CountersEndInTotalAndGaugesDoNot) {
  for (const auto& line : lines_of(render_prometheus(example()))) {
    if (!line.starts_with("# TYPE ")) continue;
    const bool counter = line.ends_with(" counter");
    const auto name = line.substr(7, line.rfind(' ') - 7);
    EXPECT_EQ(name.ends_with("_total"), counter) << line;
  }
}

TEST(RenderPrometheus, SyncCountersCarryTheirValues) {
  const auto text = render_prometheus(example());
  EXPECT_THAT(text, HasSubstr("\natbackfill_records_stored_total 197\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_records_rejected_total 3\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_records_repaired_total 2\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_pages_committed_total 21\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_collection_passes_total{result=\"ok\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_collection_passes_total{result=\"error\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_collections_in_progress 2\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_accounts_resolved_total 3\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_identity_errors_total 5\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_ready 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE atbackfill_collections_in_progress gauge\n"));
}

TEST(RenderPrometheus, NotReadyIsZero) {
  auto snapshot = example();
  snapshot.ready = false;
  EXPECT_THAT(render_prometheus(snapshot), HasSubstr("\natbackfill_ready 0\n"));
}

TEST(RenderPrometheus, HostFamiliesAreLabelledAndSortedByHost) {
  const auto text = render_prometheus(example());
  EXPECT_THAT(text, HasSubstr("atbackfill_http_requests_total{host=\"alpha.example\"} 7\n"
                              "atbackfill_http_requests_total{host=\"pds.example:8443\"} 10\n"));
  EXPECT_THAT(text, HasSubstr("atbackfill_http_rate_limited_total{host=\"pds.example:8443\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("atbackfill_http_in_flight{host=\"pds.example:8443\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("atbackfill_http_waiting{host=\"pds.example:8443\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE atbackfill_http_in_flight gauge\n"));
}

TEST(RenderPrometheus, HostFamiliesWithoutHostsStillDescribeThemselves) {
  auto snapshot = example();
  snapshot.hosts.clear();
  const auto text = render_prometheus(snapshot);
  EXPECT_THAT(text, HasSubstr("# TYPE atbackfill_http_requests_total counter\n"));
  EXPECT_THAT(text, Not(HasSubstr("atbackfill_http_requests_total{")));
}

TEST(RenderPrometheus, DatabaseLaneStatsOnlyWhenPresent) {
  auto snapshot = example();
  auto text = render_prometheus(snapshot);
  EXPECT_THAT(text, HasSubstr("\natbackfill_db_connects_total 1\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_db_retries_total 4\n"));
  EXPECT_THAT(text, HasSubstr("\natbackfill_db_units_completed_total 99\n"));
  snapshot.database.reset();
  text = render_prometheus(snapshot);
  EXPECT_THAT(text, Not(HasSubstr("atbackfill_db_")));
}

TEST(RenderPrometheus, LabelValuesAreEscaped) {
  auto snapshot = example();
  snapshot.hosts = {{"we\"ird\\host\nname", 1, 0, 0, 0}};
  const auto text = render_prometheus(snapshot);
  EXPECT_THAT(text, HasSubstr("atbackfill_http_requests_total{host=\"we\\\"ird\\\\host\\nname\"} 1\n"));
  for (const auto& line : lines_of(text)) EXPECT_FALSE(line == "name\"} 1") << "a raw newline split the sample";
}

TEST(EscapeLabelValue, EscapesOnlyBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value(""), "");
  EXPECT_EQ(escape_label_value("plain host:443"), "plain host:443");
  EXPECT_EQ(escape_label_value("a\\b"), "a\\\\b");
  EXPECT_EQ(escape_label_value("a\"b"), "a\\\"b");
  EXPECT_EQ(escape_label_value("a\nb"), "a\\nb");
  EXPECT_EQ(escape_label_value("tab\there"), "tab\there");
  EXPECT_EQ(escape_label_value("\xc3\xa9"), "\xc3\xa9");  // UTF-8 passes through
}

}  // namespace
}  // namespace atbackfill::status
