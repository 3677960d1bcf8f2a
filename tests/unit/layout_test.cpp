// Layout stage tests on pages drawn here: a running header over a rule, two
// articles (headline over the columns, byline, body columns, a photo with a
// caption), a footer. Each drawn block records its ink box, role, column and
// article in reading order, so the result is compared against what was drawn.
#include "stages/image/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <sstream>

#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

constexpr const char* kFont = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr int kSimplifiedChinese = 2;

// Common hanzi to draw random "prose" from (a character list, not text).
const char* kHanzi =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其"
    "些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建"
    "月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接";
const char* kWords[] = {"river", "council", "market", "budget", "school", "the", "of", "and", "a", "plan",
                        "village", "road", "new", "water", "report", "said", "on", "for", "season", "week",
                        "harbour", "train", "station", "mayor", "opened", "price", "local", "farmers", "rain"};

struct Drawn {
  Box box;
  Role role;
  int column;
  int article;
};

struct SynthPage {
  cv::Mat gray;
  std::vector<Box> photos;
  std::vector<Drawn> truth;  // reading order
  int columns = 0;
};

struct SynthSpec {
  int columns = 3;
  bool latin = false;
  double skew_degrees = 0;
  int specks = 0;
  uint32_t seed = 7;
};

class Painter {
 public:
  Painter(const SynthSpec& spec, cv::Mat& page) : spec_(spec), page_(page), rng_(spec.seed) {
    ft_ = cv::freetype::createFreeType2();
    ft_->loadFontData(kFont, kSimplifiedChinese);
  }

  // Random text about `width` px wide at font height `fh`.
  std::string Text(int width, int fh) {
    std::string s;
    if (!spec_.latin) {
      int n = std::max(1, width / fh);
      const std::string chars(kHanzi);
      bool punct = false;
      for (int i = 0; i < n; ++i) {
        if (i > 0 && i < n - 1 && !punct && rng_() % 9 == 0) {
          punct = true;
          s += (rng_() % 2) ? "，" : "。";
          continue;
        }
        punct = false;
        size_t k = (rng_() % (chars.size() / 3)) * 3;
        s += chars.substr(k, 3);
      }
      return s;
    }
    while (true) {
      std::string w = kWords[rng_() % (sizeof(kWords) / sizeof(kWords[0]))];
      std::string t = s.empty() ? w : s + " " + w;
      if (ft_->getTextSize(t, fh, -1, nullptr).width > width) return s.empty() ? w : s;
      s = t;
    }
  }

