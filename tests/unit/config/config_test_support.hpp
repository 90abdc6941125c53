// Helpers shared by the config tests: parse a snippet and capture its error message.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "config/load.hpp"

namespace atbackfill::config::testing {

// The ConfigError message for `yaml`, or "<no error>" when it parses.
inline std::string error_of(const std::string& yaml) {
  try {
    (void)parse_text(yaml, "atbackfill.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "<no error>";
}

// Keeps ATBACKFILL_DATABASE_URL from the outer environment out of the tests.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = std::getenv(database_url_env)) saved_ = value;
    ::unsetenv(database_url_env);
  }
  void TearDown() override {
    if (saved_) {
      ::setenv(database_url_env, saved_->c_str(), 1);
    } else {
      ::unsetenv(database_url_env);
    }
  }

 private:
  std::optional<std::string> saved_;
};

}  // namespace atbackfill::config::testing
