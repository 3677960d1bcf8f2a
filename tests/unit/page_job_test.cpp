// Document-level steps of `ocrflow run` that work on finished pages.
#include <gtest/gtest.h>

#include "pipeline/app/page_job.h"
#include "pipeline/app/text_job.h"
#include "stages/text/classify.h"
#include "stages/text/ocr_fixes.h"
#include "stages/text/register.h"

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

// Why each page of an input was not read is a value (PageFailure), set
// where the pages are assembled from what is known of each (flagged as
// timed out in a stage, left out by ProcessPageByPage), and counted by it:
// never by the wording of the message, which may say anything. Before, the
// daemon's log counted "timed out" pages by matching ": timed out " in the
// message, and its manifest's timed_out_pages counted every kDeadlineExceeded,
// a page left out after its worker was killed for time too.
TEST(AssembleInput, PagesNotReadAreCountedByTheirReasonNotTheirWording) {
  auto page = [](int number, const std::string& timed_out_stage) {
    Page p = PageWith({"Text of page " + std::to_string(number) + "."});
    p.number = number;
    p.info.timed_out_stage = timed_out_stage;
    if (!timed_out_stage.empty()) p.paragraphs.clear();
    return p;
  };
  std::vector<Page> pages;
  pages.push_back(page(1, ""));
  pages.push_back(page(3, "ocr"));  // timed out inside a stage, flagged, its worker alive
  pages.push_back(page(5, ""));
  const std::vector<Status> status = {
      Status::Ok(),
      // Left out after its worker was killed for time: not a page timed out in a stage.
      Status(Code::kDeadlineExceeded, "left out: timed out in stage ocr (page 2): no page finished in 4 s"),
      Status(Code::kDeadlineExceeded, "timed out after 3 s (--page-timeout) in stage ocr"),
      // Not decodable, its message worded like a timeout.
      Status(Code::kBadInput, "TIFF page 4: timed out reading the strip: left out: of the file"),
      Status::Ok()};
  RunOptions options;
  options.write_txt = true;
  InputOutcome o = AssembleInput(std::move(pages), status, {2}, "book.tif", options, nullptr);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.pages, 2);
  EXPECT_EQ(o.failed_pages, 3);
  EXPECT_EQ(o.timed_out_pages, 1);
  EXPECT_EQ(o.left_out_pages, 1);
  ASSERT_EQ(o.page_errors.size(), 3u);
  EXPECT_EQ(o.page_errors[0].page, 2);
  EXPECT_EQ(o.page_errors[0].reason, PageFailure::kLeftOut);
  EXPECT_EQ(o.page_errors[0].message, "page 2: left out: timed out in stage ocr (page 2): no page finished in 4 s");
  EXPECT_EQ(o.page_errors[1].page, 3);
  EXPECT_EQ(o.page_errors[1].reason, PageFailure::kTimedOut);
  EXPECT_EQ(o.page_errors[2].page, 4);
  EXPECT_EQ(o.page_errors[2].reason, PageFailure::kNotRead);
  EXPECT_NE(o.txt.find("Text of page 1."), std::string::npos) << o.txt;
  EXPECT_NE(o.txt.find("Text of page 5."), std::string::npos) << o.txt;
}

TEST(OcrGlyphs, RepairsWhatTheImageCannotSettle) {
  EXPECT_EQ(text::FixOcrGlyphsInLine("一一老旧小区改造侧记"), "——老旧小区改造侧记");
  EXPECT_EQ(text::FixOcrGlyphsInLine("口本报记者 林青"), "□本报记者 林青");
  EXPECT_EQ(text::FixOcrGlyphsInLine("工程〈一期）于5月完工"), "工程（一期）于5月完工");
  // Tesseract's close is still half-width here (normalize runs later).
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报讯《记者孙晓岚)"), "本报讯（记者 孙晓岚）");  // spaced: see below
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报讯《记者孙晓岚》"), "本报讯（记者 孙晓岚）");
  EXPECT_EQ(text::FixOcrGlyphsInLine("读了《乡村振兴报告》一书"), "读了《乡村振兴报告》一书");  // a real title stays
}

