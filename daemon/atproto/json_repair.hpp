// Makes JSON text storable as PostgreSQL jsonb without touching anything else. Pure.
#pragma once

#include <string>
#include <string_view>

namespace atbackfill::atproto {

struct RepairedJson {
  std::string text;
  bool changed = false;
};

// jsonb refuses "\u0000" (22P05), lone surrogate escapes (22P02) and invalid UTF-8. Each such
// escape or byte sequence is replaced by U+FFFD ("\ufffd" for escapes, EF BF BD for bytes);
// valid surrogate pairs and all other text are kept byte for byte.
RepairedJson repair_for_jsonb(std::string_view json_text);

}  // namespace atbackfill::atproto
