// Body excerpts that are safe to put in one log line.
#include "atproto/text_excerpt.hpp"

#include "atproto/json_repair.hpp"

namespace atbackfill::atproto {
namespace {

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

}  // namespace

std::string text_excerpt(std::string_view text, std::size_t max_bytes, bool strip_tags) {
  // repair_for_jsonb leaves valid text alone and fixes invalid UTF-8; escapes do not matter here.
  const std::string clean = repair_for_jsonb(text).text;
  std::string out;
  bool pending_space = false;
  bool in_tag = false;
  bool truncated = false;
  for (std::size_t i = 0; i < clean.size();) {
    const auto c = static_cast<unsigned char>(clean[i]);
    if (strip_tags && c == '<') {
      in_tag = true;
      pending_space = true;
      ++i;
      continue;
    }
    if (in_tag) {
      if (c == '>') in_tag = false;
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F || c == ' ') {
      pending_space = true;
      ++i;
      continue;
    }
    const std::size_t length = utf8_length(c);
    const std::size_t needed = length + (pending_space && !out.empty() ? 1 : 0);
    if (out.size() + needed > max_bytes) {
      truncated = true;
      break;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(clean, i, length);
    i += length;
  }
  if (truncated) out += "...";
  return out;
}

}  // namespace atbackfill::atproto
