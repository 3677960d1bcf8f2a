// DiffText: the character changes between two versions of a line, as listed
// in the JSON's `edits`.
#include <gtest/gtest.h>

#include "pipeline/core/text_diff.h"

namespace ocrflow {
namespace {

TEST(TextDiff, SameTextHasNoChanges) { EXPECT_TRUE(DiffText("河湾区新闻", "河湾区新闻").empty()); }

TEST(TextDiff, EachSeparateChangeIsItsOwnEditWithCodePointOffsets) {
  auto c = DiffText("今天,我们出发?好", "今天，我们出发？好");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].at, 2);
  EXPECT_EQ(c[0].before, ",");
  EXPECT_EQ(c[0].after, "，");
  EXPECT_EQ(c[1].at, 7);
  EXPECT_EQ(c[1].before, "?");
  EXPECT_EQ(c[1].after, "？");
}

TEST(TextDiff, InsertionsAndDeletions) {
  auto ins = DiffText("他说：“好", "他说：“好”");
  ASSERT_EQ(ins.size(), 1u);
  EXPECT_EQ(ins[0].at, 5);
  EXPECT_EQ(ins[0].before, "");
  EXPECT_EQ(ins[0].after, "”");
  auto del = DiffText("3 月", "3月");
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].at, 1);
  EXPECT_EQ(del[0].before, " ");
  EXPECT_EQ(del[0].after, "");
}

TEST(TextDiff, AWholesaleRewriteIsOneChange) {
  std::string a(3000, 'a'), b(3000, 'b');
  auto c = DiffText(a, b);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].before, a);
  EXPECT_EQ(c[0].after, b);
}

TEST(TextDiff, InvalidBytesDoNotCrash) {
  auto c = DiffText("ab\xE4\xB8", "ab\xE4\xB8\xAD");
  EXPECT_FALSE(c.empty());
}

}  // namespace
}  // namespace ocrflow
