// Layout steps 1-3 on masks drawn here: components and their kinds
// (stages/image/layout/components.h), the scale (scale.h) and the rules
// (rules.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "stages/image/layout/components.h"
#include "stages/image/layout/rules.h"
#include "stages/image/layout/scale.h"

namespace ocrflow::image::layout {
namespace {

cv::Mat White(int w, int h) { return cv::Mat(h, w, CV_8U, cv::Scalar(255)); }
void Fill(cv::Mat& m, const cv::Rect& r) { m(r).setTo(0); }

// Rows of square "glyphs" (CJK-like: the core is the whole glyph), `side`
// pixels, `gap` apart, `n` per row, rows `pitch` apart.
void DrawRows(cv::Mat& m, int x, int y, int rows, int n, int side, int gap, int pitch) {
  for (int row = 0; row < rows; ++row)
    for (int i = 0; i < n; ++i) Fill(m, cv::Rect(x + i * (side + gap), y + row * pitch, side, side));
}

Component Comp(int x, int y, int w, int h) { return {cv::Rect(x, y, w, h), w * h, Kind::kText}; }

// Each edge of `got` within a pixel of `want`'s (the morphology's kernels are
// centred to a pixel).
bool Near(const cv::Rect& got, const cv::Rect& want) {
  return std::abs(got.x - want.x) <= 1 && std::abs(got.y - want.y) <= 1 &&
         std::abs(got.br().x - want.br().x) <= 1 && std::abs(got.br().y - want.br().y) <= 1;
}

TEST(LayoutComponents, ComponentsInsideAPhotoAreLeftOut) {
  cv::Mat m = White(400, 300);
  Fill(m, {20, 20, 20, 20});
  Fill(m, {60, 20, 20, 20});
  Fill(m, {220, 120, 20, 20});  // centre inside the photo
  const std::vector<Component> comps = FindComponents(m, {cv::Rect(200, 100, 100, 100)});
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0].r, cv::Rect(20, 20, 20, 20));
  EXPECT_EQ(comps[0].area, 400);
  EXPECT_EQ(comps[1].r, cv::Rect(60, 20, 20, 20));
}

TEST(LayoutComponents, KindsFollowTheSizeInEm) {
  const double em = 20;
  std::vector<Component> comps = {
      Comp(0, 0, 18, 20),     // a glyph
      Comp(0, 40, 2, 2),      // under speck_em (0.15 em = 3 px): a speck
      Comp(0, 80, 200, 3),    // 10 em long, 66 x as long as thick: a rule
      Comp(0, 100, 3, 120),   // a vertical rule
      Comp(0, 300, 40, 3),    // long and thin but under rule_min_em (3 em): text (a dash)
      Comp(0, 400, 120, 110), // 6 x 5.5 em: a picture or a frame
  };
  ClassifyComponents(comps, em, LayoutOptions{});
  EXPECT_EQ(comps[0].kind, Kind::kText);
  EXPECT_EQ(comps[1].kind, Kind::kSpeck);
  EXPECT_EQ(comps[2].kind, Kind::kRule);
  EXPECT_EQ(comps[3].kind, Kind::kRule);
  EXPECT_EQ(comps[4].kind, Kind::kText);
  EXPECT_EQ(comps[5].kind, Kind::kPicture);
  EXPECT_EQ(Pictures(comps), std::vector<cv::Rect>{cv::Rect(0, 400, 120, 110)});
  // The thresholds are options.
  LayoutOptions o;
  o.rule_min_em = 1.5;
  ClassifyComponents(comps, em, o);
  EXPECT_EQ(comps[4].kind, Kind::kRule);
}

TEST(LayoutComponents, ObstaclesLieBetweenTwoRows) {
  Ink ink;
  ink.rules.horizontal = {cv::Rect(100, 200, 300, 3)};
  ink.photos = {cv::Rect(600, 100, 200, 200)};
  EXPECT_TRUE(ink.ObstacleBetween(150, 250, 150, 250));   // the rule
  EXPECT_FALSE(ink.ObstacleBetween(150, 250, 210, 250));  // below it
  EXPECT_FALSE(ink.ObstacleBetween(450, 550, 150, 250));  // beside both
  EXPECT_TRUE(ink.ObstacleBetween(500, 650, 0, 400));     // the photo
  EXPECT_FALSE(ink.ObstacleBetween(150, 250, 250, 250));  // no height
}

