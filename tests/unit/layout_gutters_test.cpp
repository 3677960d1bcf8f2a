// Layout step 4 (stages/image/layout/gutters.h) on boxes placed here: the
// white between two columns is a gutter, the gap between two words is not,
// nor a river of word gaps beside a short word; a vertical rule is one.
#include <gtest/gtest.h>

#include <sstream>

#include "stages/image/layout/gutters.h"
#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;     // glyph height = em (CJK-like boxes)
constexpr int kPitch = 36;  // line pitch: 1.5 em

// A block of `rows` lines of square glyphs (22 x 24, 2 px apart) from x to
// x + width; returns the glyph boxes, row by row.
std::vector<cv::Rect> Text(std::vector<Component>& comps, int x, int y, int width, int rows) {
  std::vector<cv::Rect> out;
  for (int row = 0; row < rows; ++row)
    for (int gx = x; gx + 22 <= x + width; gx += 24) {
      const cv::Rect r(gx, y + row * kPitch, 22, kEm);
      comps.push_back({r, r.area(), Kind::kText});
      out.push_back(r);
    }
  return out;
}

// The gutter boxes that lie between x0 and x1 (pixels), give or take a cell.
std::vector<Box> Inside(const GutterMap& g, int x0, int x1) {
  std::vector<Box> out;
  for (const Box& b : g.Boxes())
    if (b.x >= x0 - g.cell() && b.right() <= x1 + g.cell()) out.push_back(b);
  return out;
}

std::string Describe(const GutterMap& g) {
  std::ostringstream s;
  for (const Box& b : g.Boxes()) s << " [" << b.x << "," << b.y << " " << b.w << "x" << b.h << "]";
  return s.str();
}

const cv::Size kPage(1400, 1200);

TEST(LayoutGutters, TallRunsKeepsOnlyTallRunsOfCells) {
  cv::Mat cells = (cv::Mat_<uchar>(6, 2) << 1, 1,  //
                   1, 0,                           //
                   1, 1,                           //
                   0, 1,                           //
                   1, 1,                           //
                   1, 0);
  cv::Mat runs = TallRuns(cells, 3);
  cv::Mat want = (cv::Mat_<uchar>(6, 2) << 1, 0,  //
                  1, 0,                           //
                  1, 1,                           //
                  0, 1,                           //
                  0, 1,                           //
                  0, 0);
  EXPECT_EQ(cv::countNonZero(runs != want), 0);
}

// Two columns of 20 lines, 2 em of white between them: one gutter, the height
// of the columns, and it parts the lines' glyphs across it but not the
// glyphs of one line.
TEST(LayoutGutters, TwoColumnsTwoEmApartHaveOneGutterBetweenThem) {
  std::vector<Component> comps;
  const std::vector<cv::Rect> left = Text(comps, 300, 100, 10 * kEm, 20);
  const std::vector<cv::Rect> right = Text(comps, 300 + 12 * kEm, 100, 10 * kEm, 20);
  const GutterMap g(comps, {}, {}, kPage, kEm, LayoutOptions{});
  SCOPED_TRACE("gutters:" + Describe(g));
  const int left_end = 300 + 10 * kEm, right_start = 300 + 12 * kEm;
  const std::vector<Box> between = Inside(g, left_end, right_start);
  ASSERT_EQ(between.size(), 1u);
  EXPECT_GE(between[0].h, 19 * kPitch);
  // Row 5: the last glyph of the left column, the first of the right one.
  const cv::Rect a = left[5 * 10 + 9], b = right[5 * 10];
  EXPECT_TRUE(g.Between(a, b));
  EXPECT_TRUE(g.Touches(cv::Rect(a.x + a.width, a.y, b.x - a.x - a.width, a.height)));
  EXPECT_FALSE(g.Between(left[5 * 10 + 3], left[5 * 10 + 4]));
}

