// Applies the embedded SQL migrations that a database has not seen yet.
#pragma once

#include <pqxx/connection>

#include <string>
#include <vector>

#include "store/embedded_migrations.hpp"
#include "util/expected.hpp"

namespace atbackfill::store {

struct AppliedMigration {
  int version;
  std::string name;
};

// Brings the schema up to date: every migration whose version is above the highest one
// recorded in schema_migrations is applied in order, each in its own transaction together
// with its schema_migrations row. A session advisory lock serialises concurrent migrators
// (two daemons starting together, or `atbackfill migrate` next to a running daemon); the
// second one waits, then finds nothing left to do.
//
// A database already migrated past the newest version this binary knows is refused with an
// error (and nothing is changed): an older binary could write rows that a newer schema does
// not expect. Upgrade the binary, or restore the database, to proceed.
//
// SQL and connection failures throw (pqxx exceptions); migrations already committed stay.
// Returns the migrations applied by this call, empty when the schema was current.
Expected<std::vector<AppliedMigration>> migrate(pqxx::connection_base& connection,
                                                const std::vector<Migration>& migrations = embedded_migrations());

// The highest version recorded in schema_migrations; 0 when the table is empty or absent.
int schema_version(pqxx::connection_base& connection);

}  // namespace atbackfill::store