TEST(OcrGlyphs, StrayUnderscoresGo) {
  EXPECT_EQ(text::FixOcrGlyphsInLine("the council approved the _ flood barrier"), "the council approved the flood barrier");
  EXPECT_EQ(text::FixOcrGlyphsInLine("and a_ second hearing is set"), "and a second hearing is set");
  EXPECT_EQ(text::FixOcrGlyphsInLine("_ the plan was _— in the end __"), "the plan was — in the end");
  EXPECT_EQ(text::FixOcrGlyphsInLine("write to parks_dept@town.example or see /docs/road_plan"),
            "write to parks_dept@town.example or see /docs/road_plan");
  EXPECT_EQ(text::FixOcrGlyphsInLine("the max_speed field"), "the max_speed field");
  EXPECT_EQ(text::FixOcrGlyphsInLine("_"), "");
}

TEST(OcrGlyphs, AParenthesisOpenedAtALineEndIsPairedOnTheNextLine) {
  std::vector<std::string> lines = {"柳溪乡智慧停车项目〈见", "本版图片）于5月通过验收。", "南屏新区培训中心《〈二期",
                                    "工程）已经完工。"};
  text::FixOcrGlyphsInBlock(lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"柳溪乡智慧停车项目（见", "本版图片）于5月通过验收。",
                                             "南屏新区培训中心（二期", "工程）已经完工。"}));
  // A real title and an angle bracket with its own close stay.
  std::vector<std::string> keep = {"读了《乡村振兴", "报告》一书", "〈附表〉见下（第", "3页）"};
  const std::vector<std::string> want = keep;
  text::FixOcrGlyphsInBlock(keep);
  EXPECT_EQ(keep, want);
}

// A line of an OCR'd page from its words, each "text@x,width"; one line
// box over them, rows 40 px apart, row height 38.
Line WordsLine(int y, std::vector<std::pair<std::string, Box>> words) {
  Line l;
  int x0 = 1 << 30, x1 = 0;
  for (auto& [t, b] : words) {
    l.text += (l.text.empty() ? "" : " ") + t;
    l.words.push_back(Word{t, b, 80});
    x0 = std::min(x0, b.x), x1 = std::max(x1, b.x + b.w);
  }
  l.box = Box{x0, y, x1 - x0, 38};
  l.row_height = 38;
  return l;
}

