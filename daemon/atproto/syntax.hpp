// Syntax checks for atproto identifiers (NSID, DID, handle, record key, AT-URI). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atbackfill::atproto {

// Each returns true when `text` is valid per the atproto specs (atproto.com/specs/*).
bool is_valid_nsid(std::string_view text);    // e.g. "network.comind.thought"
bool is_valid_did(std::string_view text);     // e.g. "did:plc:abc...", "did:web:example.com"
bool is_valid_handle(std::string_view text);  // e.g. "alice.bsky.social" (case-insensitive)
bool is_valid_rkey(std::string_view text);    // e.g. "3jzfcijpj2z2a", "self"
bool is_valid_tid(std::string_view text);     // 13-char base32-sortable timestamp id

// Lowercases a handle (handles are case-insensitive); does not validate.
std::string normalize_handle(std::string_view handle);

// at://<authority>/<collection>/<rkey>; all three parts present and syntactically valid.
struct AtUri {
  std::string authority;  // a DID (or a handle, which callers reject where a DID is needed)
  std::string collection;
  std::string rkey;
};
std::optional<AtUri> parse_record_uri(std::string_view text);

}  // namespace atbackfill::atproto
