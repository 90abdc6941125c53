// Pure parts of handle -> DID resolution: reading DNS TXT answers and well-known bodies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace atbackfill::identity {

// The DID named by the `_atproto.<handle>` TXT records ("did=<DID>"). Records without the
// "did=" prefix are ignored; more than one distinct DID is an error (the spec says so:
// an ambiguous handle resolves to nothing).
Expected<std::string> did_from_txt_records(const std::vector<std::string>& records);

// The DID in the body of https://<handle>/.well-known/atproto-did (text, surrounding
// whitespace allowed).
Expected<std::string> did_from_well_known(std::string_view body);

// The "did" of a com.atproto.identity.resolveHandle response.
Expected<std::string> did_from_resolve_handle(std::string_view body);

}  // namespace atbackfill::identity