// Four pictures 10 em square: a box drawn around text, a chart (two axes
// and a curve: hollow too, but its rules are two adjacent sides), a photo
// left in the mask (dense) and a table's border with a rule across it (its
// grid). Only the box is a frame; its sides part the text inside from the
// text around it, its inside is open.
TEST(LayoutRules, AHollowBoxWithRulesOnOppositeSidesIsAFrame) {
  const double em = 20;
  cv::Mat m = White(1600, 500);
  const cv::Rect box(50, 100, 200, 200), chart(450, 100, 200, 200), photo(850, 100, 200, 200),
      table(1250, 100, 200, 200);
  Fill(m, box);
  m(cv::Rect(box.x + 3, box.y + 3, box.width - 6, box.height - 6)).setTo(255);
  DrawRows(m, 80, 130, 6, 7, 18, 4, 26);  // text in the box
  Fill(m, {chart.x, chart.y, 3, chart.height});
  Fill(m, {chart.x, chart.y + chart.height - 3, chart.width, 3});
  for (int x = chart.x; x < chart.x + chart.width - 4; x += 2)
    Fill(m, {x, chart.y + 20 + (x - chart.x) * 3 / 4, 3, 3});  // a rising curve, touching the axis
  Fill(m, table);
  m(cv::Rect(table.x + 3, table.y + 3, table.width - 6, table.height - 6)).setTo(255);
  Fill(m, {table.x, table.y + 60, table.width, 3});
  DrawRows(m, 1280, 130, 1, 7, 18, 4, 26);
  DrawRows(m, 1280, 190, 4, 7, 18, 4, 26);
  Fill(m, photo);
  for (int y = photo.y + 10; y < photo.y + photo.height - 10; y += 12) m(cv::Rect(photo.x + 10, y, 180, 4)).setTo(255);
  Ink ink;
  ink.page = m.size();
  ink.em = em;
  ink.comps = FindComponents(m, {});
  ClassifyComponents(ink.comps, em, LayoutOptions{});
  ink.pictures = Pictures(ink.comps);
  ASSERT_EQ(ink.pictures.size(), 4u);
  ink.rules = FindRules(m, {}, em, ink.comps);
  FindFrames(ink);
  ASSERT_EQ(ink.frames.size(), 1u);
  EXPECT_EQ(ink.frames[0], box);
  ASSERT_EQ(ink.pictures.size(), 3u);
  EXPECT_EQ(ink.pictures[0], chart);
  EXPECT_EQ(ink.pictures[1], photo);
  EXPECT_EQ(ink.pictures[2], table);
  // Two rows of text inside the box join; the box's top parts its first row
  // from a line above it; the chart and the photo stay solid obstacles.
  EXPECT_FALSE(ink.ObstacleBetween(80, 230, 150, 156));
  EXPECT_TRUE(ink.ObstacleBetween(80, 230, 60, 130));
  EXPECT_TRUE(ink.ObstacleBetween(500, 600, 150, 156));
  EXPECT_TRUE(ink.ObstacleBetween(900, 1000, 150, 156));
  EXPECT_TRUE(ink.ObstacleBetween(1300, 1400, 210, 216));
}

TEST(LayoutScale, EmIsTheBodyLineHeight) {
  cv::Mat m = White(1000, 800);
  DrawRows(m, 50, 50, 12, 20, 20, 4, 32);     // body: 20 px glyphs
  DrawRows(m, 50, 500, 1, 6, 44, 8, 60);      // a headline of 6 glyphs
  const std::vector<Component> comps = FindComponents(m, {});
  const Scale s = EstimateScale(comps, m.rows, 0, LayoutOptions{});
  EXPECT_DOUBLE_EQ(s.em, 20);
  EXPECT_DOUBLE_EQ(s.body_size, 20);
}

// Latin-like rows: x-height letters 12 px with ascenders to 20 px. The line
// is 20 px tall (em); the core, x-height, is the body glyph size.
TEST(LayoutScale, BodySizeIsTheCoreOfTheLines) {
  cv::Mat m = White(1000, 600);
  for (int row = 0; row < 10; ++row)
    for (int i = 0; i < 30; ++i) {
      const int y = 40 + row * 34;
      if (i % 3 == 0)
        Fill(m, {40 + i * 14, y, 10, 20});  // ascender
      else
        Fill(m, {40 + i * 14, y + 8, 10, 12});
    }
  const Scale s = EstimateScale(FindComponents(m, {}), m.rows, 0, LayoutOptions{});
  EXPECT_DOUBLE_EQ(s.em, 20);
  EXPECT_DOUBLE_EQ(s.body_size, 12);
}

// Without a line to measure, em comes from the first guess: the glyph floor of
// the resolution (kMinGlyphInches x dpi) over kGlyphLineShare.
TEST(LayoutScale, WithoutLinesEmComesFromTheResolution) {
  cv::Mat m = White(600, 600);
  Fill(m, {100, 100, 2, 2});  // one speck: no glyph candidate
  const std::vector<Component> comps = FindComponents(m, {});
  EXPECT_DOUBLE_EQ(EstimateScale(comps, m.rows, 750, LayoutOptions{}).em, 750 * kMinGlyphInches / kGlyphLineShare);
  EXPECT_DOUBLE_EQ(EstimateScale(comps, m.rows, 0, LayoutOptions{}).em, kFallbackGlyphPx / kGlyphLineShare);
}

