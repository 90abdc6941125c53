// Encodes a listRecords page as the single JSON parameter of the records upsert.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atproto/list_records.hpp"

namespace atbackfill::store {

// Appends `text` as a JSON string literal (quotes included). Bytes >= 0x80 pass through, so
// valid UTF-8 stays valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

// `[{"rkey":..,"uri":..,"cid":..,"created_at":..|null,"value":<value_json>}, ...]`, with each
// value_json embedded verbatim so that no number is re-encoded. When an rkey repeats, only its
// last record is kept (in the position of that last occurrence): one statement cannot update
// the same row twice.
std::string page_records_json(const std::vector<atproto::Record>& records);

// How many records page_records_json keeps.
std::size_t distinct_rkeys(const std::vector<atproto::Record>& records);

}  // namespace atbackfill::store