  // Draws lines of text in a box; returns the ink box (page coordinates).
  Box Lines(int x, int y, int width, int lines, int fh, double pitch, bool paragraphs) {
    cv::Rect ink;
    for (int i = 0; i < lines; ++i) {
      int indent = paragraphs && i % 5 == 0 ? 2 * fh : 0;
      int w = width - indent;
      if (paragraphs && i % 5 == 4) w = width / 3;  // a paragraph's short last line
      std::string t = Text(w, fh);
      int ly = y + static_cast<int>(i * pitch * fh);
      ft_->putText(page_, t, cv::Point(x + indent, ly), fh, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
      cv::Size sz = ft_->getTextSize(t, fh, -1, nullptr);
      cv::Rect r(x + indent, ly, sz.width, static_cast<int>(fh * 1.3));
      ink = ink.area() ? (ink | r) : r;
    }
    return Tight(ink);
  }

  // Ink bounding box inside r.
  Box Tight(cv::Rect r) {
    r &= cv::Rect(0, 0, page_.cols, page_.rows);
    cv::Mat roi;
    cv::extractChannel(page_(r), roi, 0);
    roi = roi < 128;
    cv::Rect b = cv::boundingRect(roi);
    return {r.x + b.x, r.y + b.y, b.width, b.height};
  }

  // Draws `t` in black with its top-left at (x, y), font height fh; returns its width.
  int Put(const std::string& t, int x, int y, int fh) {
    ft_->putText(page_, t, cv::Point(x, y), fh, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
    return ft_->getTextSize(t, fh, -1, nullptr).width;
  }
  std::mt19937& rng() { return rng_; }

 private:
  const SynthSpec& spec_;
  cv::Mat& page_;
  std::mt19937 rng_;
  cv::Ptr<cv::freetype::FreeType2> ft_;
};

// A4 at 200 dpi: body 28 px (10 pt), headlines 64 px, gutters 1.2 em.
SynthPage Draw(const SynthSpec& spec) {
  SynthPage p;
  p.columns = spec.columns;
  p.gray = cv::Mat(2339, 1654, CV_8UC3, cv::Scalar(255, 255, 255));  // cv::freetype draws on BGR
  Painter paint(spec, p.gray);
  const int left = 110, right = 1654 - 110, fh = 28, gutter = 34;
  const int n = spec.columns;
  const int colw = (right - left - (n - 1) * gutter) / n;
  auto colx = [&](int c) { return left + c * (colw + gutter); };
  const double pitch = 1.5;

  // Running header: paper name, date, page number; a rule under it.
  for (int part = 0; part < 3; ++part) {
    int x = left + part * (right - left) / 3 + (part == 2 ? 300 : 0);
    Box b = paint.Lines(x, 60, part == 1 ? 360 : 200, 1, 24, pitch, false);
    p.truth.push_back({b, Role::kRunningHeader, -1, -1});
  }
  cv::rectangle(p.gray, cv::Rect(left, 112, right - left, 4), cv::Scalar(0, 0, 0), cv::FILLED);

  int y = 160;
  // Article 0: headline over all columns, byline, body in every column.
  Box h0 = paint.Lines(left + 40, y, right - left - 200, 1, 64, 1.3, false);
  p.truth.push_back({h0, Role::kHeadline, -1, 0});
  y = h0.y + h0.h + 24;
  Box by0 = paint.Lines(left, y, 260, 1, 24, pitch, false);
  p.truth.push_back({by0, Role::kByline, 0, 0});
  y = by0.y + by0.h + 26;
  const int lines0 = 16;
  for (int c = 0; c < n; ++c) {
    Box b = paint.Lines(colx(c), y, colw, lines0, fh, pitch, true);
    p.truth.push_back({b, Role::kBody, c, 0});
  }
  y += static_cast<int>(lines0 * pitch * fh) + 70;

  // Article 1: headline over all columns, a photo with its caption at the
  // top of the last column, the body below it.
  Box h1 = paint.Lines(left, y, right - left - 300, 1, 56, 1.3, false);
  p.truth.push_back({h1, Role::kHeadline, -1, 1});
  int body_y = h1.y + h1.h + 30;
  const int lines1 = 14;
  const int text_cols = n >= 2 ? n - 1 : n;
  for (int c = 0; c < text_cols; ++c) {
    Box b = paint.Lines(colx(c), body_y, colw, lines1, fh, pitch, true);
    p.truth.push_back({b, Role::kBody, c, 1});
  }
  if (n >= 2) {
    Box photo{colx(n - 1), body_y, colw, 300};
    p.photos.push_back(photo);  // binarize took its pixels out of the mask
    Box cap = paint.Lines(colx(n - 1), photo.y + photo.h + 14, colw, 2, 22, 1.4, false);
    int below = cap.y + cap.h + 36;
    int rest = lines1 - static_cast<int>((below - body_y) / (pitch * fh));
    Box b = paint.Lines(colx(n - 1), below, colw, rest, fh, pitch, true);
    p.truth.push_back({b, Role::kBody, n - 1, 1});
    p.truth.push_back({cap, Role::kCaption, n - 1, 1});
  }

  // Running footer: a lone line at the bottom.
  Box f = paint.Lines(left, 2339 - 110, 500, 1, 22, pitch, false);
  p.truth.push_back({f, Role::kRunningFooter, -1, -1});

  for (int i = 0; i < spec.specks; ++i) {
    int r = 1 + static_cast<int>(paint.rng()() % 2);
    cv::circle(p.gray, {static_cast<int>(paint.rng()() % 1654), static_cast<int>(paint.rng()() % 2339)}, r,
               cv::Scalar(0, 0, 0), cv::FILLED);
  }
  cv::cvtColor(p.gray, p.gray, cv::COLOR_BGR2GRAY);
  if (spec.skew_degrees != 0) {
    cv::Mat rot = cv::getRotationMatrix2D({827, 1170}, spec.skew_degrees, 1.0);
    cv::warpAffine(p.gray, p.gray, rot, p.gray.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
  }
  return p;
}

// Set OCRFLOW_LAYOUT_DEBUG=<dir> to look at the overlays of the test pages.
void MaybeDump(const SynthPage& p, const LayoutResult& r) {
  const char* dir = std::getenv("OCRFLOW_LAYOUT_DEBUG");
  if (dir == nullptr) return;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  static int n = 0;
  cv::imwrite(std::string(dir) + "/" + info->name() + "-" + std::to_string(n++) + ".png", DrawLayout(p.gray, p.photos, r));
}

cv::Mat Mask(const cv::Mat& gray) {
  cv::Mat m;
  cv::threshold(gray, m, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return m;
}

// Layout of a page drawn in BGR (cv::freetype draws on BGR), at 200 dpi.
LayoutResult AnalyzeDrawn(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return AnalyzeLayout(Mask(gray), {}, 200, {});
}

double Area(const Box& b) { return static_cast<double>(b.w) * b.h; }
double Inter(const Box& a, const Box& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  return x1 > x0 && y1 > y0 ? static_cast<double>(x1 - x0) * (y1 - y0) : 0;
}
// Our block `b` stands for truth block `t`: it holds (nearly) all of t and is
// mostly t (it carries a margin of its own).
bool Covers(const Box& b, const Box& t) { return Inter(b, t) >= 0.9 * Area(t) && Inter(b, t) >= 0.4 * Area(b); }

std::string Describe(const LayoutResult& r) {
  std::ostringstream s;
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    const LayoutBlock& b = r.blocks[i];
    s << "  #" << i << " " << RoleName(b.role) << " col " << b.column << " art " << b.article << " [" << b.box.x
      << "," << b.box.y << " " << b.box.w << "x" << b.box.h << "] lines " << b.lines << "\n";
  }
  for (const Box& b : r.rules) s << "  rule [" << b.x << "," << b.y << " " << b.w << "x" << b.h << "]\n";
  return s.str();
}

// Every truth block covered by exactly one block, with its role; blocks in
// the drawn reading order; every block stands for some truth block.
void ExpectMatchesTruth(const LayoutResult& r, const std::vector<Drawn>& truth, bool check_columns = true) {
  SCOPED_TRACE("layout:\n" + Describe(r));
  std::vector<int> match(truth.size(), -1);
  for (size_t t = 0; t < truth.size(); ++t) {
    int count = 0;
    for (size_t b = 0; b < r.blocks.size(); ++b)
      if (Covers(r.blocks[b].box, truth[t].box)) {
        ++count;
        match[t] = static_cast<int>(b);
      }
    EXPECT_EQ(count, 1) << "truth block " << t << " (" << RoleName(truth[t].role) << " at " << truth[t].box.x << ","
                        << truth[t].box.y << " " << truth[t].box.w << "x" << truth[t].box.h << ")";
    if (count == 1) {
      EXPECT_EQ(RoleName(r.blocks[match[t]].role), std::string(RoleName(truth[t].role))) << "truth block " << t;
      if (check_columns) {
        EXPECT_EQ(r.blocks[match[t]].column, truth[t].column) << "truth block " << t;
      }
    }
  }
  EXPECT_EQ(r.blocks.size(), truth.size());
  for (size_t t = 1; t < truth.size(); ++t) {
    if (match[t - 1] >= 0 && match[t] >= 0) {
      EXPECT_LT(match[t - 1], match[t]) << "truth blocks " << t - 1 << ", " << t;
    }
  }
}

TEST(Layout, ThreeColumnChinesePage) {
  SynthPage p = Draw({});
  LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
  MaybeDump(p, r);
  EXPECT_EQ(r.columns, 3);
  ASSERT_FALSE(r.blocks.empty());
  EXPECT_EQ(r.blocks.front().role, Role::kRunningHeader);
  EXPECT_EQ(r.blocks.back().role, Role::kRunningFooter);
  EXPECT_EQ(r.blocks[3].role, Role::kHeadline);
  ExpectMatchesTruth(r, p.truth);
}

TEST(Layout, ArticlesKeepTheirBlocksTogetherAndCaptionComesLast) {
  SynthPage p = Draw({});
  LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
  MaybeDump(p, r);
  // Article numbers never go back once a new one started, and the caption is
  // the last block of its article.
  int last_article = -1;
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    const LayoutBlock& b = r.blocks[i];
    if (b.article < 0) continue;
    EXPECT_GE(b.article, last_article) << Describe(r);
    last_article = b.article;
    if (b.role == Role::kCaption && i + 1 < r.blocks.size()) {
      EXPECT_NE(r.blocks[i + 1].article, b.article) << Describe(r);
    }
  }
  EXPECT_EQ(last_article, 1);
}

// Ragged-right English: the white after a column's short lines runs on into
// the page margin and once parted a longer line's last word from it; the
// first line of the second article's body, short and indented, once passed
// for a byline.
TEST(Layout, FiveColumnEnglishPage) {
  SynthSpec spec;
  spec.columns = 5;
  spec.latin = true;
  SynthPage p = Draw(spec);
  LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
  MaybeDump(p, r);
  EXPECT_EQ(r.columns, 5);
  ExpectMatchesTruth(r, p.truth);
}

// The second headline's 贞 stands between a 。 and a ， here: its top touches
// no glyph of the row and once made a block of its own.
TEST(Layout, TwoColumns) {
  SynthSpec spec;
  spec.columns = 2;
  SynthPage p = Draw(spec);
  LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
  MaybeDump(p, r);
  EXPECT_EQ(r.columns, 2);
  ExpectMatchesTruth(r, p.truth);
}

// 400 blots of 3-5 pixels, some just over speck_em: they once cut the open
// space around a headline into a "gutter" that split it, ran a header line
// out into the margin and stood as a footer or as lines of a column.
TEST(Layout, ToleratesResidualSkewAndSpecks) {
  for (double skew : {0.2, -0.2}) {
    SCOPED_TRACE("skew " + std::to_string(skew));
    SynthSpec spec;
    spec.skew_degrees = skew;
    spec.specks = 400;
    spec.seed = 11;
    SynthPage p = Draw(spec);
    LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
    MaybeDump(p, r);
    EXPECT_EQ(r.columns, 3);
    ExpectMatchesTruth(r, p.truth);
  }
}

// On a tight or blurred scan a descender runs into the line below: one
// component then touches the glyphs of two lines. It must not join them into
// one two-line-high "headline" (a real three-column page lost its reading
// order that way). Here strokes from the top of a line to the foot of the
// next join a glyph of each, twice in each of two columns; the blocks, their roles and their line
// counts stay as on the clean page.
TEST(Layout, AGlyphRunIntoTheLineBelowDoesNotJoinTheTwoLines) {
  SynthPage clean = Draw({});
  LayoutResult want = AnalyzeLayout(Mask(clean.gray), clean.photos, 200, {});
  SynthPage p = Draw({});
  const double pitch = 1.5 * 28;
  for (int t : {5, 6}) {  // article 0, columns 0 and 1 (after the header, headline and byline)
    const Box& b = p.truth[t].box;
    ASSERT_EQ(p.truth[t].role, Role::kBody);
    for (int line : {1, 6}) {  // from the top of this line to the foot of the next (both full lines)
      const int y = b.y + static_cast<int>(line * pitch);
      p.gray(cv::Rect(b.x + 100 + 30 * line, y, 14, static_cast<int>(pitch) + 26)).setTo(0);
    }
  }
  LayoutResult r = AnalyzeLayout(Mask(p.gray), p.photos, 200, {});
  MaybeDump(p, r);
  ExpectMatchesTruth(r, p.truth);
  ASSERT_EQ(r.blocks.size(), want.blocks.size()) << Describe(r);
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    EXPECT_EQ(r.blocks[i].lines, want.blocks[i].lines) << "block " << i << "\n" << Describe(r);
    EXPECT_EQ(r.blocks[i].role, want.blocks[i].role) << "block " << i;
  }
}

// Underlined lines (a textbook's answers): each line's glyphs touch its
// underline, so line and underline are one long flat component, which passed
// for a rule and took the line's words out of the text. The underline must be
// a rule of its own and the words text.
TEST(Layout, UnderlinedTextIsTextOverARule) {
  SynthSpec spec;
  SynthPage p;
  p.gray = cv::Mat(900, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  Painter paint(spec, p.gray);
  std::vector<Box> lines, underlines;
  for (int i = 0; i < 6; ++i) {
    Box b = paint.Lines(100, 100 + i * 60, 800, 1, 28, 1.5, false);
    lines.push_back(b);
    if (i % 2 == 1) {  // every other line underlined, the rule through the glyphs' feet
      Box u{b.x, b.bottom() - 6, b.w, 4};
      cv::rectangle(p.gray, cv::Rect(u.x, u.y, u.w, u.h), cv::Scalar(0, 0, 0), cv::FILLED);
      underlines.push_back(u);
    }
  }
  cv::cvtColor(p.gray, p.gray, cv::COLOR_BGR2GRAY);
  LayoutResult r = AnalyzeLayout(Mask(p.gray), {}, 200, {});
  MaybeDump(p, r);
  SCOPED_TRACE("layout:\n" + Describe(r));
  // Every line's words lie in a text block.
  for (size_t i = 0; i < lines.size(); ++i) {
    Box text{lines[i].x, lines[i].y, lines[i].w, lines[i].h - 6};
    double covered = 0;
    for (const LayoutBlock& b : r.blocks) covered += Inter(b.box, text);
    EXPECT_GE(covered, 0.9 * Area(text)) << "line " << i;
  }
  // Each underline is a rule, and no rule is as tall as a line of text.
  for (const Box& u : underlines) {
    bool found = false;
    for (const Box& rule : r.rules) found |= Inter(rule, u) >= 0.8 * Area(u);
    EXPECT_TRUE(found) << "underline at y " << u.y;
  }
  for (const Box& rule : r.rules) EXPECT_LT(std::min(rule.w, rule.h), 10) << rule.x << "," << rule.y;
}

// A headline wrapped in a narrow column, word by word: lines without a
// descender ("Fairhaven", "Breaks Ground") fall short of large text by their
// height and once made blocks of their own, body text among the headline's
// lines; and a line that outruns the others by whole words once did too.
TEST(Layout, NarrowColumnHeadlineKeepsAllItsLines) {
  cv::Mat page(1400, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  SynthSpec spec;
  spec.latin = true;
  Painter paint(spec, page);
  int y = 80;
  for (const char* t : {"Fairhaven", "Approves New", "Bridge Plan", "Breaks Ground Today"}) {
    paint.Put(t, 100, y, 56);
    y += 70;
  }
  y += 30;
  for (int i = 0; i < 24; ++i, y += 42) paint.Lines(100, y, 420, 1, 28, 1.5, false);
  LayoutResult r = AnalyzeDrawn(page);
  SCOPED_TRACE("layout:\n" + Describe(r));
  ASSERT_GE(r.blocks.size(), 2u);
  EXPECT_EQ(r.blocks[0].role, Role::kHeadline);
  EXPECT_EQ(r.blocks[0].lines, 4);
  for (size_t i = 1; i < r.blocks.size(); ++i) EXPECT_NE(r.blocks[i].role, Role::kHeadline) << "block " << i;
}

// In a narrow justified column the indented first line spreads its few
// words: "City" stood 3.6 em from "planners" on a real page and made a line
// of its own, read twice (once in a byline block above it).
TEST(Layout, AWidelySpacedLineStaysOneLine) {
  cv::Mat page(900, 800, CV_8UC3, cv::Scalar(255, 255, 255));
  SynthSpec spec;
  spec.latin = true;
  Painter paint(spec, page);
  const int x0 = 100, width = 440, fh = 28, pitch = 42;
  // First line: indent, one word, then 130 px of white (about 4 em).
  const int city = paint.Put("City", x0 + 2 * fh, 100, fh);
  paint.Put("planners said", x0 + 2 * fh + city + 130, 100, fh);
  for (int i = 1; i < 10; ++i) paint.Lines(x0, 100 + i * pitch, width, 1, fh, 1.5, false);
  LayoutResult r = AnalyzeDrawn(page);
  SCOPED_TRACE("layout:\n" + Describe(r));
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].lines, 10);
}

// A line that ends "：“企": the colon and the open quote leave more than an
// em of white, and what follows is short pieces (the quote marks with the
// roof of 企, then its foot), too short to have a size of their own. They
// once failed the size check of the row join and became a block, read "硬企".
TEST(Layout, ALineEndingAfterAColonAndQuoteKeepsItsLastGlyph) {
  cv::Mat page(700, 800, CV_8UC3, cv::Scalar(255, 255, 255));
  SynthSpec spec;
  Painter paint(spec, page);
  const int x0 = 100, width = 476, fh = 28, pitch = 42;
  for (int i = 0; i < 10; ++i) {
    if (i % 3 == 1) {
      paint.Put("镇长赵启明表示：“企业订单", x0 + 2 * fh, 80 + i * pitch, fh);
      paint.Put("镇长赵启明和他表示：“企", x0, 80 + (i + 1) * pitch, fh);
      ++i;
      continue;
    }
    paint.Lines(x0, 80 + i * pitch, width, 1, fh, 1.5, false);
  }
  LayoutResult r = AnalyzeDrawn(page);
  SCOPED_TRACE("layout:\n" + Describe(r));
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].lines, 10);
}

