// libFuzzer target: decode_list_records and repair_for_jsonb on arbitrary bytes, checking the
// invariants the store relies on (storable, exact, own-repo-only values).
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "atproto/json_repair.hpp"
#include "atproto/json_spans.hpp"
#include "atproto/list_records.hpp"
#include "atproto/syntax.hpp"

namespace {

constexpr std::string_view did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
constexpr std::string_view collection = "network.comind.thought";

void check(bool condition) {
  if (!condition) std::abort();
}

// Strict parse: no invalid UTF-8 allowed, as PostgreSQL would require.
bool is_strict_json_object(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 512;
  boost::json::error_code ec;
  const auto value = boost::json::parse(text, ec, {}, options);
  return !ec && value.is_object();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Repair is idempotent and its output is valid UTF-8 with no NUL or lone surrogate escape.
  const auto once = atbackfill::atproto::repair_for_jsonb(input);
  const auto twice = atbackfill::atproto::repair_for_jsonb(once.text);
  check(!twice.changed && twice.text == once.text);
  check(once.changed || once.text == input);

  // The span walker never reads out of bounds, whatever it is given.
  (void)atbackfill::atproto::json_member_span(input, "records");
  (void)atbackfill::atproto::json_element_spans(input);

  const auto page = atbackfill::atproto::decode_list_records(input, did, collection);
  if (!page.ok()) return 0;
  const std::string prefix = "at://" + std::string(did) + "/" + std::string(collection) + "/";
  for (const auto& record : page->records) {
    check(record.uri == prefix + record.rkey);
    check(atbackfill::atproto::is_valid_rkey(record.rkey));
    check(!record.cid.empty());
    check(!atbackfill::atproto::repair_for_jsonb(record.value_json).changed);
    check(is_strict_json_object(record.value_json));
  }
  return 0;
}
