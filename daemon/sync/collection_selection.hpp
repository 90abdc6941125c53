// Which collections of an account to fetch, from its patterns and describeRepo. Pure.
#pragma once

#include <string>
#include <vector>

#include "config/settings.hpp"

namespace atbackfill::sync {

// True when some pattern is a wildcard, so describeRepo must be asked what exists.
bool needs_repo_description(const std::vector<config::CollectionPattern>& patterns);

// Every exact NSID (fetched even when describeRepo does not list it) plus each described
// collection that a wildcard matches; sorted, without duplicates.
std::vector<std::string> select_collections(const std::vector<config::CollectionPattern>& patterns,
                                            const std::vector<std::string>& described);

}  // namespace atbackfill::sync