// A section boxed by a frame, its text in two columns set closer than the
// page's gutters (1.3 em): the frame is one hollow component, and as a solid
// obstacle it once hid the channel between them, so each line ran across
// both columns and was a block of its own (an e-paper's boxed section).
TEST(Layout, TwoColumnsInsideAFrameAreReadOneAfterTheOther) {
  SynthSpec spec;
  cv::Mat page(1100, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  Painter paint(spec, page);
  const int fh = 28, width = 12 * fh, gap = 36, top = 140, lines = 16;
  std::vector<Drawn> truth;
  truth.push_back({paint.Lines(140, top, width, lines, fh, 1.5, false), Role::kBody, 0, 0});
  truth.push_back({paint.Lines(140 + width + gap, top, width, lines, fh, 1.5, false), Role::kBody, 1, 0});
  const cv::Rect frame(100, 100, 2 * width + gap + 80, static_cast<int>(lines * 1.5 * fh) + 80);
  cv::rectangle(page, frame, cv::Scalar(0, 0, 0), 3);
  SynthPage p;
  cv::cvtColor(page, p.gray, cv::COLOR_BGR2GRAY);
  const LayoutResult r = AnalyzeLayout(Mask(p.gray), {}, 200, {});
  MaybeDump(p, r);
  ExpectMatchesTruth(r, truth, false);
  // The frame's sides are rules; the frame is no block of its own.
  EXPECT_GE(r.rules.size(), 2u) << Describe(r);
}

// A table drawn with rules, between two paragraphs of one column. Drawn
// clean (its rules one component, a picture) and as a tilted scan leaves it
// once deskewed: hairlines a pixel thick, in pieces a pixel apart in height,
// with breaks. Either way the grid is found, its cells are not read as prose
// (the JSON lists the table), and its top and bottom rules part it from the
// paragraphs: the one above once ran on into the table's cells.
TEST(Layout, ARuledTableIsLeftOutAndPartsTheTextAroundIt) {
  for (bool scanned : {false, true}) {
    SCOPED_TRACE(scanned ? "rules in stepped pieces" : "clean rules");
    SynthSpec spec;
    spec.latin = true;
    cv::Mat page(1100, 1300, CV_8UC3, cv::Scalar(255, 255, 255));
    Painter paint(spec, page);
    const int fh = 28, x = 100, width = 1100;
    std::vector<Drawn> truth;
    truth.push_back({paint.Lines(x, 100, width, 3, fh, 1.5, false), Role::kBody, 0, 0});
    const cv::Rect grid(x, 260, width, 4 * 52);
    const int cols[] = {grid.x, grid.x + 400, grid.x + 750, grid.x + width};
    auto hline = [&](int y) {
      if (!scanned) {
        cv::line(page, {grid.x, y}, {grid.x + width, y}, cv::Scalar(0, 0, 0), 2);
        return;
      }
      // Pieces of 140 px, each a pixel lower than the last; every third
      // piece ends in a break of 5 px.
      for (int k = 0, px = grid.x; px < grid.x + width; ++k, px += 140) {
        const int end = std::min(grid.x + width, px + 140 - (k % 3 == 2 ? 5 : 0));
        cv::line(page, {px, y + k % 2}, {end - 1, y + k % 2}, cv::Scalar(0, 0, 0), 1);
      }
    };
    for (int r = 0; r <= 4; ++r) hline(grid.y + r * 52);
    for (int c : cols) {
      if (!scanned) {
        cv::line(page, {c, grid.y}, {c, grid.y + grid.height}, cv::Scalar(0, 0, 0), 2);
      } else {
        // Two pixels wide, the lower half a pixel to the right.
        page(cv::Rect(c, grid.y, 2, grid.height / 2)).setTo(cv::Scalar(0, 0, 0));
        page(cv::Rect(c + 1, grid.y + grid.height / 2, 2, grid.height - grid.height / 2)).setTo(cv::Scalar(0, 0, 0));
      }
    }
    const char* cells[4][3] = {{"Item", "2023", "2024"}, {"Corn", "7,120", "7,480"}, {"Wheat", "3,905", "4,010"},
                               {"Barley", "1,262", "1,318"}};
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 3; ++c) paint.Put(cells[r][c], cols[c] + 30, grid.y + r * 52 + 10, fh);
    truth.push_back({paint.Lines(x, grid.y + grid.height + 40, width, 3, fh, 1.5, false), Role::kBody, 0, 0});
    SynthPage p;
    cv::cvtColor(page, p.gray, cv::COLOR_BGR2GRAY);
    const LayoutResult r = AnalyzeLayout(Mask(p.gray), {}, 200, {});
    MaybeDump(p, r);
    ExpectMatchesTruth(r, truth, false);
    ASSERT_EQ(r.grids.size(), 1u) << Describe(r);
    const Box& g = r.grids[0];
    EXPECT_NEAR(g.x, grid.x, 3);
    EXPECT_NEAR(g.y, grid.y, 3);
    EXPECT_NEAR(g.right(), grid.x + grid.width, 3);
    EXPECT_NEAR(g.bottom(), grid.y + grid.height, 3);
    // Without the tables option the cells are read, as blocks inside it.
    LayoutOptions read_tables;
    read_tables.tables = false;
    const LayoutResult all = AnalyzeLayout(Mask(p.gray), {}, 200, read_tables);
    EXPECT_TRUE(all.grids.empty());
    int inside = 0;
    for (const LayoutBlock& b : all.blocks) inside += Inter(b.box, g) >= 0.5 * Area(b.box) ? 1 : 0;
    EXPECT_GE(inside, 3) << Describe(all);
  }
}

