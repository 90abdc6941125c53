// Readers for the individual top-level sections of the configuration file (config-internal).
#pragma once

#include <vector>

#include "config/settings.hpp"
#include "config/yaml_reader.hpp"

namespace atbackfill::config::detail {

void read_database(const Reader& reader, const Field& field, Settings::Database& out);
void read_identity(const Reader& reader, const Field& field, Settings::Identity& out);
void read_hosts(const Reader& reader, const Field& field, Settings& out);
void read_sync(const Reader& reader, const Field& field, Settings::Sync& out);
void read_status(const Reader& reader, const Field& field, Settings::Status& out);
void read_network(const Reader& reader, const Field& field, Settings::Network& out);

// A non-empty list of distinct collection patterns.
std::vector<CollectionPattern> read_collections(const Reader& reader, const Field& field);

// `defaults` is the top-level collections list (possibly empty), given to accounts without
// their own list.
std::vector<Account> read_accounts(const Reader& reader, const Field& field,
                                   const std::vector<CollectionPattern>& defaults);

}  // namespace atbackfill::config::detail
