// Config-internal syntax checks for NSIDs, DIDs and handles.
#include "config/syntax.hpp"

#include <algorithm>
#include <vector>

namespace atbackfill::config::detail {
namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
bool is_hex_digit(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

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

bool is_did_id_char(char c) {
  return is_ascii_alnum(c) || c == '.' || c == '_' || c == ':' || c == '%' || c == '-';
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

bool is_nsid(std::string_view text) {
  if (text.size() > 317) return false;
  const auto last_dot = text.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  const auto authority = text.substr(0, last_dot);
  const auto name = text.substr(last_dot + 1);
  if (name.empty() || name.size() > 63 || !is_ascii_alpha(name.front())) return false;
  if (!std::all_of(name.begin(), name.end(), is_ascii_alnum)) return false;
  return is_nsid_authority(authority);
}

bool is_did(std::string_view text) {
  if (text.size() > 2048 || !text.starts_with("did:")) return false;
  const auto rest = text.substr(4);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto method = rest.substr(0, colon);
  if (!std::all_of(method.begin(), method.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return false;
  }
  const auto id = rest.substr(colon + 1);
  if (id.empty() || id.back() == ':') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (!is_did_id_char(id[i])) return false;
    // A '%' must start a percent-encoded byte.
    if (id[i] == '%' &&
        (i + 2 >= id.size() || !is_hex_digit(id[i + 1]) || !is_hex_digit(id[i + 2]))) {
      return false;
    }
  }
  if (method == "plc") {
    return id.size() == 24 && std::all_of(id.begin(), id.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
           });
  }
  return true;
}

bool is_handle(std::string_view text) { return is_domain_like(text, 253, false); }

}  // namespace atbackfill::config::detail
