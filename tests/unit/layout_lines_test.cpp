// Layout step 5 (stages/image/layout/lines.h) on boxes placed here: glyphs on
// one baseline are one line, a gutter parts the lines of two columns, a wide
// word gap does not part a line, a glyph run into the line below joins
// neither, and a line of headline height is large.
#include <gtest/gtest.h>

#include <algorithm>

#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;
constexpr int kPitch = 36;

// One line of `n` glyphs `w` x `h` from (x, y), `gap` apart; returns their
// indices into comps.
std::vector<int> Row(std::vector<Component>& comps, int x, int y, int n, int w = 22, int h = kEm, int gap = 2) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    const cv::Rect r(x + i * (w + gap), y, w, h);
    out.push_back(static_cast<int>(comps.size()));
    comps.push_back({r, r.area(), Kind::kText});
  }
  return out;
}

Ink Page(std::vector<Component> comps, double body_size = kEm) {
  Ink ink;
  ink.page = cv::Size(1400, 1400);
  ink.comps = std::move(comps);
  ink.em = kEm;
  ink.body_size = body_size;
  return ink;
}

std::vector<TextLine> Lines(const Ink& ink, const LayoutOptions& o = {}) {
  return FindLines(ink, FindGutters(ink, o), o);
}

// The line holding component c, or nullptr.
const TextLine* LineOf(const std::vector<TextLine>& lines, int c) {
  for (const TextLine& l : lines)
    if (std::find(l.comps.begin(), l.comps.end(), c) != l.comps.end()) return &l;
  return nullptr;
}

// A line of all of `comps`, measured (RecomputeLine).
TextLine MeasuredLine(const std::vector<Component>& comps) {
  TextLine l;
  for (size_t c = 0; c < comps.size(); ++c) l.comps.push_back(static_cast<int>(c));
  RecomputeLine(comps, l);
  return l;
}

TEST(LayoutLines, ComponentsOnOneBaselineAreOneLine) {
  std::vector<Component> comps;
  std::vector<std::vector<int>> rows;
  for (int r = 0; r < 3; ++r) rows.push_back(Row(comps, 100, 100 + r * kPitch, 10));
  const std::vector<TextLine> lines = BuildLines(comps, 1.3, nullptr, kEm, 1.45 * kEm, 1.2);
  ASSERT_EQ(lines.size(), 3u);
  for (int r = 0; r < 3; ++r) {
    const TextLine* l = LineOf(lines, rows[r][0]);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->comps.size(), 10u);
    EXPECT_EQ(l->r, cv::Rect(100, 100 + r * kPitch, 9 * 24 + 22, kEm));
    EXPECT_EQ(l->core_top, 100 + r * kPitch);
    EXPECT_EQ(l->core_bottom, 100 + r * kPitch + kEm);
    EXPECT_DOUBLE_EQ(l->size, kEm);
  }
}

// Two columns 1.25 em apart: close enough for their glyphs to join across
// the white, but the white is a gutter.
TEST(LayoutLines, AGutterPartsTheLinesOfTwoColumns) {
  std::vector<Component> comps;
  for (int r = 0; r < 20; ++r) {
    Row(comps, 300, 100 + r * kPitch, 10);
    Row(comps, 300 + 10 * 24 - 2 + 30, 100 + r * kPitch, 10);
  }
  EXPECT_EQ(BuildLines(comps, 1.3, nullptr, kEm, 1.45 * kEm, 1.2).size(), 20u);  // without the gutters
  const std::vector<TextLine> lines = Lines(Page(comps));
  EXPECT_EQ(lines.size(), 40u);
  for (const TextLine& l : lines) EXPECT_EQ(l.comps.size(), 10u);
}

