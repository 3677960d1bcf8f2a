// OcrOptions::min_block_confidence: body blocks read at a low mean
// confidence lose their low lines (photo texture, drawings read as text);
// real text and headlines stay. ConfirmOrientation: the body text's median
// line confidence settles an orientation the orient stage took on trust.
#include <gtest/gtest.h>

#include "stages/ocr/ocr.h"

namespace ocrflow::ocr {
namespace {

Block Lines(std::vector<std::pair<std::string, float>> lines, std::optional<Role> role = std::nullopt) {
  Block b;
  b.layout_role = role;
  for (auto& [text, conf] : lines) {
    Line l;
    l.text = text;
    l.confidence = conf;
    b.lines.push_back(l);
  }
  return b;
}

TEST(OcrConfidence, TextureBlockLosesItsLowLinesAndSaysWhy) {
  // Mean 33: the block is texture; the one line read at 75 stays.
  Block b = Lines({{"二 ~ \\ 罗", 12}, {"东湖街道", 75}, {"- 于和", 25}, {"人 ?", 20}}, Role::kBody);
  std::vector<Dropped> dropped;
  DropUnreadableLines(b, 40, dropped);
  ASSERT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(b.lines[0].text, "东湖街道");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].text, "二 ~ \\ 罗\n- 于和\n人 ?");
  EXPECT_EQ(dropped[0].reason,
            "not text: lines under confidence 40 in a block read at mean confidence 33 (a photo, drawing or chart?)");
}

TEST(OcrConfidence, TextBlockKeepsItsWeakLines) {
  // Mean 70: a weak line in good text is text misread, not texture.
  Block b = Lines({{"市政府今天召开新闻发布会", 91}, {"建设的主要成绩", 30}, {"改造老旧小区", 89}});
  std::vector<Dropped> dropped;
  DropUnreadableLines(b, 40, dropped);
  EXPECT_EQ(b.lines.size(), 3u);
  EXPECT_TRUE(dropped.empty());
}

// A page that reads at median 32 (a blurred 81-dpi page): its text blocks
// read at 27-36 and must not all go as "not text"; the bar comes down to
// half the page's median. On a page that reads at 90 it stays at 40.
TEST(OcrConfidence, BarComesDownOnAPageThatReadsBadlyAsAWhole) {
  EXPECT_DOUBLE_EQ(BlockConfidenceBar(40, 0.5, 92), 40);
  EXPECT_DOUBLE_EQ(BlockConfidenceBar(40, 0.5, 80), 40);
  EXPECT_DOUBLE_EQ(BlockConfidenceBar(40, 0.5, 32), 16);
  EXPECT_DOUBLE_EQ(BlockConfidenceBar(40, 0.5, -1), 40);  // no body line read
  EXPECT_DOUBLE_EQ(BlockConfidenceBar(40, 0, 32), 40);    // share 0: fixed bar
  Block b = Lines({{"记者从市农业局获悉", 33}, {"今年全市新建温室", 27}, {"二 ~ \\", 9}}, Role::kBody);
  std::vector<Dropped> dropped;
  DropUnreadableLines(b, BlockConfidenceBar(40, 0.5, 32), dropped);
  ASSERT_EQ(b.lines.size(), 3u);  // mean 23 >= 16: the block is kept whole
  EXPECT_TRUE(dropped.empty());
  DropUnreadableLines(b, BlockConfidenceBar(40, 0.5, 90), dropped);
  EXPECT_TRUE(b.lines.empty());
}

TEST(OcrConfidence, HeadlinesAndCaptionsAreKeptAndZeroTurnsItOff) {
  // Big bold headlines read right at confidence 12-40.
  for (Role role : {Role::kHeadline, Role::kSubheadline, Role::kCaption, Role::kByline}) {
    Block b = Lines({{"梨伦镇便民服务更贴心", 12}}, role);
    std::vector<Dropped> dropped;
    DropUnreadableLines(b, 40, dropped);
    EXPECT_EQ(b.lines.size(), 1u) << RoleName(role);
  }
  Block b = Lines({{"~ \\", 5}});
  std::vector<Dropped> dropped;
  DropUnreadableLines(b, 0, dropped);
  EXPECT_EQ(b.lines.size(), 1u);
  DropUnreadableLines(b, 40, dropped);  // no layout role: body
  EXPECT_TRUE(b.lines.empty());
}

Block Boxed(std::vector<std::pair<std::string, int>> lines, Role role) {
  Block b;
  b.layout_role = role;
  int y = 0;
  for (auto& [text, h] : lines) {
    Line l;
    l.text = text;
    l.confidence = 30;
    l.box = Box{10, y, 400, h};
    y += h + 5;
    b.lines.push_back(l);
  }
  return b;
}

