// Config-side syntax checks: NSIDs, DIDs and handles by the atproto rules (atproto/syntax),
// plus the pieces only configuration needs (wildcard prefixes, domain labels of host keys).
#pragma once

#include <string>
#include <string_view>

namespace atbackfill::config::detail {

std::string to_lower(std::string_view text);

// One label of a domain-like name: [A-Za-z0-9-], 1..63, no leading or trailing '-'.
bool is_domain_label(std::string_view label);

// The authority part of an NSID (reversed domain, >= 2 segments, <= 253 chars, first
// segment not starting with a digit), case-insensitive.
bool is_nsid_authority(std::string_view text);

// atproto::is_valid_nsid.
bool is_nsid(std::string_view text);

// atproto::is_valid_did, and for did:plc an id of exactly 24 base32 characters.
bool is_did(std::string_view text);

// atproto::is_valid_handle (case-insensitive; callers lowercase before storing).
bool is_handle(std::string_view text);

}  // namespace atbackfill::config::detail
