// Layout step 6 (stages/image/layout/blocks.h) on lines placed here: the
// lines of a column are one block; extra white, a rule or a line that sticks
// out ends it; headline lines stack into one headline; a stroke that made a
// line of its own rejoins its row; a lone blot is dropped.
#include <gtest/gtest.h>

#include <sstream>

#include "stages/image/layout/blocks.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;
constexpr int kPitch = 36;

// A page built line by line: glyph components and the lines that hold them.
struct Drawn {
  Ink ink;
  std::vector<TextLine> lines;

  Drawn() {
    ink.page = cv::Size(1400, 1400);
    ink.em = kEm;
    ink.body_size = kEm;
  }
  // A line of n glyphs w x h, `gap` apart, from (x, y); returns its index.
  int Line(int x, int y, int n, int w = 22, int h = kEm, int gap = 2, bool large = false) {
    TextLine l;
    for (int i = 0; i < n; ++i) {
      const cv::Rect r(x + i * (w + gap), y, w, h);
      l.comps.push_back(static_cast<int>(ink.comps.size()));
      ink.comps.push_back({r, r.area(), Kind::kText});
    }
    RecomputeLine(ink.comps, l);
    l.large = large;
    lines.push_back(l);
    return static_cast<int>(lines.size()) - 1;
  }
  // `rows` lines of a column of n glyphs from (x, y), `extra` pixels of white
  // added before line `at`.
  void Column(int x, int y, int rows, int n = 10, int at = -1, int extra = 0) {
    for (int r = 0; r < rows; ++r) Line(x, y + r * kPitch + (r >= at && at >= 0 ? extra : 0), n);
  }
  PageText Blocks(const LayoutOptions& o = {}) const { return FindBlocks(lines, ink, FindGutters(ink, o), o); }
};

std::string Describe(const PageText& t) {
  std::ostringstream s;
  for (const TextBlock& b : t.blocks)
    s << " [" << b.r.x << "," << b.r.y << " " << b.r.width << "x" << b.r.height << " lines " << b.lines.size()
      << " role " << RoleName(b.role) << "]";
  return s.str();
}

TEST(LayoutBlocks, TheLinesOfAColumnAreOneBlock) {
  Drawn d;
  d.Column(100, 100, 10);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 1u) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines.size(), 10u);
  EXPECT_EQ(t.blocks[0].role, Role::kBody);
  EXPECT_FALSE(t.blocks[0].large);
  EXPECT_EQ(t.blocks[0].r, cv::Rect(100, 100, 9 * 24 + 22, 9 * kPitch + kEm));
  for (size_t i = 0; i < t.blocks[0].lines.size(); ++i) EXPECT_EQ(t.blocks[0].lines[i], static_cast<int>(i));
}

// A line of white (1 em) beyond the usual leading ends a block, unless
// block_gap_em allows it.
TEST(LayoutBlocks, ExtraWhiteEndsABlock) {
  Drawn d;
  d.Column(100, 100, 10, 10, 5, kEm);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines.size(), 5u);
  EXPECT_EQ(t.blocks[1].lines.size(), 5u);
  LayoutOptions o;
  o.block_gap_em = 1.5;
  EXPECT_EQ(d.Blocks(o).blocks.size(), 1u);
}

TEST(LayoutBlocks, ARuleBetweenTwoLinesEndsTheBlock) {
  Drawn d;
  d.Column(100, 100, 10);
  d.ink.rules.horizontal = {cv::Rect(90, 100 + 4 * kPitch + kEm + 5, 300, 2)};
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines.size(), 5u);
}

// A body line's edge may stand block_edge_em (2.5 em) from its block's; a
// line running on 3 em further right is not of the column.
TEST(LayoutBlocks, ALineStickingOutOfTheColumnStartsANewBlock) {
  Drawn d;
  d.Column(100, 100, 5, 10);
  d.Line(100, 100 + 5 * kPitch, 13);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines.size(), 5u);
  LayoutOptions o;
  o.block_edge_em = 4;
  const PageText wide = d.Blocks(o);
  ASSERT_EQ(wide.blocks.size(), 1u) << Describe(wide);
  EXPECT_EQ(wide.blocks[0].lines.size(), 6u);
}

