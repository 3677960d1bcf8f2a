// Layout step 7 (stages/image/layout/roles.h, columns.h) on blocks placed
// here: running header and footer, sub-headline, byline, caption, columns.
#include <gtest/gtest.h>

#include <sstream>

#include "stages/image/layout/columns.h"
#include "stages/image/layout/geometry.h"
#include "stages/image/layout/roles.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;
constexpr int kPitch = 36;

// Blocks and their lines, placed by hand (roles read the lines' boxes and
// sizes only).
struct Drawn {
  Ink ink;
  PageText text;

  Drawn() {
    ink.page = cv::Size(1400, 1600);
    ink.em = kEm;
    ink.body_size = kEm;
  }
  // A block of n lines `width` wide from (x, y), line boxes `h` tall `pitch`
  // apart with glyphs of `size`; returns its index.
  int AddBlock(int x, int y, int width, int n, Role role = Role::kBody, int h = kEm, int pitch = kPitch, double size = kEm) {
    TextBlock b;
    b.role = role;
    b.large = role == Role::kHeadline;
    for (int i = 0; i < n; ++i) b.lines.push_back(Line(cv::Rect(x, y + i * pitch, width, h), size));
    Rehull(b);
    text.blocks.push_back(b);
    return static_cast<int>(text.blocks.size()) - 1;
  }
  int Line(const cv::Rect& r, double size = kEm) {
    TextLine l;
    l.r = r;
    l.size = size;
    l.core_top = r.y;
    l.core_bottom = r.y + r.height;
    text.lines.push_back(l);
    return static_cast<int>(text.lines.size()) - 1;
  }
  void Rehull(TextBlock& b) const {
    b.r = cv::Rect();
    for (int li : b.lines) b.r = b.r.area() ? (b.r | text.lines[li].r) : text.lines[li].r;
  }
  const TextBlock& operator[](int i) const { return text.blocks[i]; }
};

std::string Describe(const Drawn& d) {
  std::ostringstream s;
  for (const TextBlock& b : d.text.blocks)
    s << " [" << b.r.x << "," << b.r.y << " " << b.r.width << "x" << b.r.height << " " << RoleName(b.role) << "]";
  return s.str();
}

TEST(LayoutRoles, ALoneLineAtTheTopOrBottomIsARunningHeaderOrFooter) {
  Drawn d;
  const int header = d.AddBlock(100, 50, 300, 1);
  const int body = d.AddBlock(100, 120, 600, 30);
  const int footer = d.AddBlock(100, 120 + 30 * kPitch + 40, 200, 1);
  MarkRunningHeaderFooter(d.text.blocks, d.ink, LayoutOptions{});
  EXPECT_EQ(d[header].role, Role::kRunningHeader) << Describe(d);
  EXPECT_EQ(d[body].role, Role::kBody);
  EXPECT_EQ(d[footer].role, Role::kRunningFooter);
}

// Without white between it and the text a top line is the text's first.
TEST(LayoutRoles, ATopLineRightAboveTheTextIsNoHeader) {
  Drawn d;
  const int top = d.AddBlock(100, 120 - kPitch, 300, 1);
  d.AddBlock(100, 120, 600, 30);
  MarkRunningHeaderFooter(d.text.blocks, d.ink, LayoutOptions{});
  EXPECT_EQ(d[top].role, Role::kBody) << Describe(d);
}

TEST(LayoutRoles, EverythingAboveAWideRuleAtTheTopIsTheHeader) {
  Drawn d;
  const int name = d.AddBlock(100, 40, 400, 2, Role::kBody, 30, 36);  // paper name over a line
  const int date = d.AddBlock(900, 60, 200, 1);
  d.ink.rules.horizontal = {cv::Rect(100, 130, 1000, 3)};
  const int head = d.AddBlock(100, 160, 1000, 1, Role::kHeadline, 2 * kEm, 56, 2 * kEm);
  const int body = d.AddBlock(100, 240, 600, 30);
  MarkRunningHeaderFooter(d.text.blocks, d.ink, LayoutOptions{});
  EXPECT_EQ(d[name].role, Role::kRunningHeader) << Describe(d);
  EXPECT_EQ(d[date].role, Role::kRunningHeader);
  EXPECT_EQ(d[head].role, Role::kHeadline);
  EXPECT_EQ(d[body].role, Role::kBody);
}

