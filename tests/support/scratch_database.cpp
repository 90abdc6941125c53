// A fresh, uniquely named PostgreSQL database per test, dropped again afterwards.
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string_view>

#include "store/conninfo.hpp"

namespace atbackfill::testing {
namespace {

std::string unique_name() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}() % 1000000;
  return "atbf_test_" + std::to_string(::getpid()) + "_" + std::to_string(salt) + "_" +
         std::to_string(counter.fetch_add(1));
}

bool allow_no_database() {
  const char* allow = std::getenv("ATBACKFILL_ALLOW_NO_DB");
  return allow != nullptr && std::string_view(allow) == "1";
}

}  // namespace

std::optional<ScratchDatabase> ScratchDatabase::create() {
  const char* admin = std::getenv("ATBACKFILL_TEST_DATABASE_URL");
  if (admin == nullptr || *admin == '\0') {
    if (!allow_no_database()) {
      ADD_FAILURE() << "ATBACKFILL_TEST_DATABASE_URL is not set: run the tests through scripts/test, or "
                       "start a server with scripts/lib/test-postgres.sh (ATBACKFILL_ALLOW_NO_DB=1 skips "
                       "these tests instead)";
    }
    return std::nullopt;
  }
  const std::string name = unique_name();
  {
    pqxx::connection connection(admin);
    pqxx::nontransaction tx(connection);  // CREATE DATABASE refuses to run inside a transaction
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  }
  return ScratchDatabase(admin, name, store::with_database_name(admin, name));
}

ScratchDatabase::ScratchDatabase(std::string admin_url, std::string name, std::string url)
    : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

ScratchDatabase::ScratchDatabase(ScratchDatabase&& other) noexcept
    : admin_url_(std::move(other.admin_url_)), name_(std::move(other.name_)), url_(std::move(other.url_)) {
  other.name_.clear();
}

ScratchDatabase& ScratchDatabase::operator=(ScratchDatabase&& other) noexcept {
  if (this != &other) {
    drop();
    admin_url_ = std::move(other.admin_url_);
    name_ = std::move(other.name_);
    url_ = std::move(other.url_);
    other.name_.clear();
  }
  return *this;
}

ScratchDatabase::~ScratchDatabase() { drop(); }

void ScratchDatabase::drop() noexcept {
  if (name_.empty()) {
    return;
  }
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction tx(connection);
    // FORCE: a test that failed half-way may leave a connection open.
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "scratch database " << name_ << " not dropped: " << e.what() << '\n';
  }
  name_.clear();
}

}  // namespace atbackfill::testing
