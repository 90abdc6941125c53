// Boost.JSON helpers shared by the decoders in this module (internal header). Pure.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string_view>

#include "util/expected.hpp"

namespace atbackfill::atproto {

// Parses with a depth limit suited to atproto records (which nest well beyond Boost.JSON's
// default of 32) and tolerating invalid UTF-8 inside strings. The error quotes an excerpt.
Expected<boost::json::value> parse_json(std::string_view text, std::string_view what);

// The member `key` of `object` when it is a string; nullopt otherwise.
std::optional<std::string_view> string_member(const boost::json::object& object, std::string_view key);

inline constexpr std::size_t json_max_depth = 2048;

}  // namespace atbackfill::atproto