TEST(OcrGlyphs, ASpeckInTheMarginBeforeALineGoes) {
  // A column whose text starts at x = 500; a fleck of dirt 30 px out in the
  // margin read as "-" before the last line of a paragraph.
  Page page;
  Block a;
  a.box = Box{500, 100, 800, 80};
  a.lines.push_back(WordsLine(100, {{"the", {500, 105, 60, 30}}, {"council", {575, 100, 150, 38}}, {"met", {740, 105, 560, 30}}}));
  a.lines.push_back(WordsLine(140, {{"and", {500, 145, 60, 30}}, {"voted", {575, 140, 725, 38}}}));
  Block b;
  b.box = Box{458, 180, 180, 38};
  b.lines.push_back(WordsLine(180, {{"-", {458, 196, 12, 4}}, {"again.", {500, 180, 138, 38}}}));
  Block c;
  c.box = Box{540, 220, 760, 38};
  c.lines.push_back(WordsLine(220, {{"Then", {540, 220, 90, 38}}, {"came", {645, 225, 655, 30}}}));
  page.blocks = {a, b, c};
  text::FixOcrGlyphs(page);
  ASSERT_EQ(page.blocks.size(), 3u);
  EXPECT_EQ(page.blocks[1].lines[0].text, "again.");
  EXPECT_EQ(page.blocks[1].lines[0].box->x, 500);
  EXPECT_EQ(page.blocks[1].lines[0].words.size(), 1u);

  // Not dirt: a list whose marks all hang in the margin; a mark at the
  // column's own edge ("- item" set flush); a mark as big as a letter; a
  // mark whose next word does not start at the edge.
  auto one = [](std::vector<Line> lines) {
    Page p;
    for (auto& l : lines) {
      Block k;
      k.box = l.box;
      k.lines.push_back(std::move(l));
      p.blocks.push_back(std::move(k));
    }
    text::FixOcrGlyphs(p);
    std::vector<std::string> out;
    for (const auto& k : p.blocks) out.push_back(k.lines[0].text);
    return out;
  };
  const std::vector<std::string> list = {"- first", "point", "- second"};
  EXPECT_EQ(one({WordsLine(100, {{"-", {458, 116, 12, 4}}, {"first", {500, 100, 200, 38}}}),
                 WordsLine(140, {{"point", {500, 140, 200, 38}}}),
                 WordsLine(180, {{"-", {458, 196, 12, 4}}, {"second", {500, 180, 200, 38}}})}),
            list);
  // Under a line starting at x = 500: the mark, its box, and where "item" starts.
  struct Kept {
    const char* mark;
    Box box;
    int item_x;
  };
  for (const Kept& k : {Kept{"-", {500, 156, 12, 4}, 530},    // flush
                        Kept{".", {458, 140, 25, 30}, 500},   // big
                        Kept{"-", {458, 156, 12, 4}, 540}}) {  // indented
    SCOPED_TRACE(k.item_x);
    const std::vector<std::string> want = {"the text", std::string(k.mark) + " item"};
    EXPECT_EQ(one({WordsLine(100, {{"the", {500, 100, 60, 38}}, {"text", {575, 100, 200, 38}}}),
                   WordsLine(140, {{k.mark, k.box}, {"item", {k.item_x, 140, 200, 38}}})}),
              want);
  }
}

std::vector<Paragraph> Paras(std::vector<std::string> texts) {
  std::vector<Paragraph> out;
  for (auto& t : texts) out.push_back(Paragraph{t});
  return out;
}

std::vector<std::string> Texts(const std::vector<Paragraph>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.text);
  return out;
}

TEST(OcrQuotes, ALostCloseIsPutBackWhereNewsProseCloses) {
  auto ps = Paras({
      "站长周立新告诉记者：“今年的水稻长势比往年好。",                           // one sentence: close at the end
      "村里新修的水渠已经通水。",
      "“桥修好了，孩子上学近多了，林秀英笑着说，语气里满是轻松。",               // before the speaker
      "“菜价稳下来了，“赵国强笑着说，一边说一边比划。",                           // close read as an open
      "“这条路我们盼了十年，“”老周说。",                                          // close read as two marks
      "他说：“先把水渠修好。再把路面硬化。村里的事一件件办。",                    // several sentences: left open
      "区农业局负责人表示：“明年还要再建三座育苗大棚。",                          // runs on into the next paragraph
      "“资金已经落实到位。”",
      "主任说：“这件事",                                                          // no sentence end: left open
  });
  EXPECT_EQ(text::CloseOpenQuotes(ps), 4);
  EXPECT_EQ(Texts(ps), (std::vector<std::string>{
                           "站长周立新告诉记者：“今年的水稻长势比往年好。”",
                           "村里新修的水渠已经通水。",
                           "“桥修好了，孩子上学近多了，”林秀英笑着说，语气里满是轻松。",
                           "“菜价稳下来了，”赵国强笑着说，一边说一边比划。",
                           "“这条路我们盼了十年，”老周说。",
                           "他说：“先把水渠修好。再把路面硬化。村里的事一件件办。",
                           "区农业局负责人表示：“明年还要再建三座育苗大棚。",
                           "“资金已经落实到位。”",
                           "主任说：“这件事",
                       }));
  // Balanced quotations are left alone.
  auto ok = Paras({"他说：“好。”", "“行，”她说。"});
  EXPECT_EQ(text::CloseOpenQuotes(ok), 0);
}

