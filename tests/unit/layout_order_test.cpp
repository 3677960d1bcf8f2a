// Layout steps 8 and 9 (stages/image/layout/articles.h, reading_order.h) on
// blocks placed here: blocks belong to the headline above them, not beyond a
// rule; column chunks merge; reading order is column-major, header first,
// an article's headline, byline, body and caption together, footer last.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "stages/image/layout/articles.h"
#include "stages/image/layout/reading_order.h"

namespace ocrflow::image::layout {
namespace {

constexpr int kEm = 24;
constexpr int kPitch = 36;

struct Drawn {
  Ink ink;
  PageText text;

  Drawn() {
    ink.page = cv::Size(1400, 1600);
    ink.em = kEm;
    ink.body_size = kEm;
  }
  // A block of lines filling `r` (one line per pitch), with role and article.
  int AddBlock(const cv::Rect& r, Role role = Role::kBody, int article = -1) {
    TextBlock b;
    b.r = r;
    b.role = role;
    b.large = role == Role::kHeadline;
    b.article = article;
    for (int y = r.y; y + kEm <= r.y + r.height || b.lines.empty(); y += kPitch) {
      TextLine l;
      l.r = cv::Rect(r.x, y, r.width, std::min(kEm, r.height));
      l.size = kEm;
      b.lines.push_back(static_cast<int>(text.lines.size()));
      text.lines.push_back(l);
    }
    text.blocks.push_back(b);
    return static_cast<int>(text.blocks.size()) - 1;
  }
  const TextBlock& operator[](int i) const { return text.blocks[i]; }
};

std::string Describe(const std::vector<TextBlock>& blocks) {
  std::ostringstream s;
  for (const TextBlock& b : blocks)
    s << "\n  [" << b.r.x << "," << b.r.y << " " << b.r.width << "x" << b.r.height << "] " << RoleName(b.role)
      << " col " << b.column << " art " << b.article;
  return s.str();
}

TEST(LayoutOrder, TwoColumnsAreReadLeftColumnFirst) {
  const cv::Rect a1(100, 100, 200, 300), a2(100, 450, 200, 300), b1(350, 100, 200, 200), b2(350, 350, 200, 400);
  EXPECT_TRUE(Before(a1, a2, kEm));
  EXPECT_TRUE(Before(a2, b1, kEm));  // entirely to its left, though lower
  EXPECT_FALSE(Before(b1, a2, kEm));
  EXPECT_EQ(OrderRects({b2, a2, b1, a1}, kEm), (std::vector<int>{3, 1, 2, 0}));
}

// A headline over both columns comes first; a box that only touches the
// next column's edge (within kOrderSlackEm) is not over it.
TEST(LayoutOrder, AHeadlineOverTheColumnsComesFirst) {
  const cv::Rect head(100, 50, 450, 40), left(100, 100, 200, 300), right(350, 100, 200, 300);
  EXPECT_EQ(OrderRects({right, left, head}, kEm), (std::vector<int>{2, 1, 0}));
  EXPECT_TRUE(Before(cv::Rect(100, 500, 255, 10), cv::Rect(350, 100, 200, 300), kEm));
}

// A table's cells across two columns, one of them standing at the gutter
// under the table: "left of" does not reach across the table, so the
// cell does not jump ahead of the right column's text above the table
// (which made a cycle, broken by reading the third column too early).
TEST(LayoutOrder, ABoxAcrossTwoColumnsPartsLeftFromRight) {
  const cv::Rect a(100, 100, 300, 400), b(450, 100, 300, 200), b2(450, 320, 300, 180), c(800, 100, 300, 400);
  const cv::Rect table(100, 520, 650, 60), cell(395, 620, 50, 30);
  EXPECT_TRUE(Before(cell, b2, kEm)) << "pairwise, the cell is left of the column";
  EXPECT_EQ(OrderRects({c, cell, b2, table, b, a}, kEm), (std::vector<int>{5, 4, 2, 3, 1, 0}));
  // Nothing between them: left of still holds.
  EXPECT_EQ(OrderRects({b, cv::Rect(395, 320, 50, 30)}, kEm), (std::vector<int>{1, 0}));
}

TEST(LayoutOrder, HeaderArticlesStraysAndFooterInReadingOrder) {
  Drawn d;
  d.AddBlock({100, 1500, 300, kEm}, Role::kRunningFooter);
  d.AddBlock({100, 760, 240, 300}, Role::kBody, 0);           // lower article: body
  d.AddBlock({700, 520, 240, 48}, Role::kCaption, 1);         // top article: caption
  d.AddBlock({400, 200, 240, 300}, Role::kBody, 1);           // top article: body, column 1
  d.AddBlock({700, 760, 200, 100}, Role::kBody, -1);          // a stray block
  d.AddBlock({100, 700, 800, 48}, Role::kHeadline, 0);        // lower article: headline
  d.AddBlock({100, 200, 240, 300}, Role::kBody, 1);           // top article: body, column 0
  d.AddBlock({100, 160, 150, kEm}, Role::kByline, 1);         // top article: byline
  d.AddBlock({100, 100, 800, 48}, Role::kHeadline, 1);        // top article: headline
  d.AddBlock({100, 20, 300, kEm}, Role::kRunningHeader);
  const std::vector<TextBlock> order = InReadingOrder(d.text.blocks, 2, kEm, 240);
  SCOPED_TRACE(Describe(order));
  struct Want {
    cv::Point at;
    Role role;
    int article;
  };
  const std::vector<Want> want = {
      {{100, 20}, Role::kRunningHeader, -1}, {{100, 100}, Role::kHeadline, 0}, {{100, 160}, Role::kByline, 0},
      {{100, 200}, Role::kBody, 0},          {{400, 200}, Role::kBody, 0},     {{700, 520}, Role::kCaption, 0},
      {{100, 700}, Role::kHeadline, 1},      {{100, 760}, Role::kBody, 1},     {{700, 760}, Role::kBody, -1},
      {{100, 1500}, Role::kRunningFooter, -1}};
  ASSERT_EQ(order.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(order[i].r.tl(), want[i].at) << "block " << i;
    EXPECT_EQ(order[i].role, want[i].role) << "block " << i;
    EXPECT_EQ(order[i].article, want[i].article) << "block " << i;
  }
}

// A deck under the headline is read before the body; a section heading
// inside a column (body of the article above it in that column) is read
// where it stands, between the body above and below it.
TEST(LayoutOrder, ASectionHeadingInsideAColumnIsReadWhereItStands) {
  Drawn d;
  d.AddBlock({100, 100, 500, 48}, Role::kHeadline, 0);
  d.AddBlock({350, 160, 250, 40}, Role::kSubheadline, 0);  // deck atop column 1
  d.AddBlock({100, 160, 240, 300}, Role::kBody, 0);        // column 0, above the heading
  d.AddBlock({100, 480, 200, 40}, Role::kSubheadline, 0);  // section heading in column 0
  d.AddBlock({100, 540, 240, 300}, Role::kBody, 0);        // column 0, below it
  d.AddBlock({350, 220, 240, 600}, Role::kBody, 0);        // column 1
  const std::vector<TextBlock> order = InReadingOrder(d.text.blocks, 1, kEm, 240);
  SCOPED_TRACE(Describe(order));
  const std::vector<cv::Point> want = {{100, 100}, {350, 160}, {100, 160}, {100, 480}, {100, 540}, {350, 220}};
  ASSERT_EQ(order.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(order[i].r.tl(), want[i]) << "block " << i;
}

// Side by side, a story over two columns that starts well above a story on
// its left is read first (a front page's second story under the lead,
// beside a story lower down on the left); a one-column stack (a side column,
// a rail) starting as high is still read after what lies left of it, as is a
// story that starts level (within kLeadingArticleEm).
TEST(LayoutOrder, AStoryOverTwoColumnsStartingHigherOnTheRightIsReadFirst) {
  const cv::Rect left(100, 600, 240, 400), right(400, 100, 500, 500);
  EXPECT_EQ(OrderArticles({left, right}, {1, 2}, kEm), (std::vector<int>{1, 0}));
  EXPECT_EQ(OrderArticles({left, right}, {1, 1}, kEm), (std::vector<int>{0, 1})) << "a side column";
  const cv::Rect level(400, 600 - 2 * kEm, 500, 500);
  EXPECT_EQ(OrderArticles({left, level}, {1, 2}, kEm), (std::vector<int>{0, 1})) << "starts level";
  // Overlapping spans: still top first.
  EXPECT_EQ(OrderArticles({cv::Rect(100, 100, 800, 40), right}, {1, 2}, kEm), (std::vector<int>{0, 1}));
  // The left item starts inside a story over its column that runs on below
  // its top (a story split by a line taken for a headline): column-major.
  const cv::Rect story(100, 100, 240, 1000);
  EXPECT_EQ(OrderArticles({story, left, right}, {1, 1, 2}, kEm), (std::vector<int>{0, 1, 2}));
}

// Counting a story's columns, a sliver (a headline set vertically beside the
// text, read as a narrow body block) is not a column.
TEST(LayoutOrder, ASliverBesideOneColumnDoesNotMakeAStoryWide) {
  for (const int sliver : {60, 240}) {
    Drawn d;
    d.AddBlock({100, 600, 240, 400}, Role::kBody, 0);     // left story, column 0
    d.AddBlock({400, 100, 240, 500}, Role::kBody, 1);     // right story, column 1
    d.AddBlock({660, 100, sliver, 500}, Role::kBody, 1);  // and in column 2
    d.text.blocks[0].column = 0;
    d.text.blocks[1].column = 1;
    d.text.blocks[2].column = 2;
    const std::vector<TextBlock> order = InReadingOrder(d.text.blocks, 2, kEm, 240);
    SCOPED_TRACE(Describe(order));
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0].r.x, sliver == 240 ? 400 : 100) << "sliver " << sliver;
  }
}

// LayoutOptions with articles flowing down their columns (the default, see
// LayoutOptions::flow_articles; named where a test is about that mode).
LayoutOptions Flow() {
  LayoutOptions o;
  o.flow_articles = true;
  return o;
}

TEST(LayoutArticles, BlocksBelongToTheHeadlineAboveThem) {
  Drawn d;
  const int h1 = d.AddBlock({100, 100, 500, 48}, Role::kHeadline);
  const int h2 = d.AddBlock({700, 100, 500, 48}, Role::kHeadline);
  const int b1 = d.AddBlock({100, 170, 240, 400});
  const int b2 = d.AddBlock({360, 170, 240, 400});
  const int b3 = d.AddBlock({700, 170, 240, 400});
  Columns columns;
  columns.ranges = {{100, 340}, {360, 600}, {700, 940}};
  const int n = AssignArticles(d.text.blocks, d.text.lines, columns, d.ink, LayoutOptions{});
  SCOPED_TRACE(Describe(d.text.blocks));
  EXPECT_EQ(n, 2);
  EXPECT_NE(d[h1].article, d[h2].article);
  EXPECT_EQ(d[b1].article, d[h1].article);
  EXPECT_EQ(d[b2].article, d[h1].article);
  EXPECT_EQ(d[b3].article, d[h2].article);
  EXPECT_EQ(d[b1].column, 0);
  EXPECT_EQ(d[b2].column, 1);
  EXPECT_EQ(d[b3].column, 2);
  EXPECT_EQ(d[h1].column, -1);  // spans two columns
}

// A block beyond a vertical rule from the headline is not of its article.
TEST(LayoutArticles, AVerticalRuleStopsAnArticle) {
  for (bool ruled : {false, true}) {
    SCOPED_TRACE(ruled ? "ruled" : "open");
    Drawn d;
    const int h = d.AddBlock({100, 100, 500, 48}, Role::kHeadline);
    const int beyond = d.AddBlock({800, 170, 240, 400});
    if (ruled) d.ink.rules.vertical = {cv::Rect(700, 90, 2, 600)};
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, LayoutOptions{});
    EXPECT_EQ(d[h].article, 0);
    EXPECT_EQ(d[beyond].article, ruled ? -1 : 0);
  }
}