// A box with a title over a rule and two columns of text parted by a rule
// has column rules from its top to its bottom and three row rules too, but
// its body is one row many lines tall: no table. Its text is read.
TEST(Layout, ABoxOfTwoColumnsUnderATitleRuleIsNoTable) {
  SynthSpec spec;
  spec.latin = true;
  cv::Mat page(1100, 1300, CV_8UC3, cv::Scalar(255, 255, 255));
  Painter paint(spec, page);
  const int fh = 28;
  const cv::Rect box(100, 100, 1000, 700);
  cv::rectangle(page, box, cv::Scalar(0, 0, 0), 2);
  cv::line(page, {box.x, box.y + 80}, {box.x + box.width, box.y + 80}, cv::Scalar(0, 0, 0), 2);
  cv::line(page, {box.x + 500, box.y + 80}, {box.x + 500, box.y + box.height}, cv::Scalar(0, 0, 0), 2);
  paint.Put("Council budget at a glance", box.x + 30, box.y + 22, fh);
  paint.Lines(box.x + 30, box.y + 110, 440, 12, fh, 1.5, false);
  paint.Lines(box.x + 530, box.y + 110, 440, 12, fh, 1.5, false);
  SynthPage p;
  cv::cvtColor(page, p.gray, cv::COLOR_BGR2GRAY);
  const LayoutResult r = AnalyzeLayout(Mask(p.gray), {}, 200, {});
  MaybeDump(p, r);
  EXPECT_TRUE(r.grids.empty()) << Describe(r);
  int lines = 0;
  for (const LayoutBlock& b : r.blocks) lines += b.lines;
  EXPECT_GE(lines, 24) << Describe(r);
}

