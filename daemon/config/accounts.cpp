// Readers for the `collections` default list and the `accounts` list.
#include <algorithm>
#include <map>

#include "config/collection_pattern.hpp"
#include "config/sections.hpp"
#include "config/syntax.hpp"

namespace atbackfill::config::detail {
namespace {

std::string read_handle(const Reader& reader, const Field& field) {
  const auto text = reader.string(field);
  const auto handle = to_lower(text);
  if (is_handle(handle)) return handle;
  std::string hint;
  if (handle.starts_with("did:")) {
    hint = " (a DID goes under did:)";
  } else if (handle.starts_with('@')) {
    hint = " (write it without the \"@\")";
  } else if (handle.find("://") != std::string::npos) {
    hint = " (write the bare handle, e.g. \"alice.bsky.social\")";
  }
  reader.fail(field, "\"" + text + "\" is not a valid handle" + hint);
}

std::string read_did(const Reader& reader, const Field& field) {
  const auto text = reader.string(field);
  if (!is_did(text)) {
    const std::string hint = text.starts_with("did:plc:")
                                 ? " (a did:plc identifier is 24 characters of a-z and 2-7)"
                                 : "";
    reader.fail(field, "\"" + text + "\" is not a valid DID" + hint);
  }
  // Only these two methods can be resolved to a PDS.
  if (!text.starts_with("did:plc:") && !text.starts_with("did:web:")) {
    reader.fail(field,
                "\"" + text + "\" uses an unsupported DID method (expected did:plc or did:web)");
  }
  return text;
}

}  // namespace

std::vector<CollectionPattern> read_collections(const Reader& reader, const Field& field) {
  const auto items = reader.items(field, "a list of collections (NSIDs or \"prefix.*\" wildcards)");
  if (items.empty()) {
    reader.fail(field, "must list at least one collection (remove the key to use the default)");
  }
  std::vector<CollectionPattern> out;
  std::vector<int> lines;
  for (const auto& item : items) {
    auto parsed = parse_collection_pattern(reader.string(item));
    if (!parsed) reader.fail(item, parsed.error().message);
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].text == parsed->text) {
        reader.fail(item, "\"" + item.node.Scalar() + "\" is listed twice (first at line " +
                              std::to_string(lines[i]) + ")");
      }
    }
    out.push_back(std::move(*parsed));
    lines.push_back(item.line);
  }
  return out;
}

std::vector<Account> read_accounts(const Reader& reader, const Field& field,
                                   const std::vector<CollectionPattern>& defaults) {
  if (!field.node.IsDefined() || field.node.IsNull() ||
      (field.node.IsSequence() && field.node.size() == 0)) {
    reader.fail(field, "no accounts configured (add at least one entry with a handle or a did)");
  }
  std::vector<Account> out;
  std::map<std::string, int> seen;  // handle or DID -> line of its first mention
  for (const auto& item : reader.items(field, "a list of accounts")) {
    if (item.node.IsNull()) reader.fail(item, "expected a map with a handle or a did, got nothing");
    Account account;
    account.line = item.line;
    std::optional<Field> identifier;
    bool own_collections = false;
    for (const auto& entry :
         reader.entries(item, {"handle", "did", "collections"}, "a map with a handle or a did")) {
      if (entry.key == "handle") {
        account.handle = read_handle(reader, entry);
        identifier = entry;
      } else if (entry.key == "did") {
        account.did = read_did(reader, entry);
        identifier = entry;
      } else {
        account.collections = read_collections(reader, entry);
        own_collections = true;
      }
    }
    if (account.handle && account.did) {
      reader.fail(item, "has both a handle and a did (give exactly one)");
    }
    if (!identifier) reader.fail(item, "needs a handle or a did");
    if (!own_collections) {
      if (defaults.empty()) {
        reader.fail(item,
                    "no collections for \"" + account.label() +
                        "\" (add a collections list here or a top-level collections default)");
      }
      account.collections = defaults;
    }
    const auto [first, inserted] = seen.emplace(account.label(), identifier->line);
    if (!inserted) {
      reader.fail(*identifier, "duplicate account \"" + account.label() + "\" (first at line " +
                                   std::to_string(first->second) + ")");
    }
    out.push_back(std::move(account));
  }
  return out;
}

}  // namespace atbackfill::config::detail