// A headline right under another (a second deck in other type) opens no
// article of its own.
TEST(LayoutArticles, ATwoDeckHeadlineIsOneArticle) {
  Drawn d;
  const int deck1 = d.AddBlock({100, 100, 600, 48}, Role::kHeadline);
  const int deck2 = d.AddBlock({100, 156, 600, 40}, Role::kHeadline);
  const int other = d.AddBlock({100, 700, 600, 48}, Role::kHeadline);
  EXPECT_EQ(AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, LayoutOptions{}), 2);
  EXPECT_EQ(d[deck1].article, d[deck2].article);
  EXPECT_NE(d[deck1].article, d[other].article);
}

// A caption belongs to its photo's article, wherever the headline nearest
// above it stands.
TEST(LayoutArticles, ACaptionFollowsItsPhoto) {
  Drawn d;
  const int h1 = d.AddBlock({100, 100, 500, 48}, Role::kHeadline);
  d.ink.photos = {cv::Rect(100, 170, 500, 300)};
  const int h2 = d.AddBlock({700, 400, 500, 48}, Role::kHeadline);  // beside, lower: nearer above the caption
  const int cap = d.AddBlock({100, 480, 500, 48}, Role::kCaption);
  AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, LayoutOptions{});
  EXPECT_NE(d[h1].article, d[h2].article);
  EXPECT_EQ(d[cap].article, d[h1].article);
}

