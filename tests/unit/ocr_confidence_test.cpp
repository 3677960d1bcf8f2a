// OcrOptions::min_block_confidence: body blocks read at a low mean
// confidence lose their low lines (photo texture, drawings read as text);
// real text and headlines stay.
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

}  // namespace
}  // namespace ocrflow::ocr
