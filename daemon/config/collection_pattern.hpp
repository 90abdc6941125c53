// Parsing of `collections:` entries: an exact NSID or an `<authority-prefix>.*` wildcard.
#pragma once

#include <string_view>

#include "config/settings.hpp"
#include "util/expected.hpp"

namespace atbackfill::config {

// Accepts "app.bsky.feed.post" (exact) and "network.comind.*" (everything under a prefix of
// at least two segments). The authority part is lowercased (it is case-insensitive); the
// name segment keeps its case. The error message starts with the quoted input.
Expected<CollectionPattern> parse_collection_pattern(std::string_view text);

}  // namespace atbackfill::config
