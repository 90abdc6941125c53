// Config-side syntax checks: the atproto rules, plus what only configuration needs
// (wildcard prefixes, host keys).
#include "config/syntax.hpp"

#include <algorithm>
#include <vector>

#include "atproto/syntax.hpp"

namespace atbackfill::config::detail {
namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }

// Splits on '.', keeping empty pieces so that "a..b" and "a." are seen as invalid.
std::vector<std::string_view> split_dots(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    if (dot == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
}

// At least two valid labels; the top-level label (first for NSIDs, last for domains) must
// not start with a digit.
bool is_domain_like(std::string_view text, std::size_t max_length, bool tld_first) {
  if (text.empty() || text.size() > max_length) return false;
  const auto labels = split_dots(text);
  if (labels.size() < 2) return false;
  if (!std::all_of(labels.begin(), labels.end(), is_domain_label)) return false;
  const auto tld = tld_first ? labels.front() : labels.back();
  return !is_ascii_digit(tld.front());
}

}  // namespace

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool is_nsid_authority(std::string_view text) { return is_domain_like(text, 253, true); }

bool is_nsid(std::string_view text) { return atproto::is_valid_nsid(text); }

bool is_did(std::string_view text) {
  if (!atproto::is_valid_did(text)) return false;
  // Stricter than the generic syntax where the method is known: a did:plc id is 24 base32
  // characters, so a typo in the configuration is caught before any network request.
  if (text.starts_with("did:plc:")) {
    const auto id = text.substr(8);
    return id.size() == 24 && std::all_of(id.begin(), id.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
           });
  }
  return true;
}

bool is_handle(std::string_view text) { return atproto::is_valid_handle(text); }

}  // namespace atbackfill::config::detail