// Two body chunks of one article in one column with nothing between them
// merge; a photo between them keeps them apart.
TEST(LayoutArticles, ColumnChunksMergeUnlessSomethingLiesBetween) {
  for (bool photo : {false, true}) {
    SCOPED_TRACE(photo ? "photo between" : "nothing between");
    Drawn d;
    d.AddBlock({100, 100, 500, 48}, Role::kHeadline);
    d.AddBlock({100, 170, 240, 200});
    d.AddBlock({100, 420, 240, 200});
    if (photo) d.ink.photos = {cv::Rect(100, 375, 240, 40)};
    Columns columns;
    columns.ranges = {{100, 340}};
    AssignArticles(d.text.blocks, d.text.lines, columns, d.ink, LayoutOptions{});
    SCOPED_TRACE(Describe(d.text.blocks));
    ASSERT_EQ(d.text.blocks.size(), photo ? 3u : 2u);
    if (!photo) {
      EXPECT_EQ(d[1].r, cv::Rect(100, 170, 240, 450));
      EXPECT_EQ(d[1].lines.size(), 10u);
    }
  }
}


// Articles flow down their columns: a headline standing in the next column,
// lower down, does not take the blocks of this column under it (a report's
// sidebar beside its body, a textbook's two columns of exercises).
TEST(LayoutArticles, AHeadlineInTheNextColumnDoesNotTakeThisColumn) {
  for (bool flow : {true, false}) {
    SCOPED_TRACE(flow ? "flow" : "bands");
    Drawn d;
    const int side = d.AddBlock({100, 100, 300, 48}, Role::kHeadline);  // the sidebar's headline
    const int top = d.AddBlock({100, 170, 300, 300});                  // the sidebar, above
    const int h2 = d.AddBlock({500, 400, 500, 48}, Role::kHeadline);   // the body's heading, lower
    const int low = d.AddBlock({100, 490, 300, 400});                  // the sidebar, below it
    const int body = d.AddBlock({500, 470, 500, 600});
    LayoutOptions o;
    o.flow_articles = flow;
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, o);
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[top].article, d[side].article);
    EXPECT_EQ(d[body].article, d[h2].article);
    // The band model hands the lower sidebar to the nearer headline beside it.
    EXPECT_EQ(d[low].article, flow ? d[side].article : d[h2].article);
  }
}