// A justified line's word gap of 3 em: too wide for a gap inside a line, but
// nothing else shares the row; a vertical rule there parts the two pieces.
TEST(LayoutLines, AWideWordGapDoesNotPartALine) {
  for (bool ruled : {false, true}) {
    SCOPED_TRACE(ruled ? "rule in the gap" : "open gap");
    std::vector<Component> comps;
    for (int r = 0; r < 8; ++r) {
      if (r == 3) {
        Row(comps, 100, 100 + r * kPitch, 4);
        Row(comps, 100 + 4 * 24 - 2 + 3 * kEm, 100 + r * kPitch, 6);
      } else {
        Row(comps, 100, 100 + r * kPitch, 13);
      }
    }
    EXPECT_EQ(BuildLines(comps, 1.3, nullptr, kEm, 1.45 * kEm, 1.2).size(), 9u);
    Ink ink = Page(comps);
    if (ruled) ink.rules.vertical = {cv::Rect(100 + 4 * 24 + kEm, 100 + 3 * kPitch, 2, kEm)};
    EXPECT_EQ(Lines(ink).size(), ruled ? 9u : 8u);
  }
}

// A line opening with a glyph and a comma (说，) then an open quote leaves
// white wider than line_gap after the comma. The fragment's core measures
// small (the radical's dot and the comma pull its median top down), but
// its box starts and ends with the line's: it is the same line.
TEST(LayoutLines, AGlyphAndACommaBeforeWideWhiteJoinTheirLine) {
  std::vector<Component> comps;
  for (int r = 0; r < 8; ++r) {
    const int y = 100 + r * kPitch;
    if (r != 3) {
      Row(comps, 100, y, 13);
      continue;
    }
    auto add = [&](int x, int top, int w, int h) { comps.push_back({cv::Rect(x, y + top, w, h), w * h, Kind::kText}); };
    add(100, 0, 5, 5);      // the radical's dot
    add(101, 9, 6, 15);     // the radical
    add(110, 0, 12, 24);    // the phonetic
    add(130, 16, 5, 8);     // the comma
    add(135 + 2 * kEm, 0, 5, 8);  // the open quote, after the comma's and its own white
    Row(comps, 150 + 2 * kEm, y, 9);
  }
  const std::vector<TextLine> lines = Lines(Page(comps));
  EXPECT_EQ(lines.size(), 8u);
}

// On a tight scan a descender runs into the line below: a tall component
// touches a glyph of each. It joins neither line.
TEST(LayoutLines, AGlyphRunIntoTheLineBelowJoinsNeither) {
  std::vector<Component> comps;
  const std::vector<int> a = Row(comps, 100, 100, 10);
  const std::vector<int> b = Row(comps, 100, 100 + kPitch, 10);
  const cv::Rect bar(100 + 10 * 24, 100, 10, kPitch + kEm);
  const int bridge = static_cast<int>(comps.size());
  comps.push_back({bar, bar.area(), Kind::kText});
  const std::vector<TextLine> lines = BuildLines(comps, 1.3, nullptr, kEm, 1.45 * kEm, 1.2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(LineOf(lines, bridge), nullptr);
  EXPECT_NE(LineOf(lines, a[0]), LineOf(lines, b[0]));
  EXPECT_EQ(LineOf(lines, a[0])->r.height, kEm);
}

TEST(LayoutLines, AHeadlineHeightLineIsLarge) {
  std::vector<Component> comps;
  const std::vector<int> head = Row(comps, 100, 60, 8, 46, 2 * kEm, 4);
  std::vector<std::vector<int>> body;
  for (int r = 0; r < 6; ++r) body.push_back(Row(comps, 100, 150 + r * kPitch, 16));
  const std::vector<TextLine> lines = Lines(Page(comps));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_TRUE(LineOf(lines, head[0])->large);
  for (const auto& row : body) EXPECT_FALSE(LineOf(lines, row[0])->large);
}

// Headline text needs the glyph ratio and the height: a line of glyphs 1.7 x
// the body glyph size (capitals over an x-height) but under
// headline_height_em tall is body text, whatever headline_ratio says.
TEST(LayoutLines, HeadlineHeightDecidesBesideTheGlyphRatio) {
  std::vector<Component> comps;
  const std::vector<int> caps = Row(comps, 100, 100, 10, 16, 20, 4);
  for (int r = 1; r < 6; ++r) Row(comps, 100, 100 + r * kPitch, 16);
  const Ink ink = Page(comps, /*body_size=*/12);
  EXPECT_FALSE(LineOf(Lines(ink), caps[0])->large);
  LayoutOptions ratio;
  ratio.headline_ratio = 1.1;
  EXPECT_FALSE(LineOf(Lines(ink, ratio), caps[0])->large);
  LayoutOptions low;
  low.headline_height_em = 0.8;
  EXPECT_TRUE(LineOf(Lines(ink, low), caps[0])->large);
}

// Two articles' headlines side by side start on one line: the smaller one,
// in a face whose glyphs fill less of their em (most 1.42x the body glyph,
// a few taller), is large beside the large one. The same line lower down,
// level with no headline (a pull quote, a heading in a column), is not.
TEST(LayoutLines, AHeadlineLevelWithALargeOneIsLarge) {
  for (bool level : {true, false}) {
    SCOPED_TRACE(level ? "level with the large headline" : "lower down");
    std::vector<Component> comps;
    const int y = level ? 60 : 300;
    std::vector<int> small;
    for (int i = 0; i < 8; ++i) {
      const bool tall = i == 2 || i == 5;
      const cv::Rect r(100 + i * 40, tall ? y : y + 4, 34, tall ? 42 : 34);
      small.push_back(static_cast<int>(comps.size()));
      comps.push_back({r, r.area(), Kind::kText});
    }
    const std::vector<int> large = Row(comps, 600, 60, 8, 44, 44, 4);  // 1.83x
    for (int r = 0; r < 4; ++r) Row(comps, 600, 150 + r * kPitch, 16);
    const std::vector<TextLine> lines = Lines(Page(comps));
    const TextLine* s = LineOf(lines, small[0]);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->comps.size(), 8u);
    EXPECT_LT(s->size, LayoutOptions{}.headline_ratio * kEm);  // not large by its size alone
    EXPECT_TRUE(LineOf(lines, large[0])->large);
    EXPECT_EQ(s->large, level);
  }
}

