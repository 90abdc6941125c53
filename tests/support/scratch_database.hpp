// A fresh, uniquely named PostgreSQL database per test, dropped again afterwards.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace atbackfill::testing {

// Created on the server named by ATBACKFILL_TEST_DATABASE_URL (scripts/lib/test-postgres.sh
// starts one and sets it). Without that variable, create() records a test failure, because
// integration tests that quietly skip would hide a broken CI set-up; ATBACKFILL_ALLOW_NO_DB=1
// turns the failure into a plain skip for machines without PostgreSQL. Use:
//
//   auto db = ScratchDatabase::create();
//   if (!db) GTEST_SKIP() << "no test database";
class ScratchDatabase {
 public:
  static std::optional<ScratchDatabase> create();

  ScratchDatabase(ScratchDatabase&&) noexcept;
  ScratchDatabase& operator=(ScratchDatabase&&) noexcept;
  ~ScratchDatabase();  // drops the database, ending any sessions still connected to it

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // The server's maintenance database: for statements that must not run inside the scratch one.
  const std::string& admin_url() const { return admin_url_; }

 private:
  ScratchDatabase(std::string admin_url, std::string name, std::string url);
  void drop() noexcept;

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace atbackfill::testing
