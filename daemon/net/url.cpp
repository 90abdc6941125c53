// URL parsing, reference resolution and percent-encoding for http(s) URLs.
#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace atbackfill::net {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

Error bad_url(std::string_view text, std::string_view why) {
  return permanent_error("invalid URL \"" + std::string(text) + "\": " + std::string(why));
}

bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// Characters that may not appear raw in a request target: they would corrupt the request
// line or smuggle a header.
bool valid_target_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

bool is_ipv6_literal(std::string_view host) { return host.find(':') != std::string_view::npos; }

// The RFC 3986 section 5.2.4 algorithm, on a path without query.
std::string remove_dot_segments(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    if (path.starts_with("../")) {
      path.remove_prefix(3);
    } else if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else if (path.starts_with("/./")) {
      path.remove_prefix(2);
    } else if (path == "/.") {
      path = "/";
    } else if (path.starts_with("/../") || path == "/..") {
      path = path.size() == 3 ? std::string_view("/") : path.substr(3);
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (path == "." || path == "..") {
      path = {};
    } else {
      const auto next = path.find('/', path.front() == '/' ? 1 : 0);
      const auto segment = path.substr(0, next);
      out += segment;
      path.remove_prefix(segment.size());
    }
  }
  return out;
}

std::string_view strip_fragment(std::string_view text) {
  return text.substr(0, text.find('#'));
}

}  // namespace

std::string Url::host_key() const {
  if (default_port()) return host;
  const bool v6 = is_ipv6_literal(host);
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Url::origin() const {
  const bool v6 = is_ipv6_literal(host);
  std::string out = scheme + "://" + (v6 ? "[" + host + "]" : host);
  if (!default_port()) out += ":" + std::to_string(port);
  return out;
}

Expected<Url> parse_url(std::string_view text) {
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) return bad_url(text, "not an absolute URL");
  Url url;
  url.scheme = lowercase(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https")
    return bad_url(text, "scheme must be http or https");

  const auto rest = text.substr(colon + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, authority_end);
  const auto target = authority_end == std::string_view::npos
                          ? std::string_view()
                          : strip_fragment(rest.substr(authority_end));
  if (authority.find('@') != std::string_view::npos)
    return bad_url(text, "user information is not allowed");

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(text, "unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(text, "garbage after IPv6 literal");
      port_text = after.substr(1);
      has_port = true;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      return bad_url(text, "invalid IPv6 literal");
  } else {
    const auto port_colon = authority.find(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      has_port = true;
    }
    if (!std::all_of(host.begin(), host.end(), valid_host_char))
      return bad_url(text, "invalid character in host");
  }
  if (host.empty()) return bad_url(text, "empty host");
  url.host = lowercase(host);

  if (has_port) {
    unsigned value = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
    if (port_text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535)
      return bad_url(text, "port must be 1..65535");
    url.port = static_cast<unsigned short>(value);
  } else {
    url.port = url.tls() ? 443 : 80;
  }

  if (!std::all_of(target.begin(), target.end(), valid_target_char))
    return bad_url(text, "whitespace or control character in path");
  if (target.empty())
    url.target = "/";
  else if (target.front() == '?')
    url.target = "/" + std::string(target);
  else
    url.target = std::string(target);
  return url;
}

Expected<Url> resolve_reference(const Url& base, std::string_view reference) {
  // Leading and trailing blanks occur in sloppy Location headers.
  while (!reference.empty() && (reference.front() == ' ' || reference.front() == '\t'))
    reference.remove_prefix(1);
  while (!reference.empty() && (reference.back() == ' ' || reference.back() == '\t'))
    reference.remove_suffix(1);

  const auto first_special = reference.find_first_of(":/?#");
  if (first_special != std::string_view::npos && reference[first_special] == ':')
    return parse_url(reference);  // has a scheme
  if (reference.starts_with("//")) return parse_url(base.scheme + ":" + std::string(reference));

  reference = strip_fragment(reference);
  if (!std::all_of(reference.begin(), reference.end(), valid_target_char))
    return bad_url(reference, "whitespace or control character in path");

  Url url = base;
  const auto base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  if (reference.empty()) return url;
  if (reference.front() == '?') {
    url.target = std::string(base_path) + std::string(reference);
    return url;
  }
  const auto query_start = reference.find('?');
  const auto ref_path = reference.substr(0, query_start);
  const auto query = query_start == std::string_view::npos ? std::string_view()
                                                            : reference.substr(query_start);
  std::string merged;
  if (ref_path.front() == '/') {
    merged = std::string(ref_path);
  } else {
    const auto slash = base_path.rfind('/');
    merged = std::string(base_path.substr(0, slash + 1)) + std::string(ref_path);
  }
  url.target = remove_dot_segments(merged);
  if (url.target.empty() || url.target.front() != '/') url.target.insert(0, "/");
  url.target += query;
  return url;
}

std::string url_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0x0f];
    }
  }
  return out;
}

}  // namespace atbackfill::net