// OcrOptions::min_line_height: the edge of a thick rule read as a "line" 1-2
// px tall goes, in any role; a short line of real text (a one-character
// line, a dash) of normal height stays.
TEST(OcrConfidence, LinesFlatterThanTextAreDroppedWithTheReason) {
  std::vector<Block> blocks = {
      Boxed({{"Abendblatt", 60}, {"—— il ——i— OO ll", 2}, {"Montag, 4. Mai", 30}}, Role::kHeadline),
      Boxed({{"Im Hafen lagen drei", 30}, {"—", 28}, {"Schiffe vor Anker", 31}, {"和", 29}}, Role::kBody),
      Boxed({{"Il— lI —— ii", 1}}, Role::kBody)};
  std::vector<Dropped> dropped;
  DropFlatLines(blocks, 0.3, dropped);
  ASSERT_EQ(blocks[0].lines.size(), 2u);
  EXPECT_EQ(blocks[0].lines[1].text, "Montag, 4. Mai");
  EXPECT_EQ(blocks[1].lines.size(), 4u);
  EXPECT_TRUE(blocks[2].lines.empty());
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].text, "—— il ——i— OO ll");
  // Median of the heights of lines of two characters or more: 60 30 2 30 31 1 -> 30.
  EXPECT_EQ(dropped[0].reason,
            "not text: line boxes 2 px tall or less, under 0.30 x the page's median line height of 30 px (a rule or "
            "frame read as text?)");
  std::vector<Block> again = {Boxed({{"a", 1}, {"text line", 30}}, Role::kBody)};
  DropFlatLines(again, 0, dropped);  // 0 keeps all
  EXPECT_EQ(again[0].lines.size(), 2u);
}

Page PageOf(std::vector<Block> blocks, double orientation_check) {
  Page page;
  page.blocks = std::move(blocks);
  page.info.orientation_check = orientation_check;
  page.info.orientation_note = "upright: taken as upright until the OCR shows otherwise";
  return page;
}

TEST(OcrOrientation, BodyTextReadWellConfirmsUprightWhateverTheHeadlinesRead) {
  // Headlines read low even upright: only body lines count. Median of 88, 91, 62 is 88.
  Page page = PageOf({Lines({{"梨伦镇便民服务更贴心", 15}, {"一线调查", 20}}, Role::kHeadline),
                      Lines({{"市政府今天召开新闻发布会", 91}, {"建设的主要成绩", 62}}, Role::kBody),
                      Lines({{"改造老旧小区", 88}})},
                     70);
  ConfirmOrientation(page);
  EXPECT_FALSE(page.info.orientation_unconfirmed);
  EXPECT_EQ(page.info.orientation_check, 0);
  EXPECT_DOUBLE_EQ(page.info.text_confidence, 88);
  EXPECT_EQ(page.info.orientation_note, "upright: the body text reads at median line confidence 88 >= 70 (OSD not run)");
}

TEST(OcrOrientation, BodyTextReadBadlyOrNotAtAllLeavesItUnconfirmed) {
  // Turned text reads at 0-40.
  Page page = PageOf({Lines({{"一 二", 31}, {"~", 0}, {"口 口", 36}}), Lines({{"梨伦镇", 95}}, Role::kCaption)}, 70);
  ConfirmOrientation(page);
  EXPECT_TRUE(page.info.orientation_unconfirmed);
  EXPECT_EQ(page.info.orientation_check, 0);
  EXPECT_DOUBLE_EQ(page.info.text_confidence, 31);
  EXPECT_EQ(page.info.orientation_note, "the body text read as the page came in at median line confidence 31 < 70");

  Page blank = PageOf({Lines({{"梨伦镇", 95}}, Role::kHeadline)}, 70);
  ConfirmOrientation(blank);
  EXPECT_TRUE(blank.info.orientation_unconfirmed);
  EXPECT_DOUBLE_EQ(blank.info.text_confidence, -1);
  EXPECT_EQ(blank.info.orientation_note, "no body text read as the page came in");
}

TEST(OcrOrientation, NothingPendingOnlyMeasures) {
  Page page = PageOf({Lines({{"一 二", 31}})}, 0);
  page.info.orientation_note = "declined: too little text to tell the orientation";
  ConfirmOrientation(page);
  EXPECT_FALSE(page.info.orientation_unconfirmed);
  EXPECT_DOUBLE_EQ(page.info.text_confidence, 31);
  EXPECT_EQ(page.info.orientation_note, "declined: too little text to tell the orientation");
}

}  // namespace
}  // namespace ocrflow::ocr
