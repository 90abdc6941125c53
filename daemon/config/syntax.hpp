// Config-internal syntax checks for NSIDs, DIDs and handles (a deliberate local copy, so the
// config module stays free of other modules).
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

// authority + "." + name; the name is [A-Za-z][A-Za-z0-9]{0,62}; <= 317 chars in total.
bool is_nsid(std::string_view text);

// did:<method>:<id> with the generic DID syntax; did:plc ids are 24 base32 characters.
bool is_did(std::string_view text);

// A domain name of >= 2 labels whose last label does not start with a digit; <= 253 chars.
// Case-insensitive (callers lowercase before storing).
bool is_handle(std::string_view text);

}  // namespace atbackfill::config::detail
