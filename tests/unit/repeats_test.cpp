// Repeat removal (REFLOW rows 7, 8): what is dropped, what must stay.
#include "stages/text/repeats.h"

#include <gtest/gtest.h>

#include "bench/news_text_gen.h"
#include "pipeline/app/text_job.h"

namespace ocrflow::text {
namespace {

Page Paragraphs(std::vector<std::string> texts) {
  Page page;
  int line = 1;
  for (auto& t : texts) {
    page.paragraphs.push_back(Paragraph{std::move(t), Role::kBody, line, line});
    ++line;
  }
  return page;
}

TEST(Repeats, DropsPassageDuplicatedFromEarlierColumn) {
  Page page = Paragraphs({
      "河湾区今年计划新建公园十座。全区改造老旧小区四十个，惠及居民一万余户。新建停车位三千个。",
      "松岭镇同期完成供暖管网改造。全区改造老旧小区四十个，惠及居民一万余户。新建停车位三千个。镇里还新修了道路。",
  });
  ASSERT_TRUE(RemoveRepeats(page, {}).ok());
  ASSERT_EQ(page.paragraphs.size(), 2u);
  EXPECT_EQ(page.paragraphs[1].text, "松岭镇同期完成供暖管网改造。镇里还新修了道路。");
  ASSERT_EQ(page.dropped.size(), 1u);
  EXPECT_NE(page.dropped[0].reason.find("duplicated passage"), std::string::npos);
}

// On a page read from an image, a passage is read twice only from one place:
// the same two sentences printed in two columns both stay; read again from
// the lines they were first read from, the copy goes.
TEST(Repeats, OnAnImagePageOnlyAPassageReadTwiceFromOnePlaceGoes) {
  for (bool same_place : {false, true}) {
    SCOPED_TRACE(same_place ? "same place" : "two places");
    Page page = Paragraphs({
        "河湾区今年计划新建公园十座。全区改造老旧小区四十个，惠及居民一万余户。新建停车位三千个。",
        "松岭镇同期完成供暖管网改造。全区改造老旧小区四十个，惠及居民一万余户。新建停车位三千个。镇里还新修了道路。",
    });
    for (int i = 0; i < 2; ++i) {
      Block b;
      b.box = Box{100 + (same_place ? 0 : 900 * i), 200, 800, 60};
      Line l;
      l.text = page.paragraphs[i].text;
      l.source_line = i + 1;
      l.box = b.box;
      b.lines.push_back(l);
      page.blocks.push_back(b);
    }
    ASSERT_TRUE(RemoveRepeats(page, {}).ok());
    ASSERT_EQ(page.paragraphs.size(), 2u);
    EXPECT_EQ(page.paragraphs[1].text, same_place ? "松岭镇同期完成供暖管网改造。镇里还新修了道路。"
                                                  : "松岭镇同期完成供暖管网改造。全区改造老旧小区四十个，惠及居民一万余户。新建停车位三千个。镇里还新修了道路。");
    EXPECT_EQ(page.dropped.size(), same_place ? 1u : 0u);
  }
}

TEST(Repeats, KeepsRepeatedPhraseInsideDifferentSentences) {
  // Two articles may share a long list; without two sentence ends inside the
  // repeat it is writing, not an OCR duplicate.
  Page page = Paragraphs({
      "甲镇对公园的座椅、路灯、健身器材、垃圾桶、宣传栏等公共设施进行了全面检修和油漆翻新。",
      "乙镇随后也对座椅、路灯、健身器材、垃圾桶、宣传栏等公共设施进行了全面检修，效果很好。",
  });
  auto before = page.paragraphs;
  ASSERT_TRUE(RemoveRepeats(page, {}).ok());
  ASSERT_EQ(page.paragraphs.size(), 2u);
  EXPECT_EQ(page.paragraphs[0].text, before[0].text);
  EXPECT_EQ(page.paragraphs[1].text, before[1].text);
  EXPECT_TRUE(page.dropped.empty());
}

TEST(Repeats, RepairsPhraseDoubledInPlace) {
  Page page = Paragraphs({"活动现场气氛热烈活动现场气氛热烈。。", "研究研究再说。", "一天一天过去了。"});
  ASSERT_TRUE(RemoveRepeats(page, {}).ok());
  EXPECT_EQ(page.paragraphs[0].text, "活动现场气氛热烈。");
  EXPECT_EQ(page.paragraphs[1].text, "研究研究再说。");  // two-character reduplication is language
  EXPECT_EQ(page.paragraphs[2].text, "一天一天过去了。");
}

// Reference check on generated text: every dropped passage really occurs
// earlier in the document, and nothing is dropped from text without repeats.
TEST(Repeats, DroppedPassagesOccurEarlier) {
  auto job = TextJob::Build({});
  ASSERT_TRUE(job.ok());
  RunContext ctx;
  for (int seed = 1; seed <= 10; ++seed) {
    std::string doc = bench::NewsTextGenerator(seed).Document(6000);
    auto page = job->Run(doc, ctx);
    ASSERT_TRUE(page.ok());
    std::string flat;
    for (char c : doc) {
      if (c == ',') flat += "，";  // what normalisation makes of it in Chinese
      else if (c != '\n' && c != ' ') flat += c;
    }
    for (const auto& d : page->dropped) {
      if (d.reason.rfind("duplicated passage", 0) != 0) continue;
      size_t first = flat.find(d.text);
      ASSERT_NE(first, std::string::npos) << d.text;
      EXPECT_NE(flat.find(d.text, first + 1), std::string::npos) << "dropped text occurs only once: " << d.text;
    }
  }
}

}  // namespace
}  // namespace ocrflow::text

namespace ocrflow::text {
namespace {

// Former bugs.

// Found by the fuzzer: a page where every position is an anchor (after a
// clause mark) filled the fingerprint table and the probe never ended.
TEST(RepeatsFormerBugs, AllAnchorsDoNotHang) {
  Page page = Paragraphs({std::string(20000, ','), std::string(9000, '.') + "，，，，，，，，，，，，"});
  ASSERT_TRUE(RemoveRepeats(page, {}).ok());
  Page mixed = Paragraphs({[] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "，" + std::to_string(i % 97);
    return s;
  }()});
  ASSERT_TRUE(RemoveRepeats(mixed, {}).ok());
}

// A list written as "X，X，" is language, not an OCR doubling.
TEST(RepeatsFormerBugs, RepeatedClauseWithCommaStays) {
  Page page = Paragraphs({"大力发展学校食堂安全检查，大力发展学校食堂安全检查，效果明显。"});
  std::string before = page.paragraphs[0].text;
  ASSERT_TRUE(RemoveRepeats(page, {}).ok());
  EXPECT_EQ(page.paragraphs[0].text, before);
}

}  // namespace
}  // namespace ocrflow::text
