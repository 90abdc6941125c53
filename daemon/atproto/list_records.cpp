// Decoding of com.atproto.repo.listRecords pages: validation, exact value spans, cursor verdicts.
#include "atproto/list_records.hpp"

#include <algorithm>

#include <boost/json/value.hpp>
#include <unordered_set>

#include "atproto/datetime.hpp"
#include "atproto/json_repair.hpp"
#include "atproto/json_spans.hpp"
#include "atproto/json_util.hpp"
#include "atproto/syntax.hpp"
#include "atproto/text_excerpt.hpp"

namespace atbackfill::atproto {
namespace {

std::string quoted(std::string_view text) { return "\"" + text_excerpt(text, 120) + "\""; }

// Checks that `uri` names exactly this repo and collection; the reason when it does not.
std::optional<std::string> check_uri(std::string_view uri, std::string_view did, std::string_view collection,
                                     std::string& rkey) {
  constexpr std::string_view scheme = "at://";
  if (!uri.starts_with(scheme)) return "uri is not an at:// URI: " + quoted(uri);
  const std::string_view rest = uri.substr(scheme.size());
  const auto first = rest.find('/');
  const auto second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (second == std::string_view::npos) return "uri lacks a collection or rkey: " + quoted(uri);
  const std::string_view authority = rest.substr(0, first);
  const std::string_view uri_collection = rest.substr(first + 1, second - first - 1);
  const std::string_view uri_rkey = rest.substr(second + 1);
  if (authority != did) return "uri names " + quoted(authority) + ", expected " + std::string(did);
  if (uri_collection != collection) {
    return "uri names collection " + quoted(uri_collection) + ", expected " + std::string(collection);
  }
  if (!is_valid_rkey(uri_rkey)) return "invalid rkey " + quoted(uri_rkey);
  if (!parse_record_uri(uri)) return "uri is not a valid record AT-URI: " + quoted(uri);
  rkey = std::string(uri_rkey);
  return std::nullopt;
}

// Validates one element of "records"; `value_span` is its "value" in the original body.
std::optional<std::string> decode_record(const boost::json::value& element, std::optional<std::string_view> value_span,
                                         std::string_view did, std::string_view collection, Record& record) {
  if (!element.is_object()) return "record is not a JSON object";
  const auto& object = element.get_object();
  const auto uri = string_member(object, "uri");
  if (!uri) return "record has no string uri";
  record.uri = std::string(*uri);
  if (auto reason = check_uri(*uri, did, collection, record.rkey)) return reason;
  const auto cid = string_member(object, "cid");
  if (!cid || cid->empty()) return "record has no cid";
  // A CID in string form is multibase text: letters and digits only.
  if (cid->size() > 512 || !std::all_of(cid->begin(), cid->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      }))
    return "record cid is not a CID";
  record.cid = std::string(*cid);
  const auto* value = object.if_contains("value");
  if (value == nullptr) return "record has no value";
  if (!value->is_object()) return "record value is not an object";
  if (!value_span) return "record value could not be located in the body";  // a bug if ever seen
  RepairedJson repaired = repair_for_jsonb(*value_span);
  record.value_json = std::move(repaired.text);
  record.repaired = repaired.changed;
  if (const auto created_at = string_member(value->get_object(), "createdAt")) {
    record.created_at = normalize_datetime(*created_at);
  }
  return std::nullopt;
}

// Keeps the last record of each rkey, in server order otherwise.
void drop_duplicate_rkeys(std::vector<Record>& records) {
  std::unordered_set<std::string> seen;
  std::vector<Record> kept;
  kept.reserve(records.size());
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (seen.insert(it->rkey).second) kept.push_back(std::move(*it));
  }
  records.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
}

}  // namespace

Expected<ListRecordsPage> decode_list_records(std::string_view body, std::string_view did,
                                              std::string_view collection) {
  // Boost.JSON refuses lone surrogate escapes, so repair the whole body before parsing; the
  // repair works inside strings only, so the structure (and the spans below) stays the same.
  const RepairedJson repaired_body = repair_for_jsonb(body);
  auto parsed = parse_json(repaired_body.text, "listRecords response");
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return permanent_error("listRecords response is not a JSON object: \"" + text_excerpt(body, 200, true) + "\"");
  const auto& root = parsed->get_object();
  const auto* records = root.if_contains("records");
  if (records == nullptr || !records->is_array()) {
    return permanent_error("listRecords response has no \"records\" array: \"" + text_excerpt(body, 200, true) + "\"");
  }

  ListRecordsPage page;
  if (const auto* cursor = root.if_contains("cursor"); cursor != nullptr && !cursor->is_null()) {
    if (!cursor->is_string()) return permanent_error("listRecords cursor is not a string");
    if (!cursor->get_string().empty()) page.cursor = std::string(cursor->get_string());
  }

  // Spans come from the original body, so a record's value is exactly what was sent.
  const auto& elements = records->get_array();
  std::vector<std::string_view> element_spans;
  if (const auto records_span = json_member_span(body, "records")) {
    if (auto spans = json_element_spans(*records_span)) element_spans = std::move(*spans);
  }
  if (element_spans.size() != elements.size()) {
    return permanent_error("listRecords response: could not locate records in the body");
  }

  for (std::size_t i = 0; i < elements.size(); ++i) {
    Record record;
    const auto value_span = json_member_span(element_spans[i], "value");
    if (auto reason = decode_record(elements[i], value_span, did, collection, record)) {
      page.rejected.push_back(RejectedRecord{std::move(record.uri), std::move(*reason)});
      continue;
    }
    page.records.push_back(std::move(record));
  }
  drop_duplicate_rkeys(page.records);
  return page;
}

PageVerdict next_page_verdict(const ListRecordsPage& page, const std::optional<std::string>& request_cursor) {
  // A page whose records were all rejected still moves the cursor on: the server had records.
  if ((page.records.empty() && page.rejected.empty()) || !page.cursor) return PageVerdict::done;
  if (request_cursor && *request_cursor == *page.cursor) return PageVerdict::cursor_stuck;
  return PageVerdict::next_page;
}

}  // namespace atbackfill::atproto
