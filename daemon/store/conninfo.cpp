// Small edits of libpq connection strings.
#include "store/conninfo.hpp"

#include <cctype>

namespace atbackfill::store {
namespace {

bool has_uri_param(std::string_view uri, std::string_view key) {
  const auto query = uri.find('?');
  if (query == std::string_view::npos) {
    return false;
  }
  std::string_view rest = uri.substr(query + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    if (item.substr(0, item.find('=')) == key) {
      return true;
    }
    if (amp == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(amp + 1);
  }
  return false;
}

// Key=value strings: keys are words at the start or after whitespace, followed by '='
// (spaces allowed around it). Quoted values could contain look-alikes; accepting the rare
// false positive only means the default is not added.
bool has_keyword_param(std::string_view conninfo, std::string_view key) {
  for (std::size_t at = conninfo.find(key); at != std::string_view::npos; at = conninfo.find(key, at + 1)) {
    if (at > 0 && !std::isspace(static_cast<unsigned char>(conninfo[at - 1]))) {
      continue;
    }
    std::size_t after = at + key.size();
    while (after < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[after]))) {
      ++after;
    }
    if (after < conninfo.size() && conninfo[after] == '=') {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_connection_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

std::string with_default_param(std::string conninfo, std::string_view key, std::string_view value) {
  if (is_connection_uri(conninfo)) {
    if (has_uri_param(conninfo, key)) {
      return conninfo;
    }
    conninfo += conninfo.find('?') == std::string::npos ? '?' : '&';
  } else {
    if (has_keyword_param(conninfo, key)) {
      return conninfo;
    }
    if (!conninfo.empty()) {
      conninfo += ' ';
    }
  }
  conninfo.append(key).append("=").append(value);
  return conninfo;
}

std::string with_database_name(std::string conninfo, std::string_view database) {
  if (!is_connection_uri(conninfo)) {
    // A later keyword overrides an earlier one.
    if (!conninfo.empty()) {
      conninfo += ' ';
    }
    conninfo.append("dbname=").append(database);
    return conninfo;
  }
  const auto authority = conninfo.find("://") + 3;
  const auto query = conninfo.find('?', authority);
  const auto path = conninfo.find('/', authority);
  const auto path_end = query == std::string::npos ? conninfo.size() : query;
  if (path == std::string::npos || path > path_end) {
    conninfo.insert(path_end, "/" + std::string(database));
  } else {
    conninfo.replace(path + 1, path_end - path - 1, database);
  }
  return conninfo;
}

}  // namespace atbackfill::store
