// Config-internal checks for host names, host:port keys, listen addresses and base URLs.
#include "config/host_syntax.hpp"

#include <algorithm>

#include "config/syntax.hpp"

namespace atbackfill::config::detail {
namespace {

bool is_hex_or_colon(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

// Splits "host:port" / "[v6]:port"; `port` is empty when none is written. False when malformed.
bool split_host_port(std::string_view text, std::string_view& host, std::string_view& port) {
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (rest.empty()) {
      port = {};
      return is_ipv6_literal(host);
    }
    if (!rest.starts_with(':')) return false;
    port = rest.substr(1);
    return is_ipv6_literal(host);
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    host = text;
    port = {};
  } else {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  return is_host_name(host);
}

// Whether "host:port" / "[v6]:port" has a ':' for a port at all (which must then be valid).
bool port_written(std::string_view text) {
  return text.starts_with('[') ? text.find("]:") != std::string_view::npos
                               : text.find(':') != std::string_view::npos;
}

}  // namespace

bool is_host_name(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const auto label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_domain_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_ipv6_literal(std::string_view text) {
  return text.size() >= 2 && text.find(':') != std::string_view::npos &&
         std::all_of(text.begin(), text.end(), is_hex_or_colon);
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.front() == '0') return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return std::stoi(std::string(text)) <= 65535;
}

std::optional<std::string> host_key_problem(std::string_view text) {
  if (text.find("://") != std::string_view::npos || text.find('/') != std::string_view::npos) {
    return "expected the host or host:port of a PDS URL, not a URL";
  }
  std::string_view host;
  std::string_view port;
  if (!split_host_port(text, host, port)) return "is not a valid host or host:port";
  if (port_written(text) && !is_port(port)) return "has an invalid port (expected 1..65535)";
  return std::nullopt;
}

std::optional<std::string> listen_address_problem(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!split_host_port(text, host, port)) {
    return "is not a valid listen address (expected host:port, e.g. \"127.0.0.1:9464\")";
  }
  if (!is_port(port)) {
    return "needs a port between 1 and 65535 (expected host:port, e.g. \"127.0.0.1:9464\")";
  }
  return std::nullopt;
}

std::optional<std::string> base_url_problem(std::string_view text) {
  const auto lower = to_lower(text);
  std::string_view rest;
  if (lower.starts_with("https://")) {
    rest = text.substr(8);
  } else if (lower.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return "is not an http:// or https:// URL";
  }
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return "must not contain spaces or control characters";
  }
  if (rest.find_first_of("?#@") != std::string_view::npos) {
    return "must be a base URL without query, fragment or user name";
  }
  const auto authority = rest.substr(0, rest.find('/'));
  std::string_view host;
  std::string_view port;
  if (!split_host_port(authority, host, port)) return "has no valid host";
  if (port_written(authority) && !is_port(port)) return "has an invalid port (expected 1..65535)";
  return std::nullopt;
}

}  // namespace atbackfill::config::detail
