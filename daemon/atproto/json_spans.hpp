// Byte spans of members and elements inside JSON text, so values can be kept exactly as sent. Pure.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace atbackfill::atproto {

// These walk text that a JSON parser has already accepted; on text that is not valid JSON
// they return nullopt (or stop early) rather than read out of bounds. Spans point into the
// input and exclude surrounding whitespace.

// The span of the member named `key` in the object `object_text` (keys compared after
// unescaping, so "\u0076alue" matches "value"). With duplicate keys the last one wins, as in
// Boost.JSON. nullopt when `object_text` is not an object or has no such member.
std::optional<std::string_view> json_member_span(std::string_view object_text, std::string_view key);

// The spans of the elements of the array `array_text`; nullopt when it is not an array.
std::optional<std::vector<std::string_view>> json_element_spans(std::string_view array_text);

// The span of the single JSON value in `text`, without leading/trailing whitespace.
std::optional<std::string_view> json_value_span(std::string_view text);

}  // namespace atbackfill::atproto
