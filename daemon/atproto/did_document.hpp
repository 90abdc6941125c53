// DID document interpretation: which PDS serves the account, which handle it claims. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace atbackfill::atproto {

struct DidDocumentInfo {
  std::string did;                    // the document's "id"
  std::optional<std::string> handle;  // first at:// entry of alsoKnownAs, lowercased
  std::string pds_endpoint;           // serviceEndpoint of #atproto_pds, no trailing slash
};

// Parses a DID document (JSON text). The PDS is the service whose id is "#atproto_pds" or
// "<did>#atproto_pds" and whose type is "AtprotoPersonalDataServer", never simply
// service[0]. Fails when the JSON is malformed, the id differs from `expected_did`,
// or no such service with an http(s) endpoint exists.
Expected<DidDocumentInfo> parse_did_document(std::string_view json_text, std::string_view expected_did);

// The URL of the DID document: did:plc -> <plc_url>/<did>; did:web:<host> ->
// https://<host>/.well-known/did.json ("%3A" in the host encodes a port).
// Fails for other DID methods and for did:web with a path.
Expected<std::string> did_document_url(std::string_view did, std::string_view plc_url);

}  // namespace atbackfill::atproto