// A folio strip (volume, date, price) between the masthead's two rules is
// the header's too; a headline between two rules is not.
TEST(LayoutRoles, AFolioLineBetweenTwoRulesUnderTheMastheadIsTheHeader) {
  for (bool headline : {false, true}) {
    SCOPED_TRACE(headline ? "a headline between the rules" : "a folio line between the rules");
    Drawn d;
    const int name = d.AddBlock(100, 40, 400, 2, Role::kBody, 30, 36);
    d.ink.rules.horizontal = {cv::Rect(100, 130, 1000, 3), cv::Rect(100, 190, 1000, 3)};
    const int strip = headline ? d.AddBlock(100, 138, 700, 1, Role::kHeadline, 48, 56, 2 * kEm)
                               : d.AddBlock(100, 150, 300, 1);
    const int price = d.AddBlock(1000, 150, 100, 1);
    const int body = d.AddBlock(100, 230, 600, 30);
    MarkRunningHeaderFooter(d.text.blocks, d.ink, LayoutOptions{});
    EXPECT_EQ(d[name].role, Role::kRunningHeader) << Describe(d);
    EXPECT_EQ(d[strip].role, headline ? Role::kHeadline : Role::kRunningHeader);
    EXPECT_EQ(d[price].role, headline ? Role::kBody : Role::kRunningHeader);
    EXPECT_EQ(d[body].role, Role::kBody);
  }
}

TEST(LayoutRoles, MidSizeTextUnderAHeadlineIsItsSubheadline) {
  for (double size : {30.0, 24.0}) {
    Drawn d;
    d.AddBlock(100, 100, 700, 1, Role::kHeadline, 2 * kEm, 56, 2 * kEm);
    const int sub = d.AddBlock(100, 160, 500, 1, Role::kBody, 30, kPitch, size);
    d.AddBlock(100, 210, 300, 10);
    FindSubheadlines(d.text.blocks, d.text.lines, d.ink);
    EXPECT_EQ(d[sub].role, size >= kSubheadlineRatio * kEm ? Role::kSubheadline : Role::kBody) << size;
  }
}

TEST(LayoutRoles, ALineUnderAHeadlineIsItsByline) {
  Drawn d;
  d.AddBlock(100, 100, 700, 1, Role::kHeadline, 2 * kEm, 56, 2 * kEm);
  const int by = d.AddBlock(100, 160, 150, 1);
  const int body = d.AddBlock(100, 200, 240, 10);
  const Columns columns = FindColumns(d.text.blocks);
  FindBylines(d.text.blocks, d.text.lines, columns, d.ink, LayoutOptions{});
  EXPECT_EQ(d[by].role, Role::kByline) << Describe(d);
  EXPECT_EQ(d[body].role, Role::kBody);
}

// A byline set solid with the body is its block's short first line; a short
// first line set in by a paragraph indent is the body's own.
TEST(LayoutRoles, AShortFirstLineUnderAHeadlineIsSplitOffUnlessIndented) {
  for (int indent : {0, 2 * kEm}) {
    SCOPED_TRACE("indent " + std::to_string(indent));
    Drawn d;
    d.AddBlock(100, 100, 700, 1, Role::kHeadline, 2 * kEm, 56, 2 * kEm);
    TextBlock body;
    body.lines.push_back(d.Line(cv::Rect(100 + indent, 170, 72, kEm)));
    for (int i = 1; i < 10; ++i) body.lines.push_back(d.Line(cv::Rect(100, 170 + i * kPitch, 240, kEm)));
    d.Rehull(body);
    d.text.blocks.push_back(body);
    const Columns columns = FindColumns(d.text.blocks);
    FindBylines(d.text.blocks, d.text.lines, columns, d.ink, LayoutOptions{});
    if (indent == 0) {
      ASSERT_EQ(d.text.blocks.size(), 3u) << Describe(d);
      EXPECT_EQ(d[2].role, Role::kByline);
      EXPECT_EQ(d[2].lines, std::vector<int>{1});
      EXPECT_EQ(d[1].lines.size(), 9u);
      EXPECT_EQ(d[1].r.y, 170 + kPitch);
    } else {
      ASSERT_EQ(d.text.blocks.size(), 2u) << Describe(d);
      EXPECT_EQ(d[1].role, Role::kBody);
    }
  }
}