// A headline beside a block opens its article only when the block starts
// right under it with nothing between them: the next column of an article
// whose headline is narrower than the article.
TEST(LayoutArticles, AHeadlineBesideTakesOnlyAColumnStartingRightUnderIt) {
  for (int start : {160, 300}) {
    SCOPED_TRACE(start);
    Drawn d;
    const int h = d.AddBlock({100, 100, 300, 48}, Role::kHeadline);
    const int col = d.AddBlock({100, 170, 300, 700});
    const int next = d.AddBlock({450, start, 300, 400});
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[col].article, d[h].article);
    EXPECT_EQ(d[next].article, start == 160 ? d[h].article : -1);
  }
}

// A block right under blocks of two articles (a line across two columns at
// the foot, with no headline over it) belongs to neither; under one
// article's block, to that one.
TEST(LayoutArticles, ABlockUnderTwoArticlesBelongsToNeither) {
  for (bool wide : {false, true}) {
    SCOPED_TRACE(wide ? "under both" : "under one");
    Drawn d;
    const int h1 = d.AddBlock({100, 100, 150, 48}, Role::kHeadline);
    const int col1 = d.AddBlock({100, 170, 300, 500});
    const int h2 = d.AddBlock({650, 100, 150, 48}, Role::kHeadline);
    const int col2 = d.AddBlock({500, 170, 300, 500});
    const int foot = d.AddBlock(wide ? cv::Rect(300, 700, 300, 24) : cv::Rect(300, 700, 80, 24));
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[col1].article, d[h1].article);
    EXPECT_EQ(d[col2].article, d[h2].article);
    EXPECT_EQ(d[foot].article, wide ? -1 : d[h1].article);
  }
}