TEST(OcrGlyphs, CreditsGetTheirSpacesBack) {
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报记者顾南星"), "本报记者 顾南星");
  EXPECT_EQ(text::FixOcrGlyphsInLine("□本报记者林青"), "□本报记者 林青");
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报记者顾南星通讯员马春燕"), "本报记者 顾南星 通讯员 马春燕");
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报记者林青通讯员马春燕"), "本报记者 林青 通讯员 马春燕");
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报讯（记者孙晓岚）"), "本报讯（记者 孙晓岚）");
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报讯《记者孙晓岚)"), "本报讯（记者 孙晓岚）");
  EXPECT_EQ(text::FixOcrGlyphsInLine("图为道路改造现场。本报记者顾南星摄"), "图为道路改造现场。本报记者 顾南星摄");
  EXPECT_EQ(text::FixOcrGlyphsInLine("本报记者 林青"), "本报记者 林青");
  // Sentences about a reporter keep their words together.
  EXPECT_EQ(text::FixOcrGlyphsInLine("记者从有关部门获悉，项目进展顺利。"), "记者从有关部门获悉，项目进展顺利。");
  EXPECT_EQ(text::FixOcrGlyphsInLine("许文博告诉记者：“项目建成后"), "许文博告诉记者：“项目建成后");
  EXPECT_EQ(text::FixOcrGlyphsInLine("。记者了解到"), "。记者了解到");
}

// The OCR text chain (glyphs .. repeats) on one page of OCR'd blocks.
Page RunOcrText(std::vector<Block> blocks) {
  RegisterBuiltinStages();
  auto chain = Pipeline::Build(text::DefaultOcrTextStages(), {});
  EXPECT_TRUE(chain.ok());
  Page page;
  page.blocks = std::move(blocks);
  EXPECT_TRUE(chain.value().Run(page, RunContext{}).ok());
  return page;
}

// Lines `height` px high, 1.2 heights apart, starting at x = 100.
Block OcrBlock(std::optional<Role> role, int y, std::vector<std::pair<std::string, int>> lines, int height = 40) {
  Block b;
  b.layout_role = role;
  int top = y, n = 0, right = 100;
  for (auto& [text, width] : lines) {
    Line l;
    l.text = text;
    l.source_line = y / 10 + ++n;
    l.box = Box{100, top, width, height};
    l.confidence = 90;
    top += height * 6 / 5;
    right = std::max(right, 100 + width);
    b.lines.push_back(std::move(l));
  }
  b.box = Box{100, y, right - 100, top - y};
  return b;
}

TEST(OcrText, BylineInASubheadlineBlockStaysItsOwnParagraph) {
  // Layout put the byline under a sub-headline into the sub-headline's
  // block; the layout role must not swallow it.
  Page page = RunOcrText({
      OcrBlock(Role::kHeadline, 0, {{"河湾区民生实事件件落地", 900}}, 80),
      OcrBlock(Role::kSubheadline, 100, {{"——老旧小区改造工程侧记", 700}, {"本报记者 顾南星", 400}}, 48),
      OcrBlock(std::nullopt, 300,
               {{"今年以来，街道持续推进老旧小区改造，新修道路十二公", 1000}, {"里，群众满意度明显提高。", 480}}),
  });
  ASSERT_EQ(page.paragraphs.size(), 4u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[1].text, "——老旧小区改造工程侧记");
  EXPECT_EQ(page.paragraphs[1].role, Role::kSubheadline);
  EXPECT_EQ(page.paragraphs[2].text, "本报记者 顾南星");
  EXPECT_EQ(page.paragraphs[2].role, Role::kByline);
}