TEST(LayoutRoles, AShortBlockUnderAPhotoIsItsCaption) {
  Drawn d;
  d.ink.photos = {cv::Rect(100, 100, 300, 200)};
  const int cap = d.AddBlock(100, 310, 300, 2);
  const int far = d.AddBlock(500, 310, 300, 2);  // beside the photo, not under it
  FindCaptions(d.text.blocks, d.text.lines, d.ink, LayoutOptions{});
  EXPECT_EQ(d[cap].role, Role::kCaption);
  EXPECT_EQ(d[far].role, Role::kBody);
}

// The column's text going on under a photo's short caption (its edges are
// those of the column's text above the photo) is body, not caption; a
// caption's own second line, set apart, a caption under a narrow figure,
// and a caption under a credit line set right stay captions.
TEST(LayoutRoles, TheColumnGoingOnUnderACaptionIsBody) {
  Drawn d;
  d.AddBlock(100, 100, 400, 8);  // the column above the photo, to y 376
  d.ink.photos = {cv::Rect(100, 400, 400, 200), cv::Rect(700, 400, 200, 200)};
  // All four start within caption_gap_em (2 em) under their photo.
  const int cap = d.AddBlock(110, 605, 380, 1);
  const int column = d.AddBlock(100, 640, 400, 3);
  const int cap2 = d.AddBlock(720, 605, 160, 1);
  const int cap2_more = d.AddBlock(710, 638, 180, 2);
  // A photo one column wide, its credit set right, its caption under that
  // with the column's edges.
  d.AddBlock(1000, 100, 300, 8);
  d.ink.photos.push_back(cv::Rect(1000, 400, 300, 200));
  const int credit = d.AddBlock(1150, 605, 150, 1);
  const int cap3 = d.AddBlock(1000, 640, 300, 2);
  FindCaptions(d.text.blocks, d.text.lines, d.ink, LayoutOptions{});
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d[cap].role, Role::kCaption);
  EXPECT_EQ(d[column].role, Role::kBody);
  EXPECT_EQ(d[cap2].role, Role::kCaption);
  EXPECT_EQ(d[cap2_more].role, Role::kCaption);
  EXPECT_EQ(d[credit].role, Role::kCaption);
  EXPECT_EQ(d[cap3].role, Role::kCaption);
}

// A line or two of large type between two rules about its width, inside a
// column (the column's text right above and right below the rules), is a
// pull quote, not a headline. Without either rule, or as wide as the page's
// rule across the columns, or with no text under it, it stays a headline.
TEST(LayoutRoles, LargeTypeFramedInsideAColumnIsAPullQuote) {
  enum Case { kFramed, kNoLowerRule, kRuleAcrossColumns, kNothingBelow };
  for (Case c : {kFramed, kNoLowerRule, kRuleAcrossColumns, kNothingBelow}) {
    SCOPED_TRACE(c);
    Drawn d;
    const int above = d.AddBlock(100, 100, 300, 8);  // the column, down to y 376
    const int quote = d.AddBlock(110, 420, 280, 2, Role::kHeadline, 40, 48, 1.6 * kEm);
    const int below = c == kNothingBelow ? -1 : d.AddBlock(100, 560, 300, 6);
    const int x = c == kRuleAcrossColumns ? 100 : 105, w = c == kRuleAcrossColumns ? 900 : 290;
    d.ink.rules.horizontal.push_back(cv::Rect(x, 395, w, 3));
    if (c != kNoLowerRule) d.ink.rules.horizontal.push_back(cv::Rect(x, 530, w, 3));
    FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(d[quote].role, c == kFramed ? Role::kPullQuote : Role::kHeadline);
    EXPECT_EQ(d[quote].large, c != kFramed);
    EXPECT_EQ(d[above].role, Role::kBody);
    if (below >= 0) {
      EXPECT_EQ(d[below].role, Role::kBody);
    }
  }
}

// Framed the same way, a block of type a size step above the body's (too
// small for a headline) is a pull quote too; body-size type so framed stays
// body text (a brief between two rules in a column of briefs).
TEST(LayoutRoles, MidSizeTypeFramedInsideAColumnIsAPullQuote) {
  for (double size : {1.25 * kEm, 1.15 * kEm, 1.0 * kEm}) {
    SCOPED_TRACE(size);
    Drawn d;
    d.AddBlock(100, 100, 300, 8);
    const int quote = d.AddBlock(110, 420, 280, 3, Role::kBody, 32, 36, size);
    d.AddBlock(100, 560, 300, 6);
    d.ink.rules.horizontal = {cv::Rect(105, 395, 290, 3), cv::Rect(105, 535, 290, 3)};
    FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(d[quote].role, size > kEm ? Role::kPullQuote : Role::kBody);
    EXPECT_FALSE(d[quote].large);
  }
}

