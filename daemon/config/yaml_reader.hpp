// Typed, position-aware reading of yaml-cpp nodes: every failure becomes a ConfigError of the
// form `file:line: key.path: message`.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/settings.hpp"

namespace atbackfill::config::detail {

// A node with its key path ("accounts[2].collections[0]") and 1-based line.
struct Field {
  YAML::Node node;
  std::string path;
  int line = 1;
  std::string key;   // for map entries: the key as written
  int key_line = 0;  // for map entries: the key's line (a block value starts below it)
};

class Reader {
 public:
  explicit Reader(std::string file_label) : file_(std::move(file_label)) {}

  [[noreturn]] void fail(int line, std::string_view path, std::string_view message) const;
  [[noreturn]] void fail(const Field& field, std::string_view message) const {
    fail(field.line, field.path, message);
  }

  // Map entries in document order. A missing/null value counts as an empty map. Keys must be
  // strings, unique, and (unless `allowed` is empty) one of `allowed`.
  std::vector<Field> entries(const Field& map, std::initializer_list<std::string_view> allowed,
                             std::string_view what = "a map") const;
  // List items; `what` names the expected content in type errors ("a list of NSIDs").
  std::vector<Field> items(const Field& list, std::string_view what) const;

  std::string string(const Field& field) const;  // any non-null scalar
  long long integer(const Field& field, long long min, long long max) const;
  Duration duration(const Field& field) const;

 private:
  std::string file_;
};

// "a.b" / "key" / `a."comind.network"`: keys that are not plain words get quoted.
std::string child_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

// "a map", "a list", "nothing" or the quoted scalar: for "expected X, got Y" messages.
std::string describe(const YAML::Node& node);

}  // namespace atbackfill::config::detail