TEST(OcrText, HeadlineCutIntoTwoBlocksIsOneParagraph) {
  // Layout made two blocks of a two-line headline, and of a headline whose
  // last character wrapped; lines as tall, right below, under it.
  Page page = RunOcrText({
      OcrBlock(Role::kHeadline, 0, {{"云杉街道乡村道路", 480}}, 58),
      OcrBlock(Role::kHeadline, 70, {{"焕然一新", 240}}, 58),
      OcrBlock(std::nullopt, 200, {{"今年以来，街道新修道路十二公里，群众满意度明显提高。", 1000}}),
      OcrBlock(Role::kHeadline, 400, {{"梨花镇产业升级迈出新步", 660}}, 58),
      OcrBlock(Role::kSubheadline, 470, {{"伐", 58}}, 56),
      OcrBlock(std::nullopt, 600, {{"园区管委会统筹推进项目建设，新增企业二十四家。", 1000}}),
  });
  ASSERT_EQ(page.paragraphs.size(), 4u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[0].text, "云杉街道乡村道路 焕然一新");  // headline lines joined as phrases
  EXPECT_EQ(page.paragraphs[0].role, Role::kHeadline);
  EXPECT_EQ(page.paragraphs[2].role, Role::kHeadline);
  EXPECT_NE(page.paragraphs[2].text.find("伐"), std::string::npos);
}

TEST(OcrText, SmallerSubheadlineOrDistantHeadlineStaysApart) {
  Page page = RunOcrText({
      OcrBlock(Role::kHeadline, 0, {{"河湾区民生实事件件落地", 900}}, 80),
      OcrBlock(Role::kSubheadline, 100, {{"——老旧小区改造工程侧记", 700}}, 48),
      OcrBlock(Role::kHeadline, 400, {{"望江社区换新颜", 600}}, 80),  // far below: another headline
  });
  ASSERT_EQ(page.paragraphs.size(), 3u) << RenderParagraphs(page.paragraphs);
}

TEST(OcrText, HeadlineCutAtAGutterIsOneLineAgain) {
  // Layout cut a two-column headline at the gutter below it, through a word;
  // the right half came after the left column's body in reading order.
  Block left = OcrBlock(Role::kHeadline, 0, {{"Fairhaven Farmers Market Mo", 1100}}, 64);
  Block right = OcrBlock(Role::kHeadline, 2, {{"ves Indoors", 500}}, 64);
  right.box->x = right.lines[0].box->x = 1200;  // touching the left half: one word cut
  Block wide_gap = OcrBlock(Role::kHeadline, 300, {{"Harbor Point", 500}}, 64);
  Block other = OcrBlock(Role::kHeadline, 302, {{"Budget Talks Stall", 600}}, 64);
  other.box->x = other.lines[0].box->x = 1000;  // 400 px away: another article's headline
  Page page = RunOcrText({left, OcrBlock(std::nullopt, 100, {{"The market opens on Saturday.", 600}}), right, wide_gap,
                          OcrBlock(std::nullopt, 400, {{"Work on the barrier begins soon.", 600}}), other});
  ASSERT_EQ(page.paragraphs.size(), 5u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[0].text, "Fairhaven Farmers Market Moves Indoors");
  EXPECT_EQ(page.paragraphs[0].role, Role::kHeadline);
  EXPECT_EQ(page.paragraphs[2].text, "Harbor Point");
}

TEST(OcrText, LatinBylines) {
  for (const char* yes : {"By Anna Whitfield", "By J. R. Moreno", "By Lucia Vance and Daniel Okafor",
                          "By Priya Raman, Staff Writer", "BY ANNA WHITFIELD", "By Ana de la Cruz"}) {
    EXPECT_TRUE(text::LooksLikeByline(yes)) << yes;
  }
  for (const char* no : {"By the end of October, the council", "By March", "By then.", "Bylaws were changed",
                         "By Tuesday the hearing had ended.", "By Anna Whitfield, Staff Writer, Metro Desk, Extra, More"}) {
    EXPECT_FALSE(text::LooksLikeByline(no)) << no;
  }
}

TEST(OcrText, LatinBylineUnderASubheadlineIsItsOwnParagraph) {
  Page page = RunOcrText({
      OcrBlock(Role::kHeadline, 0, {{"Riverton Approves New Bridge Plan", 1700}}, 80),
      OcrBlock(Role::kSubheadline, 100, {{"Residents packed a two-hour hearing on Tuesday", 1160}, {"By Anna Whitfield", 320}}, 44),
      OcrBlock(std::nullopt, 300, {{"Since the spring floods, two regional banks approved a", 1000}, {"training course.", 300}}),
  });
  ASSERT_EQ(page.paragraphs.size(), 4u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[2].text, "By Anna Whitfield");
  EXPECT_EQ(page.paragraphs[2].role, Role::kByline);
}