// A blot that passed for text, alone in the margin, makes no line.
TEST(LayoutLines, ALoneBlotIsNoLine) {
  std::vector<Component> comps;
  for (int r = 0; r < 4; ++r) Row(comps, 300, 100 + r * kPitch, 10);
  const int blot = static_cast<int>(comps.size());
  comps.push_back({cv::Rect(100, 500, 5, 5), 25, Kind::kText});
  const std::vector<TextLine> lines = Lines(Page(comps));
  EXPECT_EQ(lines.size(), 4u);
  EXPECT_EQ(LineOf(lines, blot), nullptr);
}

TEST(LayoutLines, RecomputeLineMeasuresTheCore) {
  // Latin-like: x-height 12 with ascenders to 20 and a dot.
  std::vector<Component> comps = {
      {cv::Rect(0, 8, 10, 12), 120, Kind::kText},  {cv::Rect(12, 0, 10, 20), 200, Kind::kText},
      {cv::Rect(24, 8, 10, 12), 120, Kind::kText}, {cv::Rect(36, 8, 10, 12), 120, Kind::kText},
      {cv::Rect(48, 2, 3, 3), 9, Kind::kText},  // a dot: not in the core
  };
  TextLine l;
  l.comps = {0, 1, 2, 3, 4};
  RecomputeLine(comps, l);
  EXPECT_EQ(l.r, cv::Rect(0, 0, 51, 20));
  EXPECT_EQ(l.core_top, 8);
  EXPECT_EQ(l.core_bottom, 20);
  EXPECT_DOUBLE_EQ(l.size, 12);
}

TEST(LayoutLines, AGlyphDrawnInPiecesMeasuresWhole) {
  // Eight CJK glyphs 50 px tall, each drawn as two pieces over one another
  // with a little white between (云 as 二 over 厶, a roof over its body in a
  // Song face), two of them whole; an underline runs under the line.
  std::vector<Component> comps;
  for (int g = 0; g < 8; ++g) {
    const int x = g * 56;
    if (g % 4 == 3) {
      comps.push_back({cv::Rect(x, 0, 48, 50), 900, Kind::kText});
    } else {
      comps.push_back({cv::Rect(x, 0, 48, 18), 300, Kind::kText});
      comps.push_back({cv::Rect(x + 4, 24, 40, 26), 400, Kind::kText});
    }
  }
  comps.push_back({cv::Rect(0, 56, 440, 3), 1300, Kind::kText});
  const TextLine l = MeasuredLine(comps);
  // The pieces' middles would say 26 (tops at 0 and 24, bottoms at 18 and 50).
  EXPECT_EQ(l.core_top, 0);
  EXPECT_EQ(l.core_bottom, 50);
  EXPECT_DOUBLE_EQ(l.size, 50);
}

