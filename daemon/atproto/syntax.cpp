// Syntax checks for atproto identifiers, following atproto.com/specs (did, handle, nsid, record-key, tid).
#include "atproto/syntax.hpp"

#include <algorithm>

namespace atbackfill::atproto {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// One DNS-style label: 1..63 of [A-Za-z0-9-], no hyphen at either end.
bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// Splits on '.', calling `fn(segment, index, is_last)` until it returns false.
template <class Fn>
bool for_each_segment(std::string_view text, Fn fn) {
  std::size_t index = 0;
  while (true) {
    const auto dot = text.find('.');
    const bool last = dot == std::string_view::npos;
    if (!fn(text.substr(0, dot), index, last)) return false;
    if (last) return true;
    text.remove_prefix(dot + 1);
    ++index;
  }
}

std::size_t count_segments(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '.')) + 1;
}

}  // namespace

bool is_valid_nsid(std::string_view text) {
  if (text.empty() || text.size() > 317) return false;
  const std::size_t segments = count_segments(text);
  if (segments < 3) return false;
  const auto last_dot = text.rfind('.');
  if (last_dot > 253) return false;  // the domain authority is at most 253 characters
  return for_each_segment(text, [&](std::string_view segment, std::size_t index, bool last) {
    if (last) {
      // The name: ASCII letters and digits, starting with a letter.
      if (segment.empty() || segment.size() > 63 || !is_alpha(segment.front())) return false;
      return std::all_of(segment.begin(), segment.end(), is_alnum);
    }
    if (!is_domain_label(segment)) return false;
    return index != 0 || !is_digit(segment.front());  // the TLD does not start with a digit
  });
}

bool is_valid_did(std::string_view text) {
  if (text.size() > 2048 || !text.starts_with("did:")) return false;
  std::string_view rest = text.substr(4);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view method = rest.substr(0, colon);
  if (!std::all_of(method.begin(), method.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return false;
  const std::string_view id = rest.substr(colon + 1);
  if (id.empty() || id.back() == ':' || id.back() == '%') return false;
  const auto is_hex = [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (!(is_alnum(c) || c == '.' || c == '_' || c == ':' || c == '%' || c == '-')) return false;
    // W3C DID syntax: '%' only as a percent-encoded byte (did:web encodes a port as %3A).
    if (c == '%' && (i + 2 >= id.size() || !is_hex(id[i + 1]) || !is_hex(id[i + 2]))) return false;
  }
  return true;
}

bool is_valid_handle(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  if (count_segments(text) < 2) return false;
  return for_each_segment(text, [](std::string_view label, std::size_t, bool last) {
    if (!is_domain_label(label)) return false;
    return !last || !is_digit(label.front());  // the TLD does not start with a digit
  });
}

bool is_valid_rkey(std::string_view text) {
  if (text.empty() || text.size() > 512 || text == "." || text == "..") return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '~';
  });
}

bool is_valid_tid(std::string_view text) {
  constexpr std::string_view alphabet = "234567abcdefghijklmnopqrstuvwxyz";
  constexpr std::string_view first_chars = "234567abcdefghij";  // keeps the top bit zero
  if (text.size() != 13) return false;
  if (first_chars.find(text.front()) == std::string_view::npos) return false;
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return alphabet.find(c) != std::string_view::npos; });
}

std::string normalize_handle(std::string_view handle) {
  std::string out(handle);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<AtUri> parse_record_uri(std::string_view text) {
  constexpr std::string_view scheme = "at://";
  if (text.size() > 8192 || !text.starts_with(scheme)) return std::nullopt;
  std::string_view rest = text.substr(scheme.size());
  const auto first = rest.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = rest.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  AtUri uri{std::string(rest.substr(0, first)), std::string(rest.substr(first + 1, second - first - 1)),
            std::string(rest.substr(second + 1))};
  // A '/' in the rkey part means extra path segments; query and fragment are not record URIs
  // (neither '?' nor '#' is a valid rkey character, so is_valid_rkey rejects them).
  if (!is_valid_did(uri.authority) && !is_valid_handle(uri.authority)) return std::nullopt;
  if (!is_valid_nsid(uri.collection) || !is_valid_rkey(uri.rkey)) return std::nullopt;
  return uri;
}

}  // namespace atbackfill::atproto
