// Parsing and matching of `collections:` entries.
#include "config/collection_pattern.hpp"

#include <string>

#include "config/syntax.hpp"

namespace atbackfill::config {
namespace {

Error invalid(std::string_view text, std::string_view why) {
  return permanent_error("\"" + std::string(text) + "\" " + std::string(why));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && detail::to_lower(a) == detail::to_lower(b);
}

}  // namespace

Expected<CollectionPattern> parse_collection_pattern(std::string_view text) {
  CollectionPattern pattern;
  if (text.ends_with(".*") || text == "*") {
    const auto prefix = text == "*" ? std::string_view{} : text.substr(0, text.size() - 2);
    if (prefix.find('*') != std::string_view::npos) {
      return invalid(text, "is not a valid wildcard (\"*\" may appear only once, at the end)");
    }
    if (prefix.find('.') == std::string_view::npos) {
      return invalid(text,
                     "is too broad: a wildcard needs at least two segments before \".*\" "
                     "(e.g. \"network.comind.*\")");
    }
    if (!detail::is_nsid_authority(prefix)) {
      return invalid(text, "is not a valid wildcard: \"" + std::string(prefix) +
                               "\" is not a valid NSID prefix");
    }
    pattern.wildcard = true;
    pattern.prefix = detail::to_lower(prefix);
    pattern.text = pattern.prefix + ".*";
    return pattern;
  }
  if (text.find('*') != std::string_view::npos) {
    return invalid(text,
                   "is not a valid NSID (a wildcard is written as a prefix followed by \".*\", "
                   "e.g. \"network.comind.*\")");
  }
  if (!detail::is_nsid(text)) return invalid(text, "is not a valid NSID");
  const auto last_dot = text.rfind('.');
  pattern.text = detail::to_lower(text.substr(0, last_dot)) + std::string(text.substr(last_dot));
  return pattern;
}

bool CollectionPattern::matches(const std::string& nsid) const {
  if (!wildcard) {
    // Authorities compare case-insensitively, names exactly.
    const auto ours = text.rfind('.');
    const auto theirs = nsid.rfind('.');
    if (ours == std::string::npos || theirs == std::string::npos) return text == nsid;
    return iequals(std::string_view(text).substr(0, ours),
                   std::string_view(nsid).substr(0, theirs)) &&
           text.compare(ours, std::string::npos, nsid, theirs, std::string::npos) == 0;
  }
  // Strictly under the prefix: "network.comind" itself and "network.cominder.x" do not match.
  if (nsid.size() < prefix.size() + 2) return false;
  return iequals(std::string_view(nsid).substr(0, prefix.size()), prefix) &&
         nsid[prefix.size()] == '.';
}

}  // namespace atbackfill::config