// Two columns 0.7 em apart (an old newspaper's): no gutter at gutter_em;
// with slim_gutter_em the straight channel between them is one, all the way
// down. White as slim whose right side wanders (the lines on that side start
// anywhere) stays no gutter.
TEST(LayoutGutters, ASlimStraightChannelIsAGutterWhenAsked) {
  const int gap = 17;  // 0.7 em
  for (bool slim : {false, true}) {
    SCOPED_TRACE(slim ? "slim gutters on" : "off");
    std::vector<Component> comps;
    Text(comps, 300, 100, 10 * kEm, 20);
    Text(comps, 300 + 10 * kEm + gap, 100, 10 * kEm, 20);
    LayoutOptions o;
    if (slim) o.slim_gutter_em = 0.5;
    const GutterMap g(comps, {}, {}, kPage, kEm, o);
    SCOPED_TRACE("gutters:" + Describe(g));
    const std::vector<Box> between = Inside(g, 300 + 10 * kEm, 300 + 10 * kEm + gap);
    if (!slim) {
      EXPECT_TRUE(between.empty());
      continue;
    }
    ASSERT_EQ(between.size(), 1u);
    EXPECT_GE(between[0].h, 19 * kPitch);
  }
  // Only three lines tall (a few CJK lines with their commas stacked): no
  // gutter, slim white must run kSureGutterEm.
  {
    std::vector<Component> comps;
    Text(comps, 300, 100, 10 * kEm, 3);
    Text(comps, 300 + 10 * kEm + gap, 100, 10 * kEm, 3);
    LayoutOptions o;
    o.slim_gutter_em = 0.5;
    const GutterMap g(comps, {}, {}, kPage, kEm, o);
    SCOPED_TRACE("short gutters:" + Describe(g));
    EXPECT_TRUE(Inside(g, 300 + 10 * kEm, 300 + 10 * kEm + gap).empty());
  }
  // Every third line on the right starts half an em further in.
  std::vector<Component> comps;
  Text(comps, 300, 100, 10 * kEm, 20);
  for (int row = 0; row < 20; ++row) Text(comps, 300 + 10 * kEm + gap + (row % 3 == 2 ? 12 : 0), 100 + row * kPitch, 8 * kEm, 1);
  LayoutOptions o;
  o.slim_gutter_em = 0.5;
  const GutterMap g(comps, {}, {}, kPage, kEm, o);
  SCOPED_TRACE("ragged gutters:" + Describe(g));
  EXPECT_TRUE(Inside(g, 300 + 10 * kEm, 300 + 10 * kEm + gap + 12).empty());
}

// The gap between two words of one line is as wide, but short: no gutter.
TEST(LayoutGutters, TheGapBetweenTwoWordsOfALineIsNoGutter) {
  std::vector<Component> comps;
  const std::vector<cv::Rect> a = Text(comps, 300, 100, 10 * kEm, 1);
  const std::vector<cv::Rect> b = Text(comps, 300 + 12 * kEm, 100, 10 * kEm, 1);
  const GutterMap g(comps, {}, {}, kPage, kEm, LayoutOptions{});
  EXPECT_TRUE(Inside(g, 300 + 10 * kEm, 300 + 12 * kEm).empty()) << Describe(g);
  EXPECT_FALSE(g.Between(a.back(), b.front()));
}

// How tall the white must run is gutter_height_em.
TEST(LayoutGutters, GutterHeightIsAnOption) {
  std::vector<Component> comps;
  Text(comps, 300, 100, 10 * kEm, 4);
  Text(comps, 300 + 12 * kEm, 100, 10 * kEm, 4);
  const int x0 = 300 + 10 * kEm, x1 = 300 + 12 * kEm;
  EXPECT_EQ(Inside(GutterMap(comps, {}, {}, kPage, kEm, LayoutOptions{}), x0, x1).size(), 1u);
  LayoutOptions tall;
  tall.gutter_height_em = 10;
  EXPECT_TRUE(Inside(GutterMap(comps, {}, {}, kPage, kEm, tall), x0, x1).empty());
}

// Six lines with a 2 em gap at one x: beside 6 em of text on each side it is
// a gutter; with a short word (2 em) left of it, a river of a justified
// column, however straight its edges.
TEST(LayoutGutters, ARiverBesideAShortWordIsNoGutter) {
  for (int word_em : {6, 2}) {
    SCOPED_TRACE("text left of the gap: " + std::to_string(word_em) + " em");
    std::vector<Component> comps;
    const std::vector<cv::Rect> a = Text(comps, 300, 100, word_em * kEm, 6);
    const int x = 300 + (word_em + 2) * kEm;
    const std::vector<cv::Rect> b = Text(comps, x, 100, 6 * kEm, 6);
    const GutterMap g(comps, {}, {}, kPage, kEm, LayoutOptions{});
    SCOPED_TRACE("gutters:" + Describe(g));
    const bool gutter = word_em >= 4;
    EXPECT_EQ(Inside(g, 300 + word_em * kEm, x).size(), gutter ? 1u : 0u);
    EXPECT_EQ(g.Between(a[2 * word_em + word_em - 1], b[2 * 6]), gutter);  // row 2
  }
}

