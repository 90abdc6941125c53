// Parsing of user-supplied atproto datetimes (value.createdAt). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atbackfill::atproto {

// Parses an RFC 3339 / ISO 8601 datetime as atproto writes them ("2024-05-01T12:34:56.789Z",
// "...+02:00"), validating every field (month lengths, leap years, 0001..9999), and returns it
// normalised to UTC as "YYYY-MM-DD HH:MM:SS.ffffff+00" (microseconds, extra digits truncated),
// a form PostgreSQL's timestamptz always accepts. nullopt when invalid.
std::optional<std::string> normalize_datetime(std::string_view text);

}  // namespace atbackfill::atproto
