// Readers for the database, identity, hosts, sync, status and network sections.
#include "config/sections.hpp"

#include <algorithm>

#include "config/duration.hpp"
#include "config/host_syntax.hpp"
#include "config/syntax.hpp"

namespace atbackfill::config::detail {
namespace {

constexpr long long max_requests_per_minute = 1'000'000;
constexpr long long max_concurrent_limit = 64;
constexpr long long min_response_bytes = 1024;
constexpr long long max_response_bytes = 1LL << 30;

std::string non_empty_string(const Reader& reader, const Field& field) {
  auto text = reader.string(field);
  if (text.empty()) reader.fail(field, "must not be empty");
  return text;
}

// Stored without trailing slashes so that callers can append "/xrpc/...".
std::string base_url(const Reader& reader, const Field& field) {
  auto text = non_empty_string(reader, field);
  if (const auto problem = base_url_problem(text))
    reader.fail(field, "\"" + text + "\" " + *problem);
  while (text.ends_with('/')) text.pop_back();
  return text;
}

HandleMethod handle_method(const Reader& reader, const Field& field) {
  const auto text = reader.string(field);
  if (text == "dns") return HandleMethod::dns;
  if (text == "well_known") return HandleMethod::well_known;
  if (text == "xrpc") return HandleMethod::xrpc;
  reader.fail(field, "unknown handle method \"" + text + "\" (expected dns, well_known or xrpc)");
}

void read_limits(const Reader& reader, const Field& field, HostLimitsOverride& out) {
  for (const auto& entry : reader.entries(field, {"requests_per_minute", "max_concurrent"})) {
    if (entry.key == "requests_per_minute") {
      out.requests_per_minute = static_cast<int>(reader.integer(entry, 1, max_requests_per_minute));
    } else {
      out.max_concurrent = static_cast<int>(reader.integer(entry, 1, max_concurrent_limit));
    }
  }
}

// Lowercased, IPv6 literals without brackets (the form the HTTP client compares against).
std::string private_host(const Reader& reader, const Field& field) {
  auto text = to_lower(non_empty_string(reader, field));
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (!is_host_name(text) && !is_ipv6_literal(text)) {
    reader.fail(field, "\"" + reader.string(field) +
                           "\" is not a host name or IP address (write it without a port)");
  }
  return text;
}

}  // namespace

void read_database(const Reader& reader, const Field& field, Settings::Database& out) {
  for (const auto& entry : reader.entries(field, {"url"})) {
    out.url = non_empty_string(reader, entry);
  }
}

void read_identity(const Reader& reader, const Field& field, Settings::Identity& out) {
  for (const auto& entry :
       reader.entries(field, {"plc_url", "handle_resolver", "cache_ttl", "handle_methods"})) {
    if (entry.key == "plc_url") {
      out.plc_url = base_url(reader, entry);
    } else if (entry.key == "handle_resolver") {
      out.handle_resolver = base_url(reader, entry);
    } else if (entry.key == "cache_ttl") {
      out.cache_ttl = reader.duration(entry);
    } else {
      const auto items = reader.items(entry, "a list of handle methods (dns, well_known, xrpc)");
      if (items.empty()) reader.fail(entry, "must name at least one handle method");
      out.handle_methods.clear();
      for (const auto& item : items) {
        const auto method = handle_method(reader, item);
        if (std::find(out.handle_methods.begin(), out.handle_methods.end(), method) !=
            out.handle_methods.end()) {
          reader.fail(item, "\"" + item.node.Scalar() + "\" is listed twice");
        }
        out.handle_methods.push_back(method);
      }
    }
  }
}

void read_hosts(const Reader& reader, const Field& field, Settings& out) {
  for (const auto& entry : reader.entries(field, {}, "a map of host names to limits")) {
    if (entry.key == "default") {
      HostLimitsOverride limits;
      read_limits(reader, entry, limits);
      out.default_limits.requests_per_minute =
          limits.requests_per_minute.value_or(out.default_limits.requests_per_minute);
      out.default_limits.max_concurrent =
          limits.max_concurrent.value_or(out.default_limits.max_concurrent);
      continue;
    }
    const auto key = to_lower(entry.key);
    if (const auto problem = host_key_problem(key)) {
      reader.fail(entry.key_line, entry.path, "\"" + entry.key + "\" " + *problem);
    }
    if (out.host_limits.contains(key)) {
      reader.fail(entry.key_line, entry.path, "host \"" + key + "\" is listed twice");
    }
    read_limits(reader, entry, out.host_limits[key]);
  }
}

void read_sync(const Reader& reader, const Field& field, Settings::Sync& out) {
  for (const auto& entry :
       reader.entries(field, {"page_size", "poll_interval", "rescan_interval", "retry_attempts",
                              "retry_initial_delay", "retry_max_delay"})) {
    if (entry.key == "page_size") {
      out.page_size = static_cast<int>(reader.integer(entry, 1, 100));
    } else if (entry.key == "poll_interval") {
      out.poll_interval = reader.duration(entry);
    } else if (entry.key == "rescan_interval") {
      out.rescan_interval = reader.duration(entry);
    } else if (entry.key == "retry_attempts") {
      out.retry_attempts = static_cast<int>(reader.integer(entry, 1, 100));
    } else if (entry.key == "retry_initial_delay") {
      out.retry_initial_delay = reader.duration(entry);
    } else {
      out.retry_max_delay = reader.duration(entry);
    }
  }
  if (out.retry_initial_delay > out.retry_max_delay) {
    reader.fail(field, "retry_initial_delay (" + format_duration(out.retry_initial_delay) +
                           ") is longer than retry_max_delay (" + format_duration(out.retry_max_delay) + ")");
  }
}

void read_status(const Reader& reader, const Field& field, Settings::Status& out) {
  for (const auto& entry : reader.entries(field, {"listen"})) {
    const auto text = reader.string(entry);
    if (const auto problem = listen_address_problem(text)) {
      reader.fail(entry, "\"" + text + "\" " + *problem);
    }
    out.listen = text;
  }
}

void read_network(const Reader& reader, const Field& field, Settings::Network& out) {
  for (const auto& entry :
       reader.entries(field, {"allow_private_hosts", "connect_timeout", "request_timeout",
                              "max_response_bytes", "user_agent"})) {
    if (entry.key == "allow_private_hosts") {
      out.allow_private_hosts.clear();
      for (const auto& item : reader.items(entry, "a list of host names")) {
        auto host = private_host(reader, item);
        if (std::find(out.allow_private_hosts.begin(), out.allow_private_hosts.end(), host) ==
            out.allow_private_hosts.end()) {
          out.allow_private_hosts.push_back(std::move(host));
        }
      }
    } else if (entry.key == "connect_timeout") {
      out.connect_timeout = reader.duration(entry);
    } else if (entry.key == "request_timeout") {
      out.request_timeout = reader.duration(entry);
    } else if (entry.key == "max_response_bytes") {
      out.max_response_bytes =
          static_cast<std::size_t>(reader.integer(entry, min_response_bytes, max_response_bytes));
    } else {
      auto text = non_empty_string(reader, entry);
      // It goes into an HTTP header verbatim.
      if (std::any_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < ' ' || c == 0x7f; })) {
        reader.fail(entry, "must not contain control characters or line breaks");
      }
      out.user_agent = std::move(text);
    }
  }
}

}  // namespace atbackfill::config::detail