TEST(LayoutRules, ARuleBrokenByTheScanIsFoundWhole) {
  cv::Mat m = White(800, 400);
  const double em = 20;
  // A horizontal hairline 499 px long in five pieces with 1 px breaks. Each
  // piece (5 em) is a rule by itself; the morphology adds the whole.
  for (int k = 0; k < 5; ++k) Fill(m, {100 + k * 100, 200, 99, 2});
  std::vector<Component> comps = FindComponents(m, {});
  ASSERT_EQ(comps.size(), 5u);
  ClassifyComponents(comps, em, LayoutOptions{});
  const Rules rules = FindRules(m, {}, em, comps);
  ASSERT_EQ(rules.horizontal.size(), 6u);
  EXPECT_TRUE(Near(rules.horizontal.back(), cv::Rect(100, 200, 499, 2))) << rules.horizontal.back();
  EXPECT_TRUE(rules.vertical.empty());
  for (const Component& c : comps) EXPECT_EQ(c.kind, Kind::kRule);
}

TEST(LayoutRules, PiecesOfARuleThatPassForTextBecomeRule) {
  cv::Mat m = White(800, 400);
  const double em = 20;
  // A dotted rule: pieces 30 px long (1.5 em: text by their size alone) with
  // 1 px breaks.
  for (int k = 0; k < 12; ++k) Fill(m, {100 + k * 31, 200, 30, 2});
  std::vector<Component> comps = FindComponents(m, {});
  ClassifyComponents(comps, em, LayoutOptions{});
  for (const Component& c : comps) ASSERT_EQ(c.kind, Kind::kText);
  const Rules rules = FindRules(m, {}, em, comps);
  ASSERT_EQ(rules.horizontal.size(), 1u);
  EXPECT_TRUE(Near(rules.horizontal[0], cv::Rect(100, 200, 12 * 31 - 1, 2))) << rules.horizontal[0];
  for (const Component& c : comps) EXPECT_EQ(c.kind, Kind::kRule);
}

// The stems of letters stacked over lines of a column line up like a vertical
// rule broken at each line, but text stands beside them in most rows.
TEST(LayoutRules, AStackOfStemsBesideTextIsNoRule) {
  const double em = 20;
  for (bool text_beside : {true, false}) {
    SCOPED_TRACE(text_beside ? "text beside" : "in white");
    cv::Mat m = White(600, 600);
    for (int row = 0; row < 12; ++row) {
      const int y = 50 + row * 22;
      Fill(m, {200, y, 3, 21});  // a stem: 1 px short of the next row's
      if (text_beside) {
        Fill(m, {190, y + 4, 8, 14});  // a glyph left of it
        Fill(m, {206, y + 4, 8, 14});  // and one right of it
      }
    }
    std::vector<Component> comps = FindComponents(m, {});
    ClassifyComponents(comps, em, LayoutOptions{});
    for (const Component& c : comps) ASSERT_EQ(c.kind, Kind::kText);
    const Rules rules = FindRules(m, {}, em, comps);
    EXPECT_EQ(rules.vertical.size(), text_beside ? 0u : 1u);
    EXPECT_TRUE(rules.horizontal.empty());
  }
}

TEST(LayoutRules, InkBesideShareCountsRowsWithInkOnBothSides) {
  cv::Mat ink(100, 100, CV_8U, cv::Scalar(0));
  ink(cv::Rect(45, 0, 2, 50)).setTo(255);  // 4-5 px left of the strip, rows 0-49
  ink(cv::Rect(56, 0, 5, 25)).setTo(255);  // 3 px right of it, rows 0-24
  EXPECT_DOUBLE_EQ(InkBesideShare(ink, cv::Rect(50, 0, 3, 100), 5), 0.25);
  EXPECT_DOUBLE_EQ(InkBesideShare(ink, cv::Rect(50, 0, 3, 100), 2), 0.0);  // out of reach
}

// A word run into its underline is one long flat component, classified a
// rule; split, the underline stays a rule and the glyphs are text.
TEST(LayoutRules, UnderlinedTextIsSplitIntoRuleAndText) {
  cv::Mat m = White(800, 200);
  const double em = 20;
  for (int i = 0; i < 20; ++i) Fill(m, {100 + i * 22, 60, 10, 20});  // glyphs, feet at y 79
  Fill(m, {100, 78, 428, 3});                                         // underline through their feet
  std::vector<Component> comps = FindComponents(m, {});
  ASSERT_EQ(comps.size(), 1u);
  ClassifyComponents(comps, em, LayoutOptions{});
  ASSERT_EQ(comps[0].kind, Kind::kRule);
  ASSERT_TRUE(SplitUnderlinedText(m, em, comps));
  ClassifyComponents(comps, em, LayoutOptions{});
  EXPECT_EQ(comps[0].r, cv::Rect(100, 78, 428, 3));
  EXPECT_EQ(comps[0].kind, Kind::kRule);
  ASSERT_EQ(comps.size(), 21u);
  for (size_t i = 1; i < comps.size(); ++i) {
    EXPECT_EQ(comps[i].kind, Kind::kText) << i;
    EXPECT_EQ(comps[i].r.height, 18) << i;  // the glyph above the band
  }
  // A thin rule that touches no text is left alone.
  cv::Mat clean = White(800, 200);
  Fill(clean, {100, 100, 428, 3});
  std::vector<Component> rule = FindComponents(clean, {});
  ClassifyComponents(rule, em, LayoutOptions{});
  EXPECT_FALSE(SplitUnderlinedText(clean, em, rule));
}

}  // namespace
}  // namespace ocrflow::image::layout