// An indented first line (two glyphs) stays in its block.
TEST(LayoutBlocks, AnIndentedLineStaysInItsBlock) {
  Drawn d;
  d.Column(100, 100, 4, 10);
  d.Line(100 + 2 * kEm, 100 + 4 * kPitch, 8);
  d.Column(100, 100 + 5 * kPitch, 4, 10);
  EXPECT_EQ(d.Blocks().blocks.size(), 1u);
}

TEST(LayoutBlocks, HeadlineLinesStackIntoOneHeadline) {
  Drawn d;
  d.Line(100, 60, 8, 46, 2 * kEm, 4, true);
  d.Line(100, 60 + 56, 8, 46, 2 * kEm, 4, true);
  d.Column(100, 220, 6, 16);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.blocks[0].role, Role::kHeadline);
  EXPECT_TRUE(t.blocks[0].large);
  EXPECT_EQ(t.blocks[0].lines.size(), 2u);
  EXPECT_EQ(t.blocks[1].role, Role::kBody);
  EXPECT_EQ(t.blocks[1].lines.size(), 6u);
}

// A centred headline's short last line lines up with neither edge of the
// lines above it, only with their middle; the closing quote after its last
// glyph, a line of its own that starts a hair higher, does not end the
// headline before that line joins it.
TEST(LayoutBlocks, ACentredHeadlinesShortLastLineJoinsIt) {
  Drawn d;
  d.Line(100, 60, 8, 46, 2 * kEm, 4, true);
  d.Line(100, 60 + 56, 8, 46, 2 * kEm, 4, true);
  const int last = d.Line(100 + 4 * 50 - 50, 60 + 112, 2, 46, 2 * kEm, 4, true);
  const int mark = d.Line(100 + 4 * 50 + 52, 60 + 110, 2, 6, 14, 4);
  d.Column(100, 300, 6, 16);
  const PageText t = d.Blocks();
  ASSERT_GE(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.blocks[0].role, Role::kHeadline) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines, (std::vector<int>{0, 1, last})) << Describe(t);
  for (const TextBlock& b : t.blocks) EXPECT_NE(b.role == Role::kHeadline && b.lines.front() == last, true);
  (void)mark;
}

// A stroke of a headline glyph that touched nothing made a line of its own
// inside the headline's row: it rejoins the headline's line.
TEST(LayoutBlocks, AStrokeInsideAHeadlineRowRejoinsIt) {
  Drawn d;
  const int head = d.Line(100, 60, 8, 46, 2 * kEm, 14, true);
  d.Line(100 + 46 + 3, 70, 1, 8, 20);  // in the white between the first two glyphs
  d.Column(100, 200, 6, 16);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
  EXPECT_EQ(t.lines[head].comps.size(), 9u);
  EXPECT_EQ(t.blocks[0].lines, std::vector<int>{head});
}

TEST(LayoutBlocks, ABlockOfOneSmallBlotIsDropped) {
  Drawn d;
  d.Column(300, 100, 6);
  d.Line(100, 600, 1, 10, 10);
  const PageText t = d.Blocks();
  ASSERT_EQ(t.blocks.size(), 1u) << Describe(t);
  EXPECT_EQ(t.blocks[0].lines.size(), 6u);
}

// A line beside a photo does not join the block over the photo, even with
// its right edge in line with the block's: the block would run over the
// photo. The text beside the figure is a block of its own.
TEST(LayoutBlocks, TheTextBesideAPhotoIsABlockOfItsOwn) {
  for (bool photo : {false, true}) {
    SCOPED_TRACE(photo ? "with the photo" : "without");
    Drawn d;
    d.Column(100, 100, 5, 30);  // 100 .. 818
    const int top = 100 + 5 * kPitch;
    for (int r = 0; r < 8; ++r) d.Line(436, top + r * kPitch, 16);  // 436 .. 818, beside the photo
    if (photo) d.ink.photos = {cv::Rect(100, top, 300, 8 * kPitch)};
    const PageText t = d.Blocks();
    if (!photo) {
      EXPECT_EQ(t.blocks.size(), 1u) << Describe(t);
      continue;
    }
    ASSERT_EQ(t.blocks.size(), 2u) << Describe(t);
    EXPECT_EQ(t.blocks[0].lines.size(), 5u);
    EXPECT_EQ(t.blocks[1].lines.size(), 8u);
    EXPECT_EQ(t.blocks[1].r.x, 436);
  }
}

}  // namespace
}  // namespace ocrflow::image::layout