// The byline opens the column's block, over the dateline and the first
// paragraph (a real front page's layout): it is its own paragraph, and the
// deck above it, which stops without punctuation, does not run into it. A
// sentence opening "By the end ..." stays body.
TEST(OcrText, LatinBylineOpeningAColumnBlockIsItsOwnParagraph) {
  Page page = RunOcrText({
      OcrBlock(Role::kHeadline, 0, {{"Riverton Approves New Bridge Plan", 1000}}, 80),
      OcrBlock(std::nullopt, 100, {{"Residents Packed a Two-Hour", 900}, {"Hearing on Tuesday", 600}}),
      OcrBlock(std::nullopt, 200,
               {{"By ANNA WHITFIELD", 500},
                {"RIVERTON — Since the spring floods, two", 1000},
                {"regional banks approved a bridge loan and a", 1000},
                {"training course.", 300}}),
      OcrBlock(std::nullopt, 400,
               {{"By the end of October, the council had", 1000},
                {"voted twice on the plan and the loan.", 1000},
                {"Work begins soon.", 400}}),
  });
  ASSERT_EQ(page.paragraphs.size(), 5u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[2].text, "By ANNA WHITFIELD");
  EXPECT_EQ(page.paragraphs[2].role, Role::kByline);
  EXPECT_EQ(page.paragraphs[3].text.rfind("RIVERTON", 0), 0u) << page.paragraphs[3].text;
  EXPECT_EQ(page.paragraphs[4].text.rfind("By the end of October", 0), 0u) << page.paragraphs[4].text;
  EXPECT_EQ(page.paragraphs[4].role, Role::kBody);
}

// A centred byline measures from the column's edge: 0.9 of the column here,
// over the "short" share, but not a full line; still a byline.
TEST(OcrText, CentredLatinBylineOpeningAColumnBlockIsItsOwnParagraph) {
  Block story = OcrBlock(std::nullopt, 200,
                         {{"By ANNA WHITFIELD", 700},
                          {"RIVERTON — Since the spring floods, two", 1000},
                          {"regional banks approved a bridge loan and a", 1000},
                          {"training course.", 300}});
  story.lines[0].box->x = 300;  // centred: 300..1000 of the column 100..1100
  Page page = RunOcrText({OcrBlock(Role::kHeadline, 0, {{"Riverton Approves New Bridge Plan", 1000}}, 80), story});
  ASSERT_EQ(page.paragraphs.size(), 3u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[1].text, "By ANNA WHITFIELD");
  EXPECT_EQ(page.paragraphs[1].role, Role::kByline);
}

// Tesseract's row heights on a page's lines (words split at spaces, each as
// tall as its row).
void SetRows(Block& b, std::vector<float> rows) {
  ASSERT_EQ(rows.size(), b.lines.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Line& l = b.lines[i];
    l.row_height = rows[i];
    l.words.clear();
    int x = l.box->x;
    for (size_t at = 0; at < l.text.size();) {
      size_t sp = l.text.find(' ', at);
      if (sp == std::string::npos) sp = l.text.size();
      Word w;
      w.text = l.text.substr(at, sp - at);
      w.box = Box{x, l.box->y, 20 * static_cast<int>(w.text.size()), static_cast<int>(rows[i])};
      x += w.box.w + 10;
      l.words.push_back(w);
      at = sp + 1;
    }
  }
}

// Six lines of body type (rows 32-34 px) ending a paragraph, at the top of
// the page.
Block HarborStory() {
  Block story = OcrBlock(std::nullopt, 0,
                         {{"Harbor officials said on Monday that the", 1000},
                          {"ferry between the two piers would run again", 1000},
                          {"from next week, after repairs to its engine", 1000},
                          {"and a new landing stage that took most of", 1000},
                          {"the winter to build and cost more than the", 1000},
                          {"town had planned for the whole year.", 700}});
  SetRows(story, {33, 33, 34, 33, 32, 33});
  return story;
}

