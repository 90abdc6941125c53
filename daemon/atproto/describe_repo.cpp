// Decoding of com.atproto.repo.describeRepo responses.
#include <boost/json/value.hpp>

#include "atproto/json_util.hpp"
#include "atproto/list_records.hpp"
#include "atproto/syntax.hpp"
#include "atproto/text_excerpt.hpp"

namespace atbackfill::atproto {

Expected<RepoDescription> decode_describe_repo(std::string_view body) {
  auto parsed = parse_json(body, "describeRepo response");
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) {
    return permanent_error("describeRepo response is not a JSON object: \"" + text_excerpt(body, 200, true) + "\"");
  }
  const auto& root = parsed->get_object();
  RepoDescription description;
  const auto did = string_member(root, "did");
  if (!did || !is_valid_did(*did)) return permanent_error("describeRepo response has no valid \"did\"");
  description.did = std::string(*did);
  // "handle.invalid" is what a PDS reports when the handle no longer verifies.
  if (const auto handle = string_member(root, "handle")) {
    std::string normalized = normalize_handle(*handle);
    if (is_valid_handle(normalized) && normalized != "handle.invalid") description.handle = std::move(normalized);
  }
  if (const auto* collections = root.if_contains("collections"); collections != nullptr && collections->is_array()) {
    for (const auto& entry : collections->get_array()) {
      if (!entry.is_string()) continue;
      const std::string_view nsid(entry.get_string().data(), entry.get_string().size());
      if (is_valid_nsid(nsid)) description.collections.emplace_back(nsid);
    }
  }
  return description;
}

}  // namespace atbackfill::atproto
