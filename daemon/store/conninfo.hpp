// Small edits of libpq connection strings (URI or key=value form) without a full parser.
#pragma once

#include <string>
#include <string_view>

namespace atbackfill::store {

// True for "postgresql://..." and "postgres://..." strings.
bool is_connection_uri(std::string_view conninfo);

// Adds `key=value` unless the string already sets `key`. `value` must not need quoting.
std::string with_default_param(std::string conninfo, std::string_view key, std::string_view value);

// The same server and credentials, another database name.
std::string with_database_name(std::string conninfo, std::string_view database);

}  // namespace atbackfill::store
