// text_excerpt: one printable line, bounded, cut on character boundaries.
#include "atproto/text_excerpt.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

TEST(TextExcerpt, CollapsesWhitespaceAndControls) {
  EXPECT_EQ(text_excerpt("  a\n\n\tb \x01 c  "), "a b c");
  EXPECT_EQ(text_excerpt(""), "");
}

TEST(TextExcerpt, StripsTagsOnlyWhenAsked) {
  EXPECT_EQ(text_excerpt("<p>a</p><p>b</p>", 200, true), "a b");
  EXPECT_EQ(text_excerpt("<p>a</p>", 200, false), "<p>a</p>");
}

TEST(TextExcerpt, CutsOnCharacterBoundary) {
  const std::string text = "ab\xC3\xA9" "cd";
  EXPECT_EQ(text_excerpt(text, 3), "ab...");
  EXPECT_EQ(text_excerpt(text, 4), "ab\xC3\xA9...");
  EXPECT_EQ(text_excerpt(text, 6), text);
  EXPECT_EQ(text_excerpt(std::string(300, 'x')).size(), 203u);
}

TEST(TextExcerpt, ReplacesInvalidUtf8) {
  EXPECT_EQ(text_excerpt("a\xFF"), "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace atbackfill::atproto