// A pull quote between two rules inside a column, and the text under it,
// stay in the column's article; a rule across the columns parts them.
TEST(LayoutArticles, AColumnFlowsPastAFramedPullQuoteNotPastARuleAcross) {
  for (bool across : {false, true}) {
    SCOPED_TRACE(across ? "rule across" : "framed pull quote");
    Drawn d;
    const int top = d.AddBlock({100, 100, 900, 48}, Role::kHeadline);   // over both columns, far up
    d.AddBlock({100, 170, 400, 400});
    const int h = d.AddBlock({100, 600, 400, 48}, Role::kHeadline);     // a lower article in column 0 only...
    d.AddBlock({100, 670, 400, 300});
    const int col = d.AddBlock({600, 670, 400, 300});                   // ...whose column 1 starts level with it
    const int quote = d.AddBlock({620, 1010, 360, 48});
    const int under = d.AddBlock({600, 1100, 400, 300});
    if (across) {
      d.ink.rules.horizontal = {cv::Rect(100, 985, 900, 3)};
    } else {
      d.ink.rules.horizontal = {cv::Rect(610, 985, 380, 3), cv::Rect(610, 1075, 380, 3)};
    }
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_NE(d[top].article, d[h].article);
    EXPECT_EQ(d[col].article, d[h].article);
    if (across) {
      // Under a rule across both columns that closes the wide headline's
      // columns, with no headline of its own: no article (it is read on
      // its own, not inside the article above the rule).
      EXPECT_EQ(d[quote].article, -1);
    } else {
      EXPECT_EQ(d[quote].article, d[h].article);
      EXPECT_EQ(d[under].article, d[h].article);
    }
  }
}