// An index strip of teasers is one block to the layout: a section label, and
// per teaser a heading in larger type over two lines of text. Each heading is
// a paragraph of its own (Tesseract's row heights tell the type size), and so
// is the label before it; the teasers' text, ending in a page reference, is
// not run into the next heading. A body line ending its sentence, or one
// tall only for its drop cap, stays body.
TEST(OcrText, LargerTypeInABodyBlockIsAHeadingOfItsOwn) {
  Block story = HarborStory();
  Block council = OcrBlock(std::nullopt, 300,
                           {{"Council members asked for a report on the", 1000},
                            {"delays and on the cost of the stage.", 700}});
  SetRows(council, {33, 33});
  Block strip = OcrBlock(std::nullopt, 600,
                         {{"METRO B1-4", 300},
                          {"Ferry Service Returns", 700},
                          {"The harbor ferry runs again after a winter", 1000},
                          {"of repairs to its engine. PAGE B2", 800},
                          {"Library Opens Late on Fridays", 900},
                          {"The reading rooms stay open until ten to", 1000},
                          {"serve students before exams. PAGE B4", 850},
                          {"Tall Initials Are Not Headings Here.", 900}});
  SetRows(strip, {30, 46, 33, 33, 45, 33, 33, 45});
  Page page = RunOcrText({story, council, strip});
  std::vector<std::string> texts;
  for (const Paragraph& p : page.paragraphs) texts.push_back(p.text);
  const std::vector<std::string> want = {
      "Harbor officials said on Monday that the ferry between the two piers would run again from next week, after "
      "repairs to its engine and a new landing stage that took most of the winter to build and cost more than the "
      "town had planned for the whole year.",
      "Council members asked for a report on the delays and on the cost of the stage.",
      "METRO B1-4",
      "Ferry Service Returns",
      "The harbor ferry runs again after a winter of repairs to its engine. PAGE B2",
      "Library Opens Late on Fridays",
      "The reading rooms stay open until ten to serve students before exams. PAGE B4 Tall Initials Are Not Headings "
      "Here."};
  EXPECT_EQ(texts, want) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[3].role, Role::kSubheadline);
  EXPECT_EQ(page.blocks[2].lines[1].role_reason, std::string("larger-type"));

  // Off: the strip runs together as before.
  RegisterBuiltinStages();
  auto chain = Pipeline::Build(text::DefaultOcrTextStages(), {{"classify", {{"heading_row_ratio", "0"}}}});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Page off;
  off.blocks = {story, council, strip};
  ASSERT_TRUE(chain.value().Run(off, RunContext{}).ok());
  for (const Paragraph& p : off.paragraphs) EXPECT_NE(p.text, "Ferry Service Returns");
}

// A pull quote in larger type whose first line ends a sentence is one run of
// larger type: one paragraph, not split after its first sentence.
TEST(OcrText, ARunOfLargerTypeIsOneParagraph) {
  Block story = HarborStory();
  Block quote = OcrBlock(std::nullopt, 400,
                         {{"“The ferry is back.", 700}, {"The landing stage is", 900}, {"what took the winter.”", 900}});
  SetRows(quote, {50, 51, 50});
  Block more = OcrBlock(std::nullopt, 600,
                        {{"Council members asked for a report on the", 1000}, {"delays and on the cost of the stage.", 700}});
  SetRows(more, {33, 33});
  Page page = RunOcrText({story, quote, more});
  ASSERT_EQ(page.paragraphs.size(), 3u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[1].text, "“The ferry is back. The landing stage is what took the winter.”");
  EXPECT_EQ(page.paragraphs[1].role, Role::kSubheadline);
}

