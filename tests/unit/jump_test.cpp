// Jump lines: "Continued on Page A13", （下转第二版）. A line that is only a
// jump is its own paragraph with role `jump`, and its target page goes into
// the JSON; a sentence that merely mentions a page is body text. All text is
// ours.
#include <gtest/gtest.h>

#include "pipeline/app/text_job.h"
#include "stages/text/classify.h"

namespace ocrflow {
namespace {

TEST(JumpTarget, JumpLinesGiveThePageAsPrinted) {
  const std::pair<const char*, const char*> cases[] = {
      {"Continued on Page A13", "A13"},
      {"Continued on Page Al6", "Al6"},  // OCR read 1 as l: the target as printed
      {"  continued from page 1.", "1"},
      {"(Continued on Page 4)", "4"},
      {"Continued on Next Page", "next page"},
      {"Fortsetzung auf Seite 3", "3"},
      {"（下转第二版）", "二"},
      {"(下转第2版)", "2"},
      {"（上接第一版】", "一"},  // brackets of two kinds, as OCR mixes them
      {"转A3版", "A3"},
      {"上接第 1 版", "1"},
  };
  for (const auto& [line, page] : cases) {
    auto target = text::JumpTarget(line);
    ASSERT_TRUE(target.has_value()) << line;
    EXPECT_EQ(*target, page) << line;
  }
}

TEST(JumpTarget, SentencesThatMentionAPageAreNotJumps) {
  for (const char* line : {"Continued", "Continued on", "The story continued on page 3 of the report.",
                           "Continued on Page A13 and then the council met again on Monday",
                           "see page 4", "（下转）", "（下转第二版", "转第二十一二三版", "上接“天线”，下接“地气”",
                           "全区今年计划新建高标准农田三万亩", "第二版", "Continued on Page"}) {
    EXPECT_FALSE(text::JumpTarget(line).has_value()) << line;
  }
}

Page RunText(const std::string& text) {
  auto job = TextJob::Build({});
  EXPECT_TRUE(job.ok()) << job.status().ToString();
  RunContext ctx;
  auto page = job->Run(text, ctx);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? std::move(page).value() : Page{};
}

// The jump ends its column mid-sentence: it is not joined to the sentence
// before it, nor to the block after it, and it is never a headline.
TEST(JumpLines, AreTheirOwnParagraphWithTheirTarget) {
  Page page = RunText(
      "The council met late into the night to\n"
      "weigh the plan for the new river crossing\n"
      "and the bus lanes that would run along\n"
      "Continued on Page A7\n"
      "\n"
      "MARKETS Grain prices rose for a third\n"
      "week as the dry spell went on. PAGE B2\n");
  ASSERT_EQ(page.paragraphs.size(), 3u);
  EXPECT_EQ(page.paragraphs[1].text, "Continued on Page A7");
  EXPECT_EQ(page.paragraphs[1].role, Role::kJump);
  EXPECT_EQ(page.paragraphs[1].jump_to, "A7");
  EXPECT_EQ(page.paragraphs[0].role, Role::kBody);
  EXPECT_TRUE(page.paragraphs[2].jump_to.empty());
}

TEST(JumpLines, AChineseJumpAloneInItsBlockIsNotAHeadline) {
  Page page = RunText("（下转第三版）\n\n新建的文化广场下月开放，广场内设有图书角和健身步道。\n");
  ASSERT_EQ(page.paragraphs.size(), 2u);
  EXPECT_EQ(page.paragraphs[0].role, Role::kJump);
  EXPECT_EQ(page.paragraphs[0].jump_to, "三");
}

}  // namespace
}  // namespace ocrflow
