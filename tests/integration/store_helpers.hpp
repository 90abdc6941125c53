// Shared set-up for the store integration tests: blocking coroutine runner, SQL shortcuts, records.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "atproto/list_records.hpp"
#include "store/migrate.hpp"
#include "support/scratch_database.hpp"

namespace atbackfill::store_test {

// Runs one coroutine to completion on a private io_context in the calling thread.
template <class T>
T run_blocking(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(operation), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) {
      result.emplace(std::move(value));
    }
  });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return std::move(*result);
}

inline void run_blocking(boost::asio::awaitable<void> operation) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(operation), [&](std::exception_ptr error) { failure = error; });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

// First column of the first row as text (booleans as "true"/"false"); nullopt for SQL NULL or no row.
inline std::optional<std::string> query_value(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) {
    return std::nullopt;
  }
  constexpr pqxx::oid bool_oid = 16;
  if (rows[0][0].type() == bool_oid) {
    return rows[0][0].as<bool>() ? "true" : "false";
  }
  return rows[0][0].as<std::string>();
}

inline void execute(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  tx.exec(sql);
}

inline atproto::Record make_record(std::string did, std::string collection, std::string rkey, std::string cid,
                                   std::string value_json, std::optional<std::string> created_at = std::nullopt) {
  atproto::Record record;
  record.uri = "at://" + did + "/" + collection + "/" + rkey;
  record.rkey = std::move(rkey);
  record.cid = std::move(cid);
  record.value_json = std::move(value_json);
  record.created_at = std::move(created_at);
  return record;
}

// A fixture with a fresh scratch database migrated to the current schema (skipped, or failed,
// as ScratchDatabase::create() decides when no server is configured).
class MigratedDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = testing::ScratchDatabase::create();
    if (!scratch_) {
      GTEST_SKIP() << "no test database";
    }
    pqxx::connection connection(scratch_->url());
    ASSERT_TRUE(store::migrate(connection).ok());
  }

  std::optional<testing::ScratchDatabase> scratch_;
};

}  // namespace atbackfill::store_test
