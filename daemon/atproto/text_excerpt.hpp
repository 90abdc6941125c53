// Short, single-line, printable excerpts of response bodies for error messages and logs. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace atbackfill::atproto {

// Collapses whitespace and control characters to single spaces, drops HTML/XML tags when
// `strip_tags`, replaces invalid UTF-8 by U+FFFD and cuts to at most `max_bytes` bytes on a
// character boundary, appending "..." when something was cut.
std::string text_excerpt(std::string_view text, std::size_t max_bytes = 200, bool strip_tags = false);

}  // namespace atbackfill::atproto
