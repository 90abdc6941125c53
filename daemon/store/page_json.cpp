// Encodes a listRecords page as the single JSON parameter of the records upsert.
#include "store/page_json.hpp"

#include <unordered_map>

namespace atbackfill::store {
namespace {

// Indices of the records to keep, in page order: the last occurrence of each rkey.
std::vector<std::size_t> kept_indices(const std::vector<atproto::Record>& records) {
  std::unordered_map<std::string_view, std::size_t> last;
  last.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    last[records[i].rkey] = i;
  }
  std::vector<std::size_t> kept;
  kept.reserve(last.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (last[records[i].rkey] == i) {
      kept.push_back(i);
    }
  }
  return kept;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += hex[byte >> 4];
          out += hex[byte & 0x0f];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string page_records_json(const std::vector<atproto::Record>& records) {
  const auto kept = kept_indices(records);
  std::size_t size = 2;
  for (const std::size_t i : kept) {
    const auto& r = records[i];
    size += 64 + r.rkey.size() + r.uri.size() + r.cid.size() + r.value_json.size() + 32;
  }
  std::string out;
  out.reserve(size);
  out += '[';
  for (const std::size_t i : kept) {
    const auto& record = records[i];
    if (out.size() > 1) {
      out += ',';
    }
    out += "{\"rkey\":";
    append_json_string(out, record.rkey);
    out += ",\"uri\":";
    append_json_string(out, record.uri);
    out += ",\"cid\":";
    append_json_string(out, record.cid);
    out += ",\"created_at\":";
    if (record.created_at) {
      append_json_string(out, *record.created_at);
    } else {
      out += "null";
    }
    out += ",\"value\":";
    out += record.value_json;
    out += '}';
  }
  out += ']';
  return out;
}

std::size_t distinct_rkeys(const std::vector<atproto::Record>& records) { return kept_indices(records).size(); }

}  // namespace atbackfill::store