// Right above a column's block stand a short last line of its own article
// and, far higher up beside that line, the end of another article (a jump
// line, a table's last row): the nearest decides, so the block is the short
// line's article, not left to neither as a footer line under two columns is
// (tuning page: the rest of the column was read after everything else).
TEST(LayoutArticles, TheNearestBlocksRightAboveDecideAColumnsArticle) {
  for (int jump_h : {24, 120}) {
    SCOPED_TRACE(jump_h);
    Drawn d;
    const int a = d.AddBlock({100, 100, 900, 48}, Role::kHeadline);  // over both columns
    d.AddBlock({100, 170, 400, 300});
    d.AddBlock({600, 170, 400, 300});
    const int jump = d.AddBlock({850, 480, 150, jump_h});  // the end of article a, right in column 1
    const int b = d.AddBlock({100, 520, 700, 48}, Role::kHeadline);  // over column 0 and part of 1
    const int line = d.AddBlock({600, 576, 150, 24});                // b's short line in column 1
    const int r = d.AddBlock({600, 610, 400, 300});
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    ASSERT_EQ(d[line].article, d[b].article);
    ASSERT_EQ(d[jump].article, d[a].article);
    // Ending level with the short line, it leaves the block to neither.
    EXPECT_EQ(d[r].article, jump_h == 24 ? d[b].article : -1);
  }
}

// A rule across the page under an article ends that article's headline's
// reach: the second column of the article below, under a headline narrower
// than that column and set over the first column only, is that lower
// headline's, not the upper article's. A rule right under a headline, over
// its columns, ends nothing.
TEST(LayoutArticles, ARuleUnderAnArticleEndsItsHeadlinesReach) {
  for (bool rule : {false, true}) {
    SCOPED_TRACE(rule ? "rule across under the top article" : "rule under each headline");
    Drawn d;
    const int top = d.AddBlock({700, 100, 400, 48}, Role::kHeadline);  // over column 1 only
    d.AddBlock({100, 170, 400, 400});
    d.AddBlock({600, 170, 400, 400});
    const int h = d.AddBlock({100, 640, 280, 48}, Role::kHeadline);    // narrow, over column 0
    const int byline = d.AddBlock({100, 700, 120, 24});
    const int left = d.AddBlock({100, 740, 400, 400});
    const int right = d.AddBlock({600, 740, 400, 400});
    if (rule)
      d.ink.rules.horizontal = {cv::Rect(100, 600, 900, 3)};
    else
      d.ink.rules.horizontal = {cv::Rect(700, 155, 400, 3), cv::Rect(100, 695, 280, 3)};
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[byline].article, d[h].article);
    EXPECT_EQ(d[left].article, d[h].article);
    // Without the rule the right column flows on from the top article's
    // column above it (nothing parts them).
    EXPECT_EQ(d[right].article, rule ? d[h].article : d[top].article);
  }
}

// A paragraph's short last line, then the next paragraph's first line,
// indented by two glyphs, each a block of its own: the indented line
// overlaps the short one above by less than half an em, so nothing is
// "right above" it, and no headline stands over that column. Between two
// blocks of one article in its column, it is of that article, and the
// column stays one chunk (tuning page: the line was read after the article).
TEST(LayoutArticles, AnIndentedLineBetweenTwoChunksOfAColumnIsOfItsArticle) {
  Drawn d;
  const int h = d.AddBlock({100, 100, 700, 48}, Role::kHeadline);  // over columns 0 and 1
  d.AddBlock({100, 170, 400, 700});
  d.AddBlock({600, 170, 400, 700});
  const int last = d.AddBlock({1100, 170, 55, 24});    // column 2: "...。" and the paragraph's end
  const int first = d.AddBlock({1148, 206, 152, 24});  // the next paragraph's indented first line
  const int rest = d.AddBlock({1100, 242, 200, 600});
  Columns columns;
  columns.ranges = {{100, 500}, {600, 1000}, {1100, 1300}};
  columns.width = 400;
  AssignArticles(d.text.blocks, d.text.lines, columns, d.ink, Flow());
  SCOPED_TRACE(Describe(d.text.blocks));
  int in_column = 0;
  for (const TextBlock& b : d.text.blocks) {
    if (b.column != 2) continue;
    ++in_column;
    EXPECT_EQ(b.article, d[h].article);
  }
  EXPECT_EQ(in_column, 1);  // merged into one chunk
  (void)last, (void)first, (void)rest;
}

