// A minimal JSON walker that finds the byte spans of object members and array elements.
#include "atproto/json_spans.hpp"

#include <string>

namespace atbackfill::atproto {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Walker {
 public:
  explicit Walker(std::string_view text) : text_(text) {}

  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // Skips a string starting at the opening quote; false when unterminated.
  bool skip_string() {
    if (peek() != '"') return false;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      if (text_[pos_] == '\\') {
        ++pos_;  // the escaped character can never close the string
      } else if (text_[pos_] == '"') {
        ++pos_;
        return true;
      }
    }
    return false;
  }

  // Reads a string and decodes it when it is plain ASCII (enough to compare against member
  // names we look for); nullopt for other strings, which then never match.
  std::optional<std::string> read_key(bool& ok) {
    const std::size_t start = pos_;
    ok = skip_string();
    if (!ok) return std::nullopt;
    const std::string_view raw = text_.substr(start + 1, pos_ - start - 2);
    std::string decoded;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\\') {
        if (++i >= raw.size()) return std::nullopt;
        switch (raw[i]) {
          case '"': case '\\': case '/': c = raw[i]; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          case 'u': {
            unsigned unit = 0;
            for (std::size_t k = i + 1; k <= i + 4; ++k) {
              if (k >= raw.size()) return std::nullopt;
              const char h = raw[k];
              unit *= 16;
              if (h >= '0' && h <= '9') unit += static_cast<unsigned>(h - '0');
              else if (h >= 'a' && h <= 'f') unit += static_cast<unsigned>(h - 'a' + 10);
              else if (h >= 'A' && h <= 'F') unit += static_cast<unsigned>(h - 'A' + 10);
              else return std::nullopt;
            }
            if (unit >= 0x80) return std::nullopt;
            c = static_cast<char>(unit);
            i += 4;
            break;
          }
          default: return std::nullopt;
        }
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        return std::nullopt;
      }
      decoded += c;
    }
    return decoded;
  }

  // Skips one value of any kind. Containers are skipped by matching brackets outside
  // strings, with an explicit stack, so that no depth of nesting can exhaust the call stack.
  bool skip_value() {
    skip_space();
    const char c = peek();
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') {
      std::string open;  // the closing bracket each open container expects
      while (pos_ < text_.size()) {
        const char d = text_[pos_];
        if (d == '"') {
          if (!skip_string()) return false;
          continue;
        }
        if (d == '{' || d == '[') {
          open += d == '{' ? '}' : ']';
        } else if (d == '}' || d == ']') {
          if (open.empty() || open.back() != d) return false;
          open.pop_back();
          if (open.empty()) {
            ++pos_;
            return true;
          }
        }
        ++pos_;
      }
      return false;
    }
    // A number, true, false or null: runs until a delimiter.
    const std::size_t start = pos_;
    while (!at_end() && !is_space(peek()) && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ':') {
      ++pos_;
    }
    return pos_ > start;
  }

  std::string_view span_from(std::size_t start) const { return text_.substr(start, pos_ - start); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string_view> json_member_span(std::string_view object_text, std::string_view key) {
  Walker w(object_text);
  if (!w.consume('{')) return std::nullopt;
  std::optional<std::string_view> found;
  if (w.consume('}')) return std::nullopt;
  while (true) {
    w.skip_space();
    bool ok = false;
    const auto name = w.read_key(ok);
    if (!ok || !w.consume(':')) return std::nullopt;
    w.skip_space();
    const std::size_t start = w.pos();
    if (!w.skip_value()) return std::nullopt;
    if (name && *name == key) found = w.span_from(start);
    if (w.consume(',')) continue;
    if (w.consume('}')) return found;
    return std::nullopt;
  }
}

std::optional<std::vector<std::string_view>> json_element_spans(std::string_view array_text) {
  Walker w(array_text);
  if (!w.consume('[')) return std::nullopt;
  std::vector<std::string_view> elements;
  if (w.consume(']')) return elements;
  while (true) {
    w.skip_space();
    const std::size_t start = w.pos();
    if (!w.skip_value()) return std::nullopt;
    elements.push_back(w.span_from(start));
    if (w.consume(',')) continue;
    if (w.consume(']')) return elements;
    return std::nullopt;
  }
}

std::optional<std::string_view> json_value_span(std::string_view text) {
  Walker w(text);
  w.skip_space();
  const std::size_t start = w.pos();
  if (!w.skip_value()) return std::nullopt;
  const std::string_view span = w.span_from(start);
  w.skip_space();
  if (!w.at_end()) return std::nullopt;
  return span;
}

}  // namespace atbackfill::atproto