TEST(LayoutLines, CellsOfTwoRowsAreNotOneGlyph) {
  // Two rows of a table's cells caught in one "line" by the table's rule:
  // pieces 30 px tall and 48 wide, rows 14 px apart, one over the other
  // (together no taller than a glyph is wide: only the white between them
  // says they are two). Each is a glyph of its own, and an i's dot stays
  // off its stem.
  std::vector<Component> comps;
  for (int g = 0; g < 6; ++g) {
    comps.push_back({cv::Rect(g * 54, 0, 48, 30), 900, Kind::kText});
    comps.push_back({cv::Rect(g * 54, 44, 48, 30), 900, Kind::kText});
  }
  comps.push_back({cv::Rect(330, 0, 6, 6), 30, Kind::kText});
  comps.push_back({cv::Rect(330, 10, 6, 20), 100, Kind::kText});
  const TextLine l = MeasuredLine(comps);
  EXPECT_DOUBLE_EQ(l.size, 30);
}

TEST(LayoutLines, AnEnclosedPieceIsOneGlyphWithItsEnclosure) {
  // Six CJK glyphs 50 px tall, each an enclosing piece (门, 囗, 辶) with a
  // piece inside its box (口 in 问): side by side in height, not stacked,
  // and one glyph all the same. The inner pieces' tops and bottoms would
  // pull the core in.
  std::vector<Component> comps;
  for (int g = 0; g < 6; ++g) {
    comps.push_back({cv::Rect(g * 56, 0, 48, 50), 700, Kind::kText});
    comps.push_back({cv::Rect(g * 56 + 12, 16, 24, 22), 200, Kind::kText});
  }
  const TextLine l = MeasuredLine(comps);
  EXPECT_DOUBLE_EQ(l.size, 50);
}

TEST(LayoutLines, SlantedLettersStayApart) {
  // An italic word: ascender letters 30 px tall and x-height letters 20 px,
  // each overlapping the next in x by half its width. Neither lies inside
  // the other: the core stays the x-height band.
  std::vector<Component> comps;
  for (int g = 0; g < 5; ++g) {
    comps.push_back({cv::Rect(g * 32, 0, 16, 30), 200, Kind::kText});
    comps.push_back({cv::Rect(g * 32 + 8, 10, 16, 20), 160, Kind::kText});
  }
  const TextLine l = MeasuredLine(comps);
  EXPECT_EQ(l.core_top, 10);
  EXPECT_DOUBLE_EQ(l.size, 20);
}

TEST(LayoutLines, AnIsDotOnTouchingLettersStaysApart) {
  // A Latin line with as many ascender letters as x-height ones: four
  // ascenders, four "ri" pairs that touch (one piece 24 px wide, x-height
  // 18) with their i's dot over them, and a descender. Joined to its dot,
  // each pair would measure as tall as an ascender and tip the line's
  // core from its x-height (18) to 29.
  std::vector<Component> comps;
  for (int g = 0; g < 4; ++g) {
    comps.push_back({cv::Rect(g * 70, 0, 12, 29), 150, Kind::kText});
    comps.push_back({cv::Rect(g * 70 + 20, 11, 24, 18), 200, Kind::kText});
    comps.push_back({cv::Rect(g * 70 + 38, 0, 5, 6), 25, Kind::kText});
  }
  comps.push_back({cv::Rect(290, 11, 12, 28), 150, Kind::kText});
  const TextLine l = MeasuredLine(comps);
  EXPECT_EQ(l.core_top, 11);
  EXPECT_DOUBLE_EQ(l.size, 18);
}

}  // namespace
}  // namespace ocrflow::image::layout
