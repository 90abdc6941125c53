// The SQL migrations compiled into the binary from migrations/NNNN_name.sql.
#pragma once

#include <string>
#include <vector>

namespace atbackfill::store {

struct Migration {
  int version;       // NNNN from the file name
  std::string name;  // the rest of the file name
  std::string sql;
};

// All migrations in ascending version order.
const std::vector<Migration>& embedded_migrations();

}  // namespace atbackfill::store
