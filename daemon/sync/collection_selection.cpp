#include "sync/collection_selection.hpp"

#include <algorithm>

namespace atbackfill::sync {

bool needs_repo_description(const std::vector<config::CollectionPattern>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [](const auto& p) { return p.wildcard; });
}

std::vector<std::string> select_collections(const std::vector<config::CollectionPattern>& patterns,
                                            const std::vector<std::string>& described) {
  std::vector<std::string> selected;
  for (const auto& pattern : patterns)
    if (!pattern.wildcard) selected.push_back(pattern.text);
  for (const auto& nsid : described)
    if (std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return p.wildcard && p.matches(nsid); }))
      selected.push_back(nsid);
  std::sort(selected.begin(), selected.end());
  selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
  return selected;
}

}  // namespace atbackfill::sync
