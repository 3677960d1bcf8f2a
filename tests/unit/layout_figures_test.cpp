// Layout step 7, figures (stages/image/layout/figures.h), on blocks placed
// here: the small blocks around a chart, between it and the margin or its
// caption, are its labels and leave the text; the caption, the text beside
// the chart and small text between other text and the chart stay.
#include <gtest/gtest.h>

#include <sstream>

#include "stages/image/layout/figures.h"
#include "stages/image/layout/roles.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;
constexpr int kPitch = 36;

// Blocks and their lines, placed by hand (as in layout_roles_test.cpp).
struct Drawn {
  Ink ink;
  PageText text;

  Drawn() {
    ink.page = cv::Size(1400, 1600);
    ink.em = kEm;
    ink.body_size = kEm;
  }
  // A block of n lines `width` wide from (x, y), line boxes `h` tall
  // `pitch` apart; returns its box.
  cv::Rect AddBlock(int x, int y, int width, int n, int h = kEm, int pitch = kPitch) {
    TextBlock b;
    for (int i = 0; i < n; ++i) {
      TextLine l;
      l.r = cv::Rect(x, y + i * pitch, width, h);
      l.size = h;
      l.core_top = l.r.y;
      l.core_bottom = l.r.y + h;
      b.lines.push_back(static_cast<int>(text.lines.size()));
      text.lines.push_back(l);
      b.r = b.r.area() ? (b.r | l.r) : l.r;
    }
    text.blocks.push_back(b);
    return b.r;
  }
  // The captions first, as the layout runs them, then the figures.
  std::vector<Figure> Figures() {
    FindCaptions(text.blocks, text.lines, ink, LayoutOptions{});
    return FindFigures(text.blocks, text.lines, ink);
  }
  // The role of the block at `r`, or "gone".
  std::string RoleAt(const cv::Rect& r) const {
    for (const TextBlock& b : text.blocks)
      if (b.r == r) return RoleName(b.role);
    return "gone";
  }
};

std::string Describe(const Drawn& d) {
  std::ostringstream s;
  for (const TextBlock& b : d.text.blocks)
    s << " [" << b.r.x << "," << b.r.y << " " << b.r.width << "x" << b.r.height << " " << RoleName(b.role) << "]";
  return s.str();
}

// A pie chart with a paragraph beside it: names and values left of the
// frame and one just under it, above the caption, are the chart's labels.
TEST(LayoutFigures, TheLabelsAroundAChartAreTheFigures) {
  Drawn d;
  const cv::Rect chart(400, 300, 300, 300);
  d.ink.photos = {chart};
  const cv::Rect above = d.AddBlock(100, 100, 1000, 5);
  const cv::Rect beside = d.AddBlock(724, 300, 400, 8);           // the text beside the chart
  const cv::Rect left = d.AddBlock(330, 320, 64, 2, 18, 22);       // "Gansu," / "28.9 %"
  const cv::Rect left2 = d.AddBlock(310, 420, 84, 2, 18, 22);
  const cv::Rect under = d.AddBlock(450, 596, 64, 1, 18);          // reaches into the frame
  const cv::Rect caption = d.AddBlock(470, 630, 150, 2);          // short, but the caption
  const cv::Rect below = d.AddBlock(100, 760, 1000, 4);
  const std::vector<Figure> figs = d.Figures();
  SCOPED_TRACE("blocks:" + Describe(d));
  ASSERT_EQ(figs.size(), 1u);
  EXPECT_EQ(figs[0].photo, 0u);
  EXPECT_EQ(figs[0].labels.size(), 3u);
  EXPECT_EQ(figs[0].box, chart | left | left2 | under);
  for (const cv::Rect& r : {left, left2, under}) EXPECT_EQ(d.RoleAt(r), "gone");
  EXPECT_EQ(d.RoleAt(caption), "caption");
  for (const cv::Rect& r : {above, beside, below}) EXPECT_EQ(d.RoleAt(r), "body");
}

// A short caption alone under a photo is its caption, not a label: nothing
// lies between it and the photo's caption, it is the caption.
TEST(LayoutFigures, AShortCaptionAloneUnderAPhotoStaysACaption) {
  Drawn d;
  d.ink.photos = {cv::Rect(400, 300, 300, 300)};
  const cv::Rect caption = d.AddBlock(500, 612, 100, 1);
  EXPECT_TRUE(d.Figures().empty()) << Describe(d);
  EXPECT_EQ(d.RoleAt(caption), "caption");
}

// Small text is no label when other text lies beyond it on its side of the
// photo (it sits between a column and the photo), when it stands farther
// than kLabelReachEm from the photo, or when it is too long for one.
TEST(LayoutFigures, TextThatAColumnOrTheDistanceClaimsIsNoLabel) {
  Drawn d;
  const cv::Rect photo(600, 300, 300, 300);
  d.ink.photos = {photo};
  const cv::Rect column = d.AddBlock(100, 300, 400, 8);           // left of the photo
  const cv::Rect between = d.AddBlock(520, 320, 60, 1);           // between it and the photo
  const cv::Rect far = d.AddBlock(900 + 3 * kEm, 400, 60, 1);     // 3 em right of the photo
  const cv::Rect longer = d.AddBlock(910, 500, 10 * kEm, 1);      // a line 10 em long
  const cv::Rect label = d.AddBlock(910, 320, 60, 1);             // right, nothing beyond: a label
  const std::vector<Figure> figs = d.Figures();
  SCOPED_TRACE("blocks:" + Describe(d));
  ASSERT_EQ(figs.size(), 1u);
  EXPECT_EQ(figs[0].labels, std::vector<cv::Rect>{label});
  for (const cv::Rect& r : {column, between, far, longer}) EXPECT_EQ(d.RoleAt(r), "body");
  EXPECT_EQ(d.RoleAt(label), "gone");
}

// A "photo" from the top of the page to its bottom is a scan's dark border:
// the specks beside it that passed for text are no labels of it.
TEST(LayoutFigures, AStripAcrossThePageHasNoLabels) {
  Drawn d;
  d.ink.photos = {cv::Rect(1250, 0, 150, 1600)};
  const cv::Rect speck = d.AddBlock(1200, 700, 30, 1);
  EXPECT_TRUE(d.Figures().empty()) << Describe(d);
  EXPECT_EQ(d.RoleAt(speck), "body");
  d.ink.photos = {cv::Rect(1250, 10, 150, 1500)};  // a photo: the page goes on under it
  EXPECT_EQ(d.Figures().size(), 1u) << Describe(d);
}

}  // namespace
}  // namespace ocrflow::image::layout