// Body-size type framed the same way is a pull quote when its lines are
// centred under the rule and of unequal widths (a quote set centred); a
// brief between rules, justified with its last line set left, is not.
TEST(LayoutRoles, CentredBodySizeTypeFramedInsideAColumnIsAPullQuote) {
  for (bool centred : {true, false}) {
    SCOPED_TRACE(centred ? "centred lines" : "justified, last line left");
    Drawn d;
    d.AddBlock(100, 100, 300, 8);
    TextBlock q;
    q.role = Role::kBody;
    const int widths[] = {290, 220, 250, 160};
    for (int i = 0; i < 4; ++i) {
      const int w = centred ? widths[i] : (i < 3 ? 290 : 120);
      const int x = centred ? 250 - w / 2 : 105;
      q.lines.push_back(d.Line(cv::Rect(x, 410 + i * kPitch, w, kEm)));
    }
    d.Rehull(q);
    d.text.blocks.push_back(q);
    const int quote = static_cast<int>(d.text.blocks.size()) - 1;
    d.AddBlock(100, 590, 300, 6);
    d.ink.rules.horizontal = {cv::Rect(105, 395, 290, 3), cv::Rect(105, 560, 290, 3)};
    FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(d[quote].role, centred ? Role::kPullQuote : Role::kBody);
  }
}

// A quote set in the middle of a single wide column, between two rules
// across the column, is framed by them, even when the column's line right
// above is a paragraph's short last line. Set off the middle, under rules
// that much wider than it, it is not.
TEST(LayoutRoles, AQuoteCentredBetweenRulesAcrossItsColumnIsAPullQuote) {
  for (bool centred : {true, false}) {
    SCOPED_TRACE(centred ? "centred" : "off the middle");
    Drawn d;
    d.AddBlock(100, 100, 1000, 6);
    d.AddBlock(100, 316, 300, 1);  // the paragraph's last line
    const int qx = centred ? 350 : 120;
    const int quote = d.AddBlock(qx, 400, 500, 1, Role::kBody, 30, 36, 1.2 * kEm);
    d.AddBlock(100, 490, 1000, 6);
    d.ink.rules.horizontal = {cv::Rect(100, 370, 1000, 3), cv::Rect(100, 455, 1000, 3)};
    FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(d[quote].role, centred ? Role::kPullQuote : Role::kBody);
  }
}

// A quote's centred last line, a block of its own under it, joins the
// quote: the lower rule lies under that line, too far from the lines above
// it for a frame.
TEST(LayoutRoles, AFramedQuotesLastLineJoinsIt) {
  Drawn d;
  d.AddBlock(100, 100, 300, 8);
  const int quote = d.AddBlock(110, 420, 280, 2, Role::kBody, 32, 40, 1.3 * kEm);
  d.AddBlock(200, 500, 100, 1, Role::kBody, 32, 40, 1.3 * kEm);  // the last line, centred
  const int below = d.AddBlock(100, 600, 300, 6);
  d.ink.rules.horizontal = {cv::Rect(105, 395, 290, 3), cv::Rect(105, 560, 290, 3)};
  FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
  SCOPED_TRACE(Describe(d));
  ASSERT_EQ(d.text.blocks.size(), 3u);
  EXPECT_EQ(d[quote].role, Role::kPullQuote);
  EXPECT_EQ(d[quote].lines.size(), 3u);
  EXPECT_EQ(d[quote].r, cv::Rect(110, 420, 280, 112));
  EXPECT_EQ(d[below - 1].role, Role::kBody);
}