// A vertical rule between two columns is a gutter, however narrow the white.
TEST(LayoutGutters, AVerticalRuleIsAGutter) {
  std::vector<Component> comps;
  const std::vector<cv::Rect> a = Text(comps, 300, 100, 10 * kEm, 20);
  const std::vector<cv::Rect> b = Text(comps, 300 + 10 * kEm + 12, 100, 10 * kEm, 20);
  const cv::Rect rule(300 + 10 * kEm + 4, 100, 2, 20 * kPitch);
  EXPECT_FALSE(GutterMap(comps, {}, {}, kPage, kEm, LayoutOptions{}).Between(a[9], b[0]));
  const GutterMap g(comps, {}, {rule}, kPage, kEm, LayoutOptions{});
  EXPECT_TRUE(g.Between(a[9], b[0]));
}

// A gutter found just above a gap (reach) parts the gap only when the gap
// lies under it: a line under the columns' last lines whose gap spans the
// gutter's width is parted there; a letter gap of a line running on below
// the gutter's end that merely touches its edge is not (a full-width line
// under a caption beside a column).
TEST(LayoutGutters, AGutterAboveAGapPartsItOnlyWhenTheGapLiesUnderIt) {
  std::vector<Component> comps;
  Text(comps, 300, 100, 10 * kEm, 20);
  Text(comps, 300 + 12 * kEm, 100, 10 * kEm, 20);
  const GutterMap g(comps, {}, {}, kPage, kEm, LayoutOptions{});
  SCOPED_TRACE("gutters:" + Describe(g));
  const int y = 100 + 20 * kPitch + 10;  // just under the gutter's end
  const int left_end = 300 + 10 * kEm - 2, right_start = 300 + 12 * kEm;
  const cv::Rect under_a(left_end - 22, y, 22, kEm), under_b(right_start, y, 22, kEm);
  EXPECT_FALSE(g.Between(under_a, under_b));
  EXPECT_TRUE(g.Between(under_a, under_b, kEm));
  // A 14 px letter gap whose last 4 px lie under the gutter's first cell.
  const cv::Rect edge_a(left_end - 30, y, 22, kEm), edge_b(left_end + 6, y, 22, kEm);
  EXPECT_FALSE(g.Between(edge_a, edge_b, kEm));
}

// FindGutters: the photos and pictures of the page are obstacles (ink).
TEST(LayoutGutters, PhotosAreObstacles) {
  Ink ink;
  ink.page = kPage;
  ink.em = kEm;
  Text(ink.comps, 300, 100, 10 * kEm, 20);
  Text(ink.comps, 300 + 12 * kEm, 100, 10 * kEm, 20);
  const int x0 = 300 + 10 * kEm, x1 = 300 + 12 * kEm;
  EXPECT_EQ(Inside(FindGutters(ink, LayoutOptions{}), x0, x1).size(), 1u);
  ink.photos = {cv::Rect(x0 - 10, 0, 2 * kEm + 20, kPage.height)};  // fills the white
  EXPECT_TRUE(Inside(FindGutters(ink, LayoutOptions{}), x0, x1).empty());
}

// Two articles' headlines set on one row, a column rule between them: the
// gap is a headline's word gap, which may cross a gutter, but not a rule.
// Without the rule the headline type joins across the white, and so it does
// over a bar no taller than the glyphs (a barcode's bars are rules too).
TEST(LayoutGutters, HeadlineTypeJoinsAcrossAGutterButNotAcrossARule) {
  enum Case { kNone, kRule, kBar };
  for (Case c : {kNone, kRule, kBar}) {
    SCOPED_TRACE(c);
    std::vector<Component> comps;
    Text(comps, 300, 100, 10 * kEm, 20);
    Text(comps, 300 + 12 * kEm, 100, 10 * kEm, 20);
    // Two headline words of 48 px glyphs on one row above the columns, 1 em
    // apart over the gutter. The columns: 300-540 and 588-828; the words end
    // at 546 and start at 570.
    for (int x : {350, 400, 450, 500}) comps.push_back({cv::Rect(x, 20, 46, 48), 46 * 48, Kind::kText});
    for (int x : {570, 620, 670}) comps.push_back({cv::Rect(x, 20, 46, 48), 46 * 48, Kind::kText});
    std::vector<cv::Rect> rules;
    if (c == kRule) rules.push_back(cv::Rect(557, 20, 2, 900));  // from the headline's top down
    if (c == kBar) rules.push_back(cv::Rect(557, 20, 2, 48));
    const GutterMap g(comps, {}, rules, kPage, kEm, LayoutOptions{});
    const cv::Rect left(500, 20, 46, 48), right(570, 20, 46, 48);
    EXPECT_EQ(g.RuleBetween(left, right), c == kRule);
    int headline_lines = 0;
    for (const TextLine& l : BuildLines(comps, 0.8, &g, kEm, 1.45 * kEm, 1.2))
      if (l.r.y < 80) ++headline_lines;
    EXPECT_EQ(headline_lines, c == kRule ? 2 : 1);
  }
}

}  // namespace
}  // namespace ocrflow::image::layout
