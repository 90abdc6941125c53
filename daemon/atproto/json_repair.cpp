// Replaces what PostgreSQL jsonb refuses (NUL escapes, lone surrogates, invalid UTF-8) by U+FFFD.
#include "atproto/json_repair.hpp"

#include <optional>

namespace atbackfill::atproto {
namespace {

constexpr std::string_view replacement_escape = "\\ufffd";
constexpr std::string_view replacement_bytes = "\xEF\xBF\xBD";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape starting at `pos`, if there is one.
std::optional<unsigned> unicode_escape_at(std::string_view text, std::size_t pos) {
  if (pos + 6 > text.size() || text[pos] != '\\' || text[pos + 1] != 'u') return std::nullopt;
  unsigned unit = 0;
  for (std::size_t i = pos + 2; i < pos + 6; ++i) {
    const int digit = hex_value(text[i]);
    if (digit < 0) return std::nullopt;
    unit = unit * 16 + static_cast<unsigned>(digit);
  }
  return unit;
}

bool is_high_surrogate(unsigned unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(unsigned unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

// Length of the well-formed UTF-8 sequence at `pos` (Unicode table 3-7), or the negated
// length of its maximal ill-formed prefix, which is replaced by one U+FFFD.
int utf8_sequence_at(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  int length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;   // overlong
    if (lead == 0xED) second_max = 0x9F;   // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;   // overlong
    if (lead == 0xF4) second_max = 0x8F;   // beyond U+10FFFF
  } else {
    return -1;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  for (int i = 1; i < length; ++i) {
    const std::size_t at = pos + static_cast<std::size_t>(i);
    if (at >= text.size()) return -i;  // truncated at the end of the text
    const unsigned char min = i == 1 ? second_min : 0x80;
    const unsigned char max = i == 1 ? second_max : 0xBF;
    if (byte(at) < min || byte(at) > max) return -i;
  }
  return length;
}

}  // namespace

RepairedJson repair_for_jsonb(std::string_view json_text) {
  RepairedJson out;
  out.text.reserve(json_text.size());
  std::size_t pos = 0;
  while (pos < json_text.size()) {
    const char c = json_text[pos];
    if (c == '\\') {
      if (const auto unit = unicode_escape_at(json_text, pos)) {
        if (*unit == 0 || is_low_surrogate(*unit)) {
          out.text += replacement_escape;
          out.changed = true;
          pos += 6;
          continue;
        }
        if (is_high_surrogate(*unit)) {
          const auto next = unicode_escape_at(json_text, pos + 6);
          if (next && is_low_surrogate(*next)) {
            out.text.append(json_text.substr(pos, 12));
            pos += 12;
          } else {
            out.text += replacement_escape;  // what follows is looked at on its own
            out.changed = true;
            pos += 6;
          }
          continue;
        }
        out.text.append(json_text.substr(pos, 6));
        pos += 6;
        continue;
      }
      // Any other escape, "\\" included, is two characters: the second never starts an escape.
      // A non-ASCII byte after the backslash (not JSON anyway) is left to the UTF-8 check.
      out.text += c;
      ++pos;
      if (pos < json_text.size() && static_cast<unsigned char>(json_text[pos]) < 0x80) {
        out.text += json_text[pos];
        ++pos;
      }
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x80) {
      out.text += c;
      ++pos;
      continue;
    }
    const int length = utf8_sequence_at(json_text, pos);
    if (length > 0) {
      out.text.append(json_text.substr(pos, static_cast<std::size_t>(length)));
      pos += static_cast<std::size_t>(length);
    } else {
      out.text += replacement_bytes;
      out.changed = true;
      pos += static_cast<std::size_t>(-length);
    }
  }
  return out;
}

}  // namespace atbackfill::atproto
