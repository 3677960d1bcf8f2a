// Document-level steps of `ocrflow run` that work on finished pages.
#include <gtest/gtest.h>

#include "pipeline/app/page_job.h"

namespace ocrflow {
namespace {

Page PageWith(std::vector<std::string> paragraphs) {
  Page p;
  int n = 0;
  for (auto& t : paragraphs) p.paragraphs.push_back({t, Role::kBody, ++n, n});
  return p;
}

TEST(RunningLines, RepeatedTopAndBottomLinesAreDroppedAcrossPages) {
  std::vector<Page> pages;
  for (int i = 1; i <= 4; ++i) {
    const char* bodies[] = {"河湾区新建道路", "县里改造小区", "市场监管部门", "明年继续推进", "公共交通建设"};
    pages.push_back(PageWith({"晨报 第" + std::to_string(i) + "版", bodies[i - 1] + std::string("，取得进展。"),
                              bodies[i] + std::string("，成效明显。"), "第" + std::to_string(i * 7) + "页 要闻"}));
  }
  EXPECT_EQ(DropRepeatedRunningLines(pages), 8);
  for (const auto& p : pages) {
    ASSERT_EQ(p.paragraphs.size(), 2u);
    EXPECT_NE(p.paragraphs[0].text.find("取得进展"), std::string::npos);
    ASSERT_EQ(p.dropped.size(), 2u);
    EXPECT_NE(p.dropped[0].reason.find("repeated on 4 of 4 pages"), std::string::npos);
  }
}

TEST(RunningLines, BodyTextAndShortDocumentsAreKept) {
  // The same sentence in the middle of pages is not a running line; two
  // pages are not enough evidence.
  std::vector<Page> pages;
  const char* heads[] = {"甲", "乙", "丙"};
  for (int i = 0; i < 3; ++i) {
    pages.push_back(PageWith({heads[i], std::string("开头") + heads[i], "相同的正文。", std::string("结尾") + heads[i], heads[i]}));
  }
  EXPECT_EQ(DropRepeatedRunningLines(pages), 0);
  std::vector<Page> two = {PageWith({"报头", "正文。"}), PageWith({"报头", "正文二。"})};
  EXPECT_EQ(DropRepeatedRunningLines(two), 0);
}

}  // namespace
}  // namespace ocrflow