TEST(Layout, BlankPageHasNoBlocks) {
  cv::Mat white(800, 600, CV_8U, cv::Scalar(255));
  LayoutResult r = AnalyzeLayout(white, {}, 200, {});
  EXPECT_TRUE(r.blank);
  EXPECT_TRUE(r.blocks.empty());
}

TEST(Layout, RulesAreNotText) {
  cv::Mat page(800, 600, CV_8U, cv::Scalar(255));
  cv::rectangle(page, cv::Rect(50, 100, 500, 3), cv::Scalar(0), cv::FILLED);
  cv::rectangle(page, cv::Rect(300, 150, 3, 500), cv::Scalar(0), cv::FILLED);
  LayoutResult r = AnalyzeLayout(page, {}, 200, {});
  EXPECT_TRUE(r.blocks.empty()) << Describe(r);
  EXPECT_EQ(r.rules.size(), 2u);
}

// Broken rules are found whole, at their own size, whether the page is
// searched at full resolution (small type) or first at half (large type:
// em >= 24 pixels). With no text on the page, em comes from the resolution
// (2 % of the dpi / 0.8): 18.75 and 37.5 pixels here.
TEST(Layout, BrokenRulesAreFoundWholeAtEveryScale) {
  for (int s : {1, 2}) {
    SCOPED_TRACE("scale " + std::to_string(s));
    cv::Mat page(800 * s, 600 * s, CV_8U, cv::Scalar(255));
    const cv::Rect hrule(50 * s, 100 * s, 500 * s, 3), vrule(300 * s + 1, 150 * s + 1, 3, 500 * s);
    page(hrule).setTo(0);
    page(vrule).setTo(0);
    // Scanner breaks, narrower than what closing bridges (0.08 em across a
    // rule's length for horizontal ones, a quarter em for vertical ones), an
    // odd number of pixels wide and off the even grid.
    for (int k = 1; k <= 3; ++k) {
      page(cv::Rect(hrule.x + k * 120 * s + 1, hrule.y, 3, hrule.height)).setTo(255);
      page(cv::Rect(vrule.x, vrule.y + k * 110 * s + 1, vrule.width, 7)).setTo(255);
    }
    LayoutResult r = AnalyzeLayout(page, {}, 750 * s, {});
    EXPECT_TRUE(r.blocks.empty()) << Describe(r);
    // Each drawn rule is found whole (its pieces may be listed too), and
    // nothing else is.
    int whole = 0;
    for (const Box& b : r.rules) {
      const cv::Rect want = b.w > b.h ? hrule : vrule;
      const cv::Rect got(b.x, b.y, b.w, b.h);
      EXPECT_EQ(got & (want + cv::Size(2, 2) - cv::Point(1, 1)), got) << Describe(r);
      whole += std::abs(b.x - want.x) <= 1 && std::abs(b.y - want.y) <= 1 &&
               std::abs(b.right() - (want.x + want.width)) <= 1 && std::abs(b.bottom() - (want.y + want.height)) <= 1;
    }
    EXPECT_EQ(whole, 2) << Describe(r);
  }
}