// A drop cap makes its row tall; the line is still body text.
TEST(OcrText, ADropCapLineIsNotAHeading) {
  Block story = OcrBlock(std::nullopt, 0,
                         {{"T he harbor ferry runs again after a", 1000},
                          {"winter of repairs to its engine and a new", 1000},
                          {"landing stage that took most of the winter", 1000},
                          {"to build and cost more than the town had", 1000},
                          {"planned for the whole year, officials said", 1000},
                          {"on Monday, and the council asked for a", 1000},
                          {"report on the delays and on the cost of the", 1000},
                          {"stage before the spring.", 500}});
  SetRows(story, {70, 33, 33, 33, 33, 33, 33, 33});
  for (Word& w : story.lines[0].words) w.box.h = 33;
  story.lines[0].words[0].box.h = 90;  // the drop cap
  Page page = RunOcrText({story});
  ASSERT_EQ(page.paragraphs.size(), 1u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.blocks[0].lines[0].role, Role::kBody);
}

TEST(OcrText, IndentedOneLineParagraphEndingShortIsItsOwn) {
  // A column 23 characters (920 px) wide. The third paragraph is one
  // indented line that stops a character short after 。; the next one is
  // indented too, so only the width tells. Measured from the column's edge,
  // a first line's indent is inside its width: full is 23, not 21.
  Block b = OcrBlock(std::nullopt, 0,
                     {{"镇长介绍说，这件事大家盼了好多年，今天终于", 840},
                      {"落地了。街道社区持续推进老旧小区改造工程，共新", 920},
                      {"修道路十二公里。", 320},
                      {"上周末，乡村振兴工作队全面开展便民服务。", 800},
                      {"社区书记告诉记者，项目建成后能解决周边用水", 840},
                      {"问题。", 120}});
  for (int i : {0, 3, 4}) b.lines[i].box->x = 180;
  Page page = RunOcrText({b});
  ASSERT_EQ(page.paragraphs.size(), 3u) << RenderParagraphs(page.paragraphs);
  EXPECT_EQ(page.paragraphs[1].text, "上周末，乡村振兴工作队全面开展便民服务。");
}

// A pull quote's lines are set centred, each indented by its own
// shortness: the second line's larger indent does not open a paragraph.
TEST(OcrText, ACentredPullQuoteIsOneParagraph) {
  Block quote = OcrBlock(Role::kPullQuote, 0, {{"“Nobody came here", 520}, {"for the ferry.”", 400}});
  quote.lines[0].box->x = 140;
  quote.lines[1].box->x = 200;
  Page page = RunOcrText({quote});
  EXPECT_EQ(Texts(page.paragraphs), (std::vector<std::string>{"“Nobody came here for the ferry.”"}))
      << RenderParagraphs(page.paragraphs);
}

// A fact box (role inset) 12 characters (480 px) wide: its items are label
// lines with no stop. A line at the box's measure wraps on, unless the next
// one opens with a label; a shorter one ends its item. Read line by line,
// each line was a paragraph; read like body text, the items ran together.
TEST(OcrText, AnInsetsItemsWrapOnlyAtItsMeasure) {
  Page page = RunOcrText({OcrBlock(Role::kInset, 0,
                                   {{"办理材料：身份证、户口簿", 480},
                                    {"及近期免冠照片两张", 360},
                                    {"受理时间：每周一至周五上", 480},
                                    {"午九时至下午五时", 320},
                                    {"办理地点：区政务服务中心", 480},
                                    {"联系人：窗口值班人员", 400}})});
  EXPECT_EQ(Texts(page.paragraphs), (std::vector<std::string>{"办理材料：身份证、户口簿及近期免冠照片两张",
                                                              "受理时间：每周一至周五上午九时至下午五时",
                                                              "办理地点：区政务服务中心", "联系人：窗口值班人员"}))
      << RenderParagraphs(page.paragraphs);
  // Two label lines: the wider one is no measure.
  Page two = RunOcrText({OcrBlock(Role::kInset, 0, {{"受益群众：约十三万人", 400}, {"总投资：十四亿元", 320}})});
  EXPECT_EQ(Texts(two.paragraphs), (std::vector<std::string>{"受益群众：约十三万人", "总投资：十四亿元"}))
      << RenderParagraphs(two.paragraphs);
}

}  // namespace
}  // namespace ocrflow
