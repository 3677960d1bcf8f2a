// Table and chart text: runs of tiny paragraphs are dropped (and recorded),
// prose and short runs stay.
#include "stages/text/fragments.h"

#include <gtest/gtest.h>

namespace ocrflow::text {
namespace {

Page Paragraphs(const std::vector<std::pair<Role, std::string>>& texts) {
  Page page;
  int line = 1;
  for (const auto& [role, t] : texts) {
    page.paragraphs.push_back(Paragraph{t, role, line, line});
    ++line;
  }
  return page;
}

std::vector<std::string> Texts(const Page& page) {
  std::vector<std::string> out;
  for (const auto& p : page.paragraphs) out.push_back(p.text);
  return out;
}

TEST(Fragments, DropsTableCellsBetweenProseAndRecordsThem) {
  // Cells pass for headlines by their shape: role does not save them.
  Page page = Paragraphs({
      {Role::kBody, "河湾区今年共改造老旧小区四十二个，惠及居民一万余户。各街道进度见下表。"},
      {Role::kBody, "表2 各街道改造进度"},
      {Role::kHeadline, "街道"},
      {Role::kHeadline, "户数"},
      {Role::kHeadline, "东湖街道"},
      {Role::kBody, "3260"},
      {Role::kListItem, "1. 87 %"},
      {Role::kBody, "据区住建局介绍，剩余工程将在年底前全部完工。"},
  });
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  // The table's title is short and unpunctuated too: it goes with the run.
  EXPECT_EQ(Texts(page), (std::vector<std::string>{
                             "河湾区今年共改造老旧小区四十二个，惠及居民一万余户。各街道进度见下表。",
                             "据区住建局介绍，剩余工程将在年底前全部完工。",
                         }));
  ASSERT_EQ(page.dropped.size(), 6u);
  EXPECT_EQ(page.dropped[0].text, "表2 各街道改造进度");
  EXPECT_EQ(page.dropped[0].reason, "table or chart: 6 short fragments in a row");
  EXPECT_EQ(page.dropped[0].first_line, 2);
  EXPECT_EQ(page.dropped[5].text, "1. 87 %");
  EXPECT_EQ(page.dropped[5].last_line, 7);
}

TEST(Fragments, ThreeShortParagraphsInARowStay) {
  // A two-line headline and a subheadline before the article.
  Page page = Paragraphs({
      {Role::kHeadline, "松岭镇科技园区"},
      {Role::kHeadline, "项目开工"},
      {Role::kSubheadline, "总投资十二亿元"},
      {Role::kBody, "本报讯 松岭镇科技园区项目昨日开工，预计明年底建成投用。"},
  });
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  EXPECT_EQ(page.paragraphs.size(), 4u);
  EXPECT_TRUE(page.dropped.empty());
}

TEST(Fragments, ABylineBreaksTheRun) {
  Page page = Paragraphs({
      {Role::kHeadline, "松岭镇科技园区"},
      {Role::kHeadline, "项目开工"},
      {Role::kByline, "本报记者 周远航"},
      {Role::kByline, "通讯员 林小禾"},
      {Role::kBody, "园区一期"},
  });
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  EXPECT_EQ(page.paragraphs.size(), 5u);
}

TEST(Fragments, AHeadlineOverItsBylineEndsARunOfCells) {
  // A table at the foot of one article, then the next article's headline
  // and byline: the cells go, the headline stays.
  Page page = Paragraphs({
      {Role::kBody, "去年全区新增停车泊位两千余个，各街道数字见下表。"},
      {Role::kBody, "2025年"},
      {Role::kBody, "2026年"},
      {Role::kBody, "1280"},
      {Role::kBody, "2315"},
      {Role::kHeadline, "青禾县冬储蔬菜供应充足"},
      {Role::kByline, "本报通讯员 林晓舟"},
      {Role::kBody, "入冬以来，青禾县各大市场蔬菜供应稳定，价格平稳。"},
  });
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  EXPECT_EQ(Texts(page), (std::vector<std::string>{
                             "去年全区新增停车泊位两千余个，各街道数字见下表。",
                             "青禾县冬储蔬菜供应充足",
                             "本报通讯员 林晓舟",
                             "入冬以来，青禾县各大市场蔬菜供应稳定，价格平稳。",
                         }));
  ASSERT_EQ(page.dropped.size(), 4u);
  EXPECT_EQ(page.dropped[0].reason, "table or chart: 4 short fragments in a row");
}

TEST(Fragments, PunctuatedShortLinesStay) {
  // A poem's lines and list items carry commas and enumeration marks.
  Page page = Paragraphs({
      {Role::kBody, "春风吹过河湾，"},
      {Role::kBody, "柳色绿了堤岸。"},
      {Role::kBody, "一、修路；"},
      {Role::kBody, "二、建桥；"},
      {Role::kBody, "Oak, ash; elm"},
  });
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  EXPECT_EQ(page.paragraphs.size(), 5u);
}

TEST(Fragments, LongerParagraphsBreakTheRunAndTheLimitsAreOptions) {
  const std::vector<std::pair<Role, std::string>> texts = {
      {Role::kBody, "合计"}, {Role::kBody, "533.64"}, {Role::kBody, "11.03"},
      {Role::kBody, "这一段没有标点但是比十二个字长得多的文字"},  // 20 characters
      {Role::kBody, "66.67"},
  };
  Page page = Paragraphs(texts);
  ASSERT_TRUE(DropFragmentRuns(page, {}).ok());
  EXPECT_EQ(page.paragraphs.size(), 5u);
  page = Paragraphs(texts);
  ASSERT_TRUE(DropFragmentRuns(page, {.min_run = 3, .max_chars = 12}).ok());
  EXPECT_EQ(page.paragraphs.size(), 2u);
  page = Paragraphs(texts);
  ASSERT_TRUE(DropFragmentRuns(page, {.min_run = 4, .max_chars = 20}).ok());
  EXPECT_TRUE(page.paragraphs.empty());
  page = Paragraphs(texts);
  ASSERT_TRUE(DropFragmentRuns(page, {.min_run = 0, .max_chars = 20}).ok());  // 0: off
  EXPECT_EQ(page.paragraphs.size(), 5u);
}

}  // namespace
}  // namespace ocrflow::text
