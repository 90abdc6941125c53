// Boost.JSON parsing with the options atproto responses need.
#include "atproto/json_util.hpp"

#include <boost/json/parse.hpp>

#include "atproto/text_excerpt.hpp"

namespace atbackfill::atproto {

Expected<boost::json::value> parse_json(std::string_view text, std::string_view what) {
  boost::json::parse_options options;
  options.max_depth = json_max_depth;
  options.allow_invalid_utf8 = true;
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) {
    return permanent_error(std::string(what) + " is not valid JSON (" + ec.message() + "): \"" +
                           text_excerpt(text, 200, true) + "\"");
  }
  return value;
}

std::optional<std::string_view> string_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const auto& s = value->get_string();
  return std::string_view(s.data(), s.size());
}

}  // namespace atbackfill::atproto