// Flow mode: a photo with its caption beside an article's column, with no
// headline over it and nothing above it (a page whose only heading is over
// the text column). The photo is the article's, as in the band model, so
// its caption is read with that article and not on its own before it
// (book page 61569294: CER 5.4 -> 17.4 % once its night photo was found).
TEST(LayoutArticles, APhotoNoArticleClaimsIsTheBandModels) {
  Drawn d;
  const int h = d.AddBlock({900, 40, 300, 48}, Role::kHeadline);  // over the text column only
  const int body = d.AddBlock({800, 120, 400, 900});
  d.ink.photos = {cv::Rect(100, 150, 600, 800)};
  const int caption = d.AddBlock({150, 960, 500, 24}, Role::kCaption);
  AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
  SCOPED_TRACE(Describe(d.text.blocks));
  EXPECT_EQ(d[body].article, d[h].article);
  EXPECT_EQ(d[caption].article, d[h].article);
}

// A photo under a rule across the page (a thumbnail in an index strip) is
// not the band model's: the headline above the rule does not take it, nor
// its caption, nor what flows on under that caption (NYT front page: the
// index strip's teasers were read inside the story above the rule).
TEST(LayoutArticles, APhotoUnderARuleAcrossIsNotTheHeadlineAboveTheRules) {
  for (bool rule : {false, true}) {
    SCOPED_TRACE(rule ? "rule across" : "no rule");
    Drawn d;
    const int h = d.AddBlock({100, 40, 700, 48}, Role::kHeadline);
    d.AddBlock({100, 120, 700, 400});
    if (rule) d.ink.rules.horizontal = {cv::Rect(50, 560, 1200, 3)};
    d.ink.photos = {cv::Rect(100, 600, 300, 200)};
    const int caption = d.AddBlock({100, 810, 300, 24}, Role::kCaption);
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[caption].article, rule ? -1 : d[h].article);
  }
}

// A headline under the row of a table across two columns opens the article
// below it: the table's cells above it (of the article over the table) do
// not flow past it into the body under its byline.
TEST(LayoutArticles, AHeadlineUnderATableOpensTheArticleBelowIt) {
  Drawn d;
  const int top = d.AddBlock({100, 100, 900, 48}, Role::kHeadline);
  d.AddBlock({100, 170, 400, 360});
  const int cell = d.AddBlock({380, 560, 120, 60});  // a table row across the columns
  d.AddBlock({600, 560, 120, 60});
  const int h = d.AddBlock({100, 660, 380, 48}, Role::kHeadline);
  const int byline = d.AddBlock({100, 720, 120, 24});
  const int body = d.AddBlock({100, 770, 400, 300});
  AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
  SCOPED_TRACE(Describe(d.text.blocks));
  EXPECT_EQ(d[cell].article, d[top].article);
  EXPECT_EQ(d[byline].article, d[h].article);
  EXPECT_EQ(d[body].article, d[h].article);
}

// A boxed inset inside a column (two rules with its own lines between them,
// which belong to no article there) does not stop the column: the text
// under the box is still the article above it.
TEST(LayoutArticles, AColumnFlowsPastABoxedInset) {
  Drawn d;
  const int h = d.AddBlock({100, 100, 400, 48}, Role::kHeadline);  // over column 0 only
  d.AddBlock({100, 170, 400, 700});
  const int col = d.AddBlock({600, 170, 400, 400});                 // column 1 starts level with it
  d.ink.rules.horizontal = {cv::Rect(600, 600, 400, 3), cv::Rect(600, 900, 400, 3)};
  const int inset1 = d.AddBlock({620, 620, 360, 24});
  const int inset2 = d.AddBlock({620, 700, 360, 150});
  const int under = d.AddBlock({600, 930, 400, 300});
  AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
  SCOPED_TRACE(Describe(d.text.blocks));
  EXPECT_EQ(d[col].article, d[h].article);
  EXPECT_EQ(d[inset1].article, -1);
  EXPECT_EQ(d[inset2].article, -1);
  EXPECT_EQ(d[under].article, d[h].article);
}