// A quote set just under the headline size: its last line measured over
// headline_ratio and became a headline block of its own. In the quote's own
// type it joins the quote; a line a size step larger does not.
TEST(LayoutRoles, AFramedQuotesLastLineInItsOwnTypeJoinsItThoughLarge) {
  for (double last : {1.45, 1.9}) {
    SCOPED_TRACE(last);
    Drawn d;
    d.AddBlock(100, 100, 300, 8);
    const int quote = d.AddBlock(110, 420, 280, 2, Role::kBody, 32, 40, 1.4 * kEm);
    const int tail = d.AddBlock(200, 500, 100, 1, Role::kHeadline, 32, 40, last * kEm);
    d.AddBlock(100, 600, 300, 6);
    d.ink.rules.horizontal = {cv::Rect(105, 395, 290, 3), cv::Rect(105, 560, 290, 3)};
    FindPullQuotes(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    if (last < 1.5) {
      ASSERT_EQ(d.text.blocks.size(), 3u);
      EXPECT_EQ(d[quote].role, Role::kPullQuote);
      EXPECT_EQ(d[quote].lines.size(), 3u);
    } else {
      ASSERT_EQ(d.text.blocks.size(), 4u);
      EXPECT_EQ(d[tail].role, Role::kHeadline);
    }
  }
}

// The few lines inside a frame (a hollow box drawn around them) are an
// inset, its large title too; the text outside stays body. A dense picture
// (a photo left in the mask) frames nothing, nor does a box around many
// lines (a framed article or a page border).
TEST(LayoutRoles, AFewLinesInADrawnBoxAreAnInset) {
  enum Case { kBox, kPhoto, kManyLines };
  for (Case c : {kBox, kPhoto, kManyLines}) {
    SCOPED_TRACE(c);
    Drawn d;
    const int column = d.AddBlock(100, 100, 300, 8);
    const int title = d.AddBlock(120, 420, 80, 1, Role::kHeadline, 30, 36, 1.3 * kEm);
    const int items = d.AddBlock(120, 470, 260, c == kManyLines ? 14 : 2);
    const cv::Rect box(110, 410, 280, c == kManyLines ? 570 : 110);
    Component frame;
    frame.r = box;
    frame.kind = Kind::kPicture;
    frame.area = c == kPhoto ? box.area() * 9 / 10 : 2 * 3 * (box.width + box.height);
    d.ink.comps.push_back(frame);
    FindInsets(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    const Role want = c == kBox ? Role::kInset : Role::kBody;
    EXPECT_EQ(d[items].role, want);
    EXPECT_EQ(d[title].role, c == kBox ? Role::kInset : Role::kHeadline);
    EXPECT_EQ(d[title].large, c != kBox);
    EXPECT_EQ(d[column].role, Role::kBody);
  }
}

// A frame of a few centred lines, the first in display type, is an ad:
// boilerplate with its reason. The same lines flush left are a fact box; a
// centred line as large as the body's, with no display type, is one too; and
// so is a framed paragraph whose lines fill the frame.
TEST(LayoutRoles, CentredDisplayTypeInADrawnBoxIsAnAd) {
  enum Case { kAd, kFlushLeft, kNoDisplay, kFullLines };
  for (Case c : {kAd, kFlushLeft, kNoDisplay, kFullLines}) {
    SCOPED_TRACE(c);
    Drawn d;
    const int column = d.AddBlock(100, 100, 300, 8);
    const cv::Rect box(110, 410, 280, 150);
    // Centred on x = 250 unless flush left (from x = 120).
    auto at = [&](int w) { return c == kFlushLeft ? 120 : 250 - w / 2; };
    const double big = c == kNoDisplay ? kEm : 1.6 * kEm;
    const int title = d.AddBlock(at(180), 420, 180, 1, Role::kHeadline, c == kNoDisplay ? kEm : 40, 48, big);
    const int w2 = c == kFullLines ? 260 : 200, w3 = c == kFullLines ? 262 : 150;
    const int second = d.AddBlock(at(w2), 475, w2, 1);
    const int third = d.AddBlock(at(w3), 510, w3, 1);
    Component frame;
    frame.r = box;
    frame.kind = Kind::kPicture;
    frame.area = 2 * 3 * (box.width + box.height);
    d.ink.comps.push_back(frame);
    FindInsets(d.text.blocks, d.text.lines, d.ink);
    SCOPED_TRACE(Describe(d));
    const Role want = c == kAd ? Role::kBoilerplate : Role::kInset;
    for (int b : {title, second, third}) EXPECT_EQ(d[b].role, want);
    EXPECT_EQ(std::string(d[second].reason).empty(), c != kAd);
    EXPECT_EQ(d[column].role, Role::kBody);
  }
}

// A caption run into the body below it: its lines up to the first wider gap
// are split off.
TEST(LayoutRoles, ACaptionRunIntoTheBodyIsSplitOff) {
  Drawn d;
  d.ink.photos = {cv::Rect(100, 100, 300, 200)};
  TextBlock b;
  b.lines.push_back(d.Line(cv::Rect(100, 310, 300, kEm)));
  b.lines.push_back(d.Line(cv::Rect(100, 340, 300, kEm)));
  for (int i = 0; i < 6; ++i) b.lines.push_back(d.Line(cv::Rect(100, 390 + i * kPitch, 300, kEm)));
  d.Rehull(b);
  d.text.blocks.push_back(b);
  FindCaptions(d.text.blocks, d.text.lines, d.ink, LayoutOptions{});
  ASSERT_EQ(d.text.blocks.size(), 2u) << Describe(d);
  EXPECT_EQ(d[0].role, Role::kBody);
  EXPECT_EQ(d[0].lines.size(), 6u);
  EXPECT_EQ(d[1].role, Role::kCaption);
  EXPECT_EQ(d[1].lines, (std::vector<int>{0, 1}));
}

TEST(LayoutColumns, BodyBlocksGiveTheColumns) {
  Drawn d;
  for (int c = 0; c < 3; ++c) d.AddBlock(100 + c * 300, 300, 240, 10);
  d.AddBlock(100, 100, 700, 1, Role::kHeadline, 2 * kEm, 56, 2 * kEm);  // headlines do not count
  const int spanning = d.AddBlock(100, 700, 540, 3);  // a block over two columns
  d.AddBlock(400, 250, 100, 1);                       // a byline
  const Columns columns = FindColumns(d.text.blocks);
  ASSERT_EQ(columns.ranges.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(columns.ranges[c], std::make_pair(100 + c * 300, 340 + c * 300));
  EXPECT_DOUBLE_EQ(columns.width, 240);
  EXPECT_EQ(ColumnOf(columns, d[1].r, kEm), 1);
  EXPECT_EQ(ColumnOf(columns, d[spanning].r, kEm), -1);
  EXPECT_EQ(ColumnOf(columns, cv::Rect(420, 250, 100, kEm), kEm), 1);
}

// Glyphs 20 px wide appended to line `li` as components of the ink, from
// x0 up to x1: words of four glyphs 2 px apart, `word_gap` between words.
void AddGlyphs(Drawn& d, int li, int x0, int x1, int word_gap) {
  TextLine& l = d.text.lines[li];
  for (int x = x0, n = 0; x + 20 <= x1; x += 22 + (++n % 4 == 0 ? word_gap : 0)) {
    const cv::Rect r(x, l.r.y, 20, kEm);
    l.comps.push_back(static_cast<int>(d.ink.comps.size()));
    d.ink.comps.push_back({r, r.area(), Kind::kText});
  }
  RecomputeLine(d.ink.comps, l);
}

// Under a photo across two columns the columns' first lines stand level,
// a gutter's white between them: the line joined across it is split there,
// and so is its block. Text with its word gaps elsewhere is not, nor a
// line whose gap at the gutter is a word gap's width, nor the same line
// where no photo stands over the gutter (a textbook's tab and title over
// its two columns).
TEST(LayoutColumns, ALineRunAcrossTheGutterIsSplitThere) {
  Columns columns;
  columns.ranges = {{100, 400}, {440, 740}};
  enum Case { kGutter, kProse, kWordGap, kNoPhoto };
  for (Case c : {kGutter, kProse, kWordGap, kNoPhoto}) {
    SCOPED_TRACE(c);
    Drawn d;
    if (c != kNoPhoto) d.ink.photos = {cv::Rect(100, 600, 640, 150)};  // 2 em over the lines
    TextBlock b;
    for (int y : {800, 836}) {
      const int li = d.Line(cv::Rect(100, y, 10, kEm));
      d.text.lines[li].comps.clear();
      if (c == kProse) {
        AddGlyphs(d, li, 100, 740, 8);
      } else {
        AddGlyphs(d, li, 100, 400, 8);
        // The gutter's 1.7 em, or a word gap's 0.4 em, after the last glyph.
        const int end = Right(d.text.lines[li].r);
        AddGlyphs(d, li, c == kWordGap ? end + 10 : 445, 740, 8);
      }
      b.lines.push_back(li);
    }
    d.Rehull(b);
    d.text.blocks.push_back(b);
    SplitAcrossColumns(d.text, columns, d.ink);
    SCOPED_TRACE(Describe(d));
    if (c == kGutter) {
      ASSERT_EQ(d.text.blocks.size(), 2u);
      EXPECT_LE(Right(d[0].r), 400);
      EXPECT_GE(d[1].r.x, 440);
      EXPECT_EQ(d[0].lines.size(), 2u);
      EXPECT_EQ(d[1].lines.size(), 2u);
    } else {
      EXPECT_EQ(d.text.blocks.size(), 1u);
    }
  }
}

}  // namespace
}  // namespace ocrflow::image::layout
