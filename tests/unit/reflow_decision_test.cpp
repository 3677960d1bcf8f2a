// The join/split decision, table-driven: each row is a small piece of OCR-like
// text, the pair of source lines whose decision we check, and the expected
// decision and rule. On failure the table prints expected and actual side by
// side. All text is ours.
#include <gtest/gtest.h>

#include <iomanip>
#include <sstream>

#include "models/wordlist.h"
#include "pipeline/app/text_job.h"
#include "stages/text/reflow.h"

namespace ocrflow {
namespace {

Page RunText(const std::string& text) {
  auto job = TextJob::Build({});
  EXPECT_TRUE(job.ok()) << job.status().ToString();
  RunContext ctx;
  ctx.explain = true;
  auto page = job->Run(text, ctx);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? std::move(page).value() : Page{};
}

struct DecisionCase {
  const char* name;
  const char* text;
  int line_a;
  int line_b;
  bool join;
  const char* rule;
};

// Column width 12 (a paragraph's first line 10): a model column of wrapped
// news text, widths checked by hand.
#define P1 "全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村的两万多名村民\n出行。\n"
const DecisionCase kCases[] = {
    {"wrap_inside_paragraph", P1, 2, 3, true, "wrap"},
    {"short_line_after_full_stop_ends_paragraph",
     P1 "河湾区同期启动了十座\n公园的改造，预计年底前全\n部完工并向市民开放。\n", 4, 5, false, "short-after-terminal"},
    {"full_line_ending_with_full_stop_continues",
     "全县今年新建乡村道路\n一百二十公里，投资三亿。\n惠及沿线十二个行政村的两\n万多名村民出行。\n", 2, 3, true, "wrap"},
    {"column_break_mid_sentence",
     "全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村的两万多名村民\n\n出行，群众交口称赞。\n", 3, 5, true,
     "mid-sentence"},
    {"column_break_mid_word",
     "全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村的两万多名村\n\n民出行，群众交口称赞。\n", 3, 5, true,
     "mid-sentence"},
    {"column_break_before_opening_quote",
     "全县今年评选出一批示\n范户和带头人，其中三户被\n评为\n\n“好邻居”，发挥榜样作用。\n", 3, 5, true, "mid-sentence"},
    {"blank_line_after_paragraph_end",
     P1 "\n河湾区同期启动了十座\n公园的改造，预计年底前全\n部完工并向市民开放。\n", 4, 6, false, "blank-line"},
    {"column_break_between_sentences_full_lines",
     "全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村，村民很满意。\n\n"
     "两万多名村民出行更方便，\n群众纷纷称赞。\n",
     3, 5, true, "full-lines"},
    {"headline_then_body", "河湾区 绿色转型步入快车道\n\n" P1, 1, 3, false, "role-change"},
    {"headline_lines_joined", "松岭镇\n冬季供暖保障有力\n\n" P1, 1, 2, true, "headline-wrap"},
    {"indented_line_starts_paragraph",
     "全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村的两万多名村民\n  本报讯 河湾区同期启动\n", 3, 4,
     false, "indent"},
    // Former bug: a line ending in 拍摄 at a column break was taken for a photo credit.
    {"column_break_after_pai_she",
     "全县今年新建乡村道路\n一百二十公里，记者随车拍\n摄\n\n了沿途村庄的新面貌和变化。\n", 3, 5, true, "mid-sentence"},
    {"unwrapped_lines_are_paragraphs",
     "今年以来，全县新建乡村道路一百二十公里，惠及沿线十二个行政村。\n河湾区同期启动了十座公园的改造，预计年底前全部完工并开放。\n"
     "松岭镇完成了供暖管网改造。\n",
     1, 2, false, "line-per-paragraph"},
};

TEST(ReflowDecision, Table) {
  std::ostringstream report;
  int failures = 0;
  for (const auto& c : kCases) {
    Page page = RunText(c.text);
    const Decision* found = nullptr;
    for (const auto& d : page.decisions) {
      if (d.line_a == c.line_a && d.line_b == c.line_b) found = &d;
    }
    std::string expected = std::string(c.join ? "join " : "split ") + c.rule;
    std::string actual = found ? std::string(found->join ? "join " : "split ") + found->rule : "(no decision)";
    bool ok = expected == actual;
    failures += !ok;
    report << (ok ? "  ok   " : "  FAIL ") << std::left << std::setw(44) << c.name << " expected " << std::setw(28)
           << expected << " actual " << actual << (found && !found->detail.empty() ? "  [" + found->detail + "]" : "")
           << "\n";
  }
  EXPECT_EQ(failures, 0) << "join decisions (lines a -> b):\n" << report.str();
}

// De-hyphenation against an obviously correct reference: the rule written
// out as the list of facts it consults, in order.
struct HyphenCase {
  const char* left;
  const char* right;
  bool remove;
};

TEST(Dehyphenation, Table) {
  const auto& words = models::WordList::System();
  if (words.size() == 0) GTEST_SKIP() << "no system word list (install wamerican)";
  std::vector<std::string> doc_words = {"cooperation"};
  std::vector<std::string> hyphenated = {"self-made"};
  const HyphenCase cases[] = {
      {"inter", "national", true},   // a dictionary word
      {"develop", "ment", true},
      {"well", "known", false},      // two words, joined is not a word
      {"long", "term", false},
      {"state", "owned", false},
      {"Franco", "German", false},   // capital after the hyphen
      {"co", "operation", true},     // the document writes it joined
      {"self", "made", false},       // the document writes it hyphenated
      {"xylo", "quorbate", true},    // unknown: soft hyphen is the common case
  };
  for (const auto& c : cases) {
    bool actual = text::RemoveLineEndHyphen(c.left, c.right, words, doc_words, hyphenated);
    EXPECT_EQ(actual, c.remove) << c.left << "-|" << c.right << ": expected " << (c.remove ? "remove" : "keep")
                                << ", actual " << (actual ? "remove" : "keep");
  }
}

TEST(JoinText, Separators) {
  EXPECT_EQ(text::JoinText("青禾县", "河湾区"), "青禾县河湾区");
  EXPECT_EQ(text::JoinText("open", "source"), "open source");
  EXPECT_EQ(text::JoinText("使用", "Python"), "使用Python");
  EXPECT_EQ(text::JoinText("Python", "开发"), "Python开发");
  EXPECT_EQ(text::JoinText("增长", "15%"), "增长15%");
}

}  // namespace
}  // namespace ocrflow