// The column beside a headline narrower than its article is the article's,
// though a table lower in the next column has vertical cell rules between
// them, and though a byline ran into the first column's block (that column
// starts a line higher than the others).
TEST(LayoutArticles, AColumnBesideTheHeadlineIsTheArticlesPastTableRulesAndBylines) {
  for (auto [byline_in_block, table] : {std::pair{false, true}, std::pair{true, true}, std::pair{true, false}}) {
    SCOPED_TRACE(std::string(byline_in_block ? "byline run into column 0" : "plain") + (table ? ", table" : ""));
    Drawn d;
    const int h = d.AddBlock({100, 100, 500, 48}, Role::kHeadline);       // over columns 0 and 1
    d.AddBlock({100, byline_in_block ? 170 : 206, 240, 500});             // column 0
    d.AddBlock({360, 206, 240, 100});                                     // column 1, above a table
    if (table) d.ink.rules.vertical = {cv::Rect(480, 330, 2, 120), cv::Rect(620, 330, 2, 120)};  // cell rules
    d.AddBlock({360, 470, 240, 200});                                     // column 1 under the table
    const int beside = d.AddBlock({700, 206, 240, 500});                  // column 2, beside the headline
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[beside].article, d[h].article);
  }
}

// A short headline centred over its article's four columns, with a deck
// under it set wider: the outer columns, beside the headline, are the
// article's though the deck reaches into the white between them. Body text
// there (not the headline's deck or byline) still parts them.
TEST(LayoutArticles, TheOuterColumnsBesideACentredHeadlineAreTheArticlesPastItsDeck) {
  for (Role under : {Role::kByline, Role::kBody}) {
    SCOPED_TRACE(RoleName(under));
    Drawn d;
    const int h = d.AddBlock({480, 100, 340, 48}, Role::kHeadline);  // over columns 1 and 2 only
    const int deck = d.AddBlock({440, 160, 420, 30}, under);          // wider than the headline
    const int left = d.AddBlock({100, 206, 260, 500});                // column 0, beside it
    d.AddBlock({380, 206, 260, 500});                                 // column 1
    d.AddBlock({660, 206, 260, 500});                                 // column 2
    const int right = d.AddBlock({940, 206, 260, 500});               // column 3, beside it
    AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
    SCOPED_TRACE(Describe(d.text.blocks));
    EXPECT_EQ(d[deck].article, d[h].article);
    const int expected = under == Role::kByline ? d[h].article : -1;
    EXPECT_EQ(d[left].article, expected);
    EXPECT_EQ(d[right].article, expected);
  }
}

// A small heading in the next column does not take the rows of a sidebar
// that happen to stand level with it: a headline beside opens its article
// only when it is about as wide as the block.
TEST(LayoutArticles, ANarrowHeadingBesideDoesNotTakeASidebar) {
  Drawn d;
  const int side = d.AddBlock({100, 100, 300, 48}, Role::kHeadline);
  d.AddBlock({100, 170, 300, 200});
  d.ink.rules.horizontal = {cv::Rect(100, 385, 300, 3)};              // the sidebar table's top rule
  const int row = d.AddBlock({100, 400, 300, 24});
  const int heading = d.AddBlock({500, 380, 100, 30}, Role::kHeadline);  // a bold section heading
  const int body = d.AddBlock({500, 420, 500, 600});
  AssignArticles(d.text.blocks, d.text.lines, Columns{}, d.ink, Flow());
  SCOPED_TRACE(Describe(d.text.blocks));
  EXPECT_EQ(d[row].article, d[side].article);
  EXPECT_EQ(d[body].article, d[heading].article);
}

}  // namespace
}  // namespace ocrflow::image::layout