TEST(Layout, StageFillsBlocksInOrderAndDrawsDebugImage) {
  SynthPage p = Draw({});
  Page page;
  page.image = FromMat(p.gray);
  page.text_mask = FromMat(Mask(p.gray));
  page.info.photos = p.photos;
  page.info.dpi = 200;
  RunContext ctx;
  Raster debug;
  std::string debug_name;
  ctx.debug = [&](const std::string& name, const Raster& img) {
    debug_name = name;
    debug = img;
  };
  ASSERT_TRUE(LayoutPage(page, {}, ctx).ok());
  ASSERT_EQ(page.blocks.size(), p.truth.size());
  EXPECT_EQ(page.blocks.front().layout_role, Role::kRunningHeader);
  EXPECT_EQ(page.blocks[3].layout_role, Role::kHeadline);
  for (const Block& b : page.blocks) {
    EXPECT_TRUE(b.box.has_value());
    EXPECT_TRUE(b.lines.empty());
  }
  EXPECT_EQ(debug_name, "30-layout");
  EXPECT_EQ(debug.channels, 3);
  EXPECT_EQ(debug.width, p.gray.cols);
}

TEST(Layout, StageThresholdsTheImageWhenThereIsNoMask) {
  SynthPage p = Draw({});
  Page page;
  page.image = FromMat(p.gray);
  page.info.photos = p.photos;
  ASSERT_TRUE(LayoutPage(page, {}, RunContext{}).ok());
  EXPECT_EQ(page.blocks.size(), p.truth.size());
}

TEST(Layout, OptionsAreDeclared) {
  LayoutOptions o;
  ASSERT_TRUE(SetOption(LayoutFields(), o, "gutter_em", "1.5").ok());
  EXPECT_EQ(o.gutter_em, 1.5);
  EXPECT_FALSE(SetOption(LayoutFields(), o, "no_such", "1").ok());
  EXPECT_EQ(LayoutStageInfo().name, "layout");
}

}  // namespace
}  // namespace ocrflow::image
