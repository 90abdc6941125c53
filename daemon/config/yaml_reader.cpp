// Typed, position-aware reading of yaml-cpp nodes.
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>

#include "config/duration.hpp"
#include "config/load.hpp"

namespace atbackfill::config::detail {
namespace {

bool is_plain_word(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// yaml-cpp marks an implicit null with the position of the following token, so a null
// node's own line is unreliable; callers then use the line of its key or parent.
int line_of(const YAML::Node& node, int fallback) {
  if (!node.IsDefined() || node.IsNull()) return fallback;
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : fallback;
}

std::string join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (const auto word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

}  // namespace

void Reader::fail(int line, std::string_view path, std::string_view message) const {
  std::string text = file_ + ":" + std::to_string(line) + ": ";
  if (!path.empty()) {
    text += path;
    text += ": ";
  }
  text += message;
  throw ConfigError(text);
}

std::vector<Field> Reader::entries(const Field& map,
                                   std::initializer_list<std::string_view> allowed,
                                   std::string_view what) const {
  std::vector<Field> out;
  if (!map.node.IsDefined() || map.node.IsNull()) return out;
  if (!map.node.IsMap()) {
    fail(map, "expected " + std::string(what) + ", got " + describe(map.node));
  }
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const int key_line = line_of(it->first, map.line);
    if (!it->first.IsScalar()) {
      fail(key_line, map.path, "keys must be plain strings, got " + describe(it->first));
    }
    const std::string key = it->first.Scalar();
    const std::string path = child_path(map.path, key);
    if (allowed.size() != 0 && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(key_line, path, "unknown key (expected one of: " + join(allowed) + ")");
    }
    for (const auto& earlier : out) {
      if (earlier.key == key) {
        fail(key_line, path,
             "duplicate key (first at line " + std::to_string(earlier.key_line) + ")");
      }
    }
    out.push_back(Field{it->second, path, line_of(it->second, key_line), key, key_line});
  }
  return out;
}

std::vector<Field> Reader::items(const Field& list, std::string_view what) const {
  if (!list.node.IsSequence()) {
    fail(list, "expected " + std::string(what) + ", got " + describe(list.node));
  }
  std::vector<Field> out;
  std::size_t index = 0;
  for (const auto& item : list.node) {
    out.push_back(Field{item, index_path(list.path, index), line_of(item, list.line), {}, 0});
    ++index;
  }
  return out;
}

std::string Reader::string(const Field& field) const {
  if (!field.node.IsScalar()) fail(field, "expected a string, got " + describe(field.node));
  return field.node.Scalar();
}

long long Reader::integer(const Field& field, long long min, long long max) const {
  const std::string range = "between " + std::to_string(min) + " and " + std::to_string(max);
  if (!field.node.IsScalar()) {
    fail(field, "expected a whole number " + range + ", got " + describe(field.node));
  }
  const std::string& text = field.node.Scalar();
  // A quoted "100" is a string in YAML; accepting it would hide a typo-prone habit.
  if (field.node.Tag() != "?") {
    fail(field, "expected a whole number " + range + ", got the string " + describe(field.node) +
                    " (remove the quotes)");
  }
  long long value = 0;
  const char* begin = text.data() + (text.starts_with('+') ? 1 : 0);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range) fail(field, "must be " + range + ", got " + text);
  if (ec != std::errc() || ptr != end || begin == end) {
    fail(field, "expected a whole number " + range + ", got " + describe(field.node));
  }
  if (value < min || value > max) fail(field, "must be " + range + ", got " + text);
  return value;
}

Duration Reader::duration(const Field& field) const {
  if (!field.node.IsScalar()) {
    fail(field, "expected a duration such as \"30s\", got " + describe(field.node));
  }
  auto parsed = parse_duration(field.node.Scalar());
  if (!parsed) fail(field, parsed.error().message);
  return *parsed;
}

std::string child_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  if (is_plain_word(key)) {
    out += key;
  } else {
    out += '"';
    out += key;
    out += '"';
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "\"" + node.Scalar() + "\"";
}

}  // namespace atbackfill::config::detail
