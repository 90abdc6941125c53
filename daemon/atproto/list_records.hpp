// Decoding of com.atproto.repo.listRecords and describeRepo responses. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace atbackfill::atproto {

struct Record {
  std::string rkey;
  std::string uri;
  std::string cid;
  // The record's "value" exactly as the server sent it (byte span of the response), after
  // repair of what PostgreSQL jsonb refuses (see json_repair.hpp). Never re-encoded, so no
  // integer passes through a double.
  std::string value_json;
  // value.createdAt as a normalised UTC timestamp "YYYY-MM-DD HH:MM:SS.ffffff+00",
  // absent when missing or invalid.
  std::optional<std::string> created_at;
  bool repaired = false;  // value_json had bytes/escapes replaced to be storable
};

struct RejectedRecord {
  std::string uri;     // as sent, possibly empty
  std::string reason;  // e.g. "uri names did:plc:x, expected did:plc:y"
};

struct ListRecordsPage {
  std::vector<Record> records;          // in server order, duplicates (same rkey) removed, last wins
  std::vector<RejectedRecord> rejected;  // malformed or foreign records, never stored
  std::optional<std::string> cursor;    // absent when missing or empty
};

// Decodes one page. Fails (for the whole page) only when the body is not a JSON object
// with a "records" array; an individual bad record lands in `rejected`. A record is rejected
// when its uri is not an AT-URI naming exactly `did` and `collection`, its rkey is invalid,
// its cid is missing, or its value is not an object.
Expected<ListRecordsPage> decode_list_records(std::string_view body, std::string_view did,
                                              std::string_view collection);

struct RepoDescription {
  std::string did;
  std::optional<std::string> handle;
  std::vector<std::string> collections;  // valid NSIDs only
};
Expected<RepoDescription> decode_describe_repo(std::string_view body);

// Why a page-loop must stop or fail. `request_cursor` is what we sent (nullopt on the first page).
enum class PageVerdict { next_page, done, cursor_stuck };
PageVerdict next_page_verdict(const ListRecordsPage& page, const std::optional<std::string>& request_cursor);

}  // namespace atbackfill::atproto
