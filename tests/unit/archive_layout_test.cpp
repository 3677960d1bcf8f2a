// The archive formats' words (pipeline/formats/archive_layout.h): the
// paragraph text placed on the OCR words it came from, whatever reflow and
// the text stages did to it, and the formats that write them.
#include "pipeline/formats/archive_layout.h"

#include <gtest/gtest.h>

#include "pipeline/core/geometry.h"
#include "pipeline/core/text_diff.h"
#include "pipeline/formats/alto.h"
#include "pipeline/formats/archive_reader.h"
#include "pipeline/formats/hocr.h"
#include "pipeline/formats/page_xml.h"
#include "pipeline/formats/pdf.h"

namespace ocrflow::formats {
namespace {

Line OcrLine(int number, std::vector<Word> words) {
  Line l;
  l.source_line = number;
  Box box = words.front().box;
  for (const Word& w : words) {
    l.text += (l.text.empty() ? "" : " ") + w.text;
    const int r = std::max(box.right(), w.box.right());
    box.w = r - box.x;
  }
  l.box = box;
  l.confidence = 90;
  l.words = std::move(words);
  return l;
}

// Two Latin lines with a hyphen reflow took out, a word a text stage
// changed, and a Chinese line of one word per character.
Page SamplePage() {
  Page page;
  page.info.width = 1000;
  page.info.height = 800;
  page.info.dpi = 300;
  Block block;
  block.lines.push_back(OcrLine(1, {{"The", {100, 100, 60, 30}, 95}, {"ex-", {170, 100, 60, 30}, 80}}));
  block.lines.push_back(OcrLine(2, {{"ample", {100, 140, 100, 30}, 90}, {"works.", {210, 140, 110, 30}, 70}}));
  block.lines.push_back(OcrLine(3, {{"市", {100, 200, 40, 40}, 99}, {"场", {140, 200, 40, 40}, 98}, {"。", {180, 200, 40, 40}, 97}}));
  page.blocks.push_back(block);
  page.paragraphs.push_back({"The example works!", Role::kHeadline, 1, 2});
  page.paragraphs.push_back({"“市场。", Role::kBody, 3, 3});
  return page;
}

TEST(AlignCodePoints, EveryKeptCharacterFindsItsSource) {
  const std::vector<int> m = AlignCodePoints(U"The ex-ample", U"The example!");
  ASSERT_EQ(m.size(), 12u);
  EXPECT_EQ(m[4], 4);   // e
  EXPECT_EQ(m[6], 7);   // a after the dropped hyphen
  EXPECT_EQ(m[11], -1); // the inserted !
}

TEST(AlignCodePoints, ALongParagraphIsAlignedInWindows) {
  std::u32string a, b;
  for (int i = 0; i < 3000; ++i) a += static_cast<char32_t>(U'一' + i % 500);
  b = a;
  b[10] = U'x';     // a change near each end: the middle is too long for one table
  b[2990] = U'y';
  const std::vector<int> m = AlignCodePoints(a, b);
  int matched = 0;
  for (size_t j = 0; j < m.size(); ++j) matched += m[j] == static_cast<int>(j);
  EXPECT_GE(matched, 2990);
  EXPECT_EQ(m[10], -1);
}

TEST(ArchiveLayout, WordsConcatenateToTheText) {
  const Page page = SamplePage();
  const ArchivePage a = LayoutForArchive(page);
  EXPECT_EQ(ArchiveText({a}), RenderParagraphs(page.paragraphs));
  ASSERT_EQ(a.blocks.size(), 2u);
  EXPECT_EQ(a.blocks[0].role, Role::kHeadline);
  // A line per source line; "example" is split where the source line
  // changes, with no space between its halves.
  ASSERT_EQ(a.blocks[0].lines.size(), 2u);
  const ArchiveLine& first = a.blocks[0].lines[0];
  ASSERT_EQ(first.words.size(), 2u);
  EXPECT_EQ(first.words[1].text, "ex");
  EXPECT_FALSE(first.words[1].space_after);
  EXPECT_EQ(a.blocks[0].lines[1].words[0].text, "ample");
  EXPECT_EQ(a.blocks[0].lines[1].words[1].text, "works!");  // ! took the box of the . it replaced
}

TEST(ArchiveLayout, BoxesComeFromTheWordsTheCharactersCameFrom) {
  const ArchivePage a = LayoutForArchive(SamplePage());
  const ArchiveWord& the = a.blocks[0].lines[0].words[0];
  EXPECT_EQ(the.box.x, 100);
  EXPECT_EQ(the.box.w, 60);
  EXPECT_NEAR(the.confidence, 95, 0.01);
  // "ex" of "ex-": two of the word's three code points.
  const ArchiveWord& ex = a.blocks[0].lines[0].words[1];
  EXPECT_EQ(ex.box.x, 170);
  EXPECT_EQ(ex.box.w, 40);
  // The inserted “ takes the box of the character after it (市).
  const ArchiveWord& zh = a.blocks[1].lines[0].words[0];
  EXPECT_EQ(zh.text, "“市场。");
  EXPECT_EQ(zh.box.x, 100);
  EXPECT_EQ(zh.box.right(), 220);
}

TEST(ArchiveLayout, BoxesAreInTheOriginalImage) {
  Page page = SamplePage();
  // The page was upscaled 2x: page boxes are twice the original's.
  page.info.steps.push_back(ScaleStep(500, 400, 1000, 800));
  page.info.width = 500;
  page.info.height = 400;
  page.info.dpi = 300;
  const ArchivePage a = LayoutForArchive(page);
  EXPECT_EQ(a.blocks[0].lines[0].words[0].box.x, 50);
  EXPECT_EQ(a.blocks[0].lines[0].words[0].box.w, 30);
  EXPECT_NEAR(a.dpi, 150, 0.01);
}

TEST(ArchiveLayout, PlainTextLinesWithoutWordsStillCarryTheText) {
  Page page = PageFromPlainText("one line\nand the next\n");
  page.paragraphs.push_back({"one line and the next", Role::kBody, 1, 2});
  EXPECT_EQ(ArchiveText({LayoutForArchive(page)}), "one line and the next\n");
}

TEST(XmlEscape, EscapesMarkupAndDropsControlCharacters) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'\x01"), "a&lt;b&gt;&amp;&quot;c&apos;");
}

TEST(Alto, HoldsEveryWordWithItsBoxAndRole) {
  const std::string x = RenderAlto({LayoutForArchive(SamplePage())}, "scan & co.png");
  EXPECT_NE(x.find("<MeasurementUnit>pixel</MeasurementUnit>"), std::string::npos);
  EXPECT_NE(x.find("<fileName>scan &amp; co.png</fileName>"), std::string::npos);
  EXPECT_NE(x.find("<StructureTag ID=\"TAG_headline\" TYPE=\"role\" LABEL=\"headline\"/>"), std::string::npos);
  EXPECT_NE(x.find("TAGREFS=\"TAG_headline\""), std::string::npos);
  EXPECT_NE(x.find("HPOS=\"100\" VPOS=\"100\" WIDTH=\"60\" HEIGHT=\"30\" CONTENT=\"The\" WC=\"0.95\""), std::string::npos) << x;
  EXPECT_NE(x.find("<SP "), std::string::npos);
}

// A CJK word (one per run between spaces in the text) is a String per
// character in ALTO, each with its own box, no SP between them; the Latin
// words stay one String each.
TEST(Alto, ACjkWordIsAStringPerCharacter) {
  const ArchivePage a = LayoutForArchive(SamplePage());
  const ArchiveWord& zh = a.blocks[1].lines[0].words[0];
  ASSERT_EQ(zh.pieces.size(), 4u);  // “ 市 场 。
  EXPECT_EQ(zh.pieces[0].text, "“");
  EXPECT_EQ(zh.pieces[0].box.x, 100);  // the inserted “ stands on 市
  EXPECT_EQ(zh.pieces[2].text, "场");
  EXPECT_EQ(zh.pieces[2].box.x, 140);
  EXPECT_EQ(zh.pieces[2].box.w, 40);
  EXPECT_NEAR(zh.pieces[2].confidence, 98, 0.01);
  EXPECT_TRUE(a.blocks[0].lines[0].words[0].pieces.empty()) << "a Latin word is not cut";
  const std::string x = RenderAlto({a}, "scan.png");
  const size_t line = x.find("<TextLine ID=\"P1_B2_L1\"");
  ASSERT_NE(line, std::string::npos) << x;
  const std::string zh_line = x.substr(line, x.find("</TextLine>", line) - line);
  EXPECT_NE(zh_line.find("HPOS=\"140\" VPOS=\"200\" WIDTH=\"40\" HEIGHT=\"40\" CONTENT=\"场\" WC=\"0.98\""),
            std::string::npos) << zh_line;
  size_t strings = 0;
  for (size_t at = 0; (at = zh_line.find("<String ", at)) != std::string::npos; ++at) ++strings;
  EXPECT_EQ(strings, 4u) << zh_line;
  EXPECT_EQ(zh_line.find("<SP "), std::string::npos) << zh_line;
  EXPECT_NE(x.find("CONTENT=\"The\""), std::string::npos);
}

// A CJK word with digits: each CJK character alone, the digits together.
TEST(ArchiveLayout, DigitsInACjkWordStayOnePiece) {
  Page page;
  page.info.width = 1000;
  page.info.height = 800;
  Block block;
  block.lines.push_back(OcrLine(1, {{"2026", {100, 100, 80, 40}, 90}, {"年", {180, 100, 40, 40}, 95}}));
  page.blocks.push_back(block);
  page.paragraphs.push_back({"2026年", Role::kBody, 1, 1});
  const ArchivePage a = LayoutForArchive(page);
  ASSERT_EQ(a.blocks.size(), 1u);
  ASSERT_EQ(a.blocks[0].lines[0].words.size(), 1u);
  const ArchiveWord& w = a.blocks[0].lines[0].words[0];
  ASSERT_EQ(w.pieces.size(), 2u);
  EXPECT_EQ(w.pieces[0].text, "2026");
  EXPECT_EQ(w.pieces[0].box.x, 100);
  EXPECT_EQ(w.pieces[0].box.w, 80);
  EXPECT_EQ(w.pieces[1].text, "年");
  EXPECT_EQ(w.pieces[1].box.x, 180);
}

TEST(Hocr, HoldsEveryWordWithItsBoxAndConfidence) {
  const std::string x = RenderHocr({LayoutForArchive(SamplePage())}, "scan.png");
  EXPECT_NE(x.find("class=\"ocr_page\""), std::string::npos);
  EXPECT_NE(x.find("title=\"image &quot;scan.png&quot;; bbox 0 0 1000 800; ppageno 0\""), std::string::npos) << x;
  EXPECT_NE(x.find("title=\"bbox 100 100 160 130; x_wconf 95\">The</span> "), std::string::npos) << x;
  EXPECT_NE(x.find("lang=\"zh\""), std::string::npos);
}

TEST(Pdf, JpegHeadersAreRead) {
  // SOI, APP0 (length 4, two bytes of payload), SOF0 for 3 x 2 px, 3 components.
  const std::string jpeg("\xFF\xD8\xFF\xE0\x00\x04\x00\x00\xFF\xC0\x00\x11\x08\x00\x02\x00\x03\x03", 18);
  int w = 0, h = 0, c = 0;
  ASSERT_TRUE(JpegInfo(jpeg, &w, &h, &c));
  EXPECT_EQ(w, 3);
  EXPECT_EQ(h, 2);
  EXPECT_EQ(c, 3);
  EXPECT_FALSE(JpegInfo("\x89PNG", &w, &h, &c));
}

TEST(Pdf, APageIsWrittenWithItsImageAndText) {
  PdfPage p;
  p.layout = LayoutForArchive(SamplePage());
  p.image.width = 1000;
  p.image.height = 800;
  p.image.gray.assign(1000 * 800, 255);
  auto pdf = RenderPdf({p}, "font bytes");
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-1.5", 0), 0u);
  EXPECT_NE(pdf->find("/MediaBox [0 0 240.00 192.00]"), std::string::npos);  // 1000 x 800 px at 300 dpi
  EXPECT_NE(pdf->find("/Encoding /Identity-H"), std::string::npos);
  EXPECT_NE(pdf->find("/FlateDecode"), std::string::npos);
  EXPECT_EQ(pdf->substr(pdf->size() - 6), "%%EOF\n");
  p.image.gray.resize(10);  // not the image's size: an error, not a broken file
  EXPECT_FALSE(RenderPdf({p}, "font bytes").ok());
}

}  // namespace
}  // namespace ocrflow::formats

namespace ocrflow::formats {
namespace {

// ALTO as another engine writes it: namespaced, a word per String with SP
// between, a hyphen at a line's end, a tagged headline block.
const char* kForeignAlto = R"(<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
<Tags><StructureTag ID="t1" LABEL="headline"/></Tags>
<Layout><Page WIDTH="1000" HEIGHT="800" PHYSICAL_IMG_NR="1"><PrintSpace>
<TextBlock ID="b1" HPOS="10" VPOS="10" WIDTH="500" HEIGHT="40" TAGREFS="t1">
 <TextLine HPOS="10" VPOS="10" WIDTH="500" HEIGHT="40"><String CONTENT="Big" HPOS="10" VPOS="10" WIDTH="100" HEIGHT="40" WC="0.9"/><SP/><String CONTENT="News &amp; Views" HPOS="120" VPOS="10" WIDTH="390" HEIGHT="40" WC="0.8"/></TextLine>
</TextBlock>
<TextBlock ID="b2" HPOS="10" VPOS="100" WIDTH="500" HEIGHT="60">
 <TextLine HPOS="10" VPOS="100" WIDTH="500" HEIGHT="25"><String CONTENT="A" HPOS="10" VPOS="100" WIDTH="20" HEIGHT="25"/><SP/><String CONTENT="sen" HPOS="40" VPOS="100" WIDTH="60" HEIGHT="25"/><HYP CONTENT="-"/></TextLine>
 <TextLine HPOS="10" VPOS="130" WIDTH="300" HEIGHT="25"><String CONTENT="tence." HPOS="10" VPOS="130" WIDTH="120" HEIGHT="25"/></TextLine>
</TextBlock>
</PrintSpace></Page></Layout></alto>)";

TEST(ReadAlto, BlocksLinesWordsRolesAndHyphens) {
  auto pages = ReadAlto(kForeignAlto);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  ASSERT_EQ(pages->size(), 1u);
  const Page& p = (*pages)[0];
  EXPECT_EQ(p.info.width, 1000);
  ASSERT_EQ(p.blocks.size(), 2u);
  EXPECT_EQ(p.blocks[0].layout_role, Role::kHeadline);
  EXPECT_EQ(p.blocks[0].lines[0].text, "Big News & Views");
  EXPECT_EQ(p.blocks[0].lines[0].words.size(), 2u);
  EXPECT_NEAR(*p.blocks[0].lines[0].confidence, 85, 0.01);
  ASSERT_EQ(p.blocks[1].lines.size(), 2u);
  EXPECT_EQ(p.blocks[1].lines[0].text, "A sen-");
  EXPECT_EQ(p.blocks[1].lines[1].source_line, 3);
  EXPECT_EQ(p.blocks[1].lines[1].box->y, 130);
}

TEST(ReadAlto, NotAltoIsAnError) {
  EXPECT_FALSE(ReadAlto("<html><body/></html>").ok());
  EXPECT_FALSE(ReadAlto("<alto><Layout><Page").ok());
}

// hOCR as Tesseract writes it: a word per span, spaces and newlines
// between, Chinese words without spaces.
const char* kForeignHocr = R"(<html><body>
<div class='ocr_page' id='page_1' title='image "x.png"; bbox 0 0 1000 800; ppageno 0'>
 <div class='ocr_carea' id='block_1_1' title="bbox 10 10 500 200">
  <p class='ocr_par' id='par_1_1' lang='chi_sim' title="bbox 10 10 500 200">
   <span class='ocr_line' id='line_1_1' title="bbox 10 10 500 40; baseline 0 -5; x_size 30">
    <span class='ocrx_word' id='word_1_1' title='bbox 10 10 40 40; x_wconf 96'>市场</span>
    <span class='ocrx_word' id='word_1_2' title='bbox 45 10 90 40; x_wconf 90'>繁荣</span>
    <span class='ocrx_word' id='word_1_3' title='bbox 95 10 190 40; x_wconf 80'>2024</span>
   </span>
  </p>
 </div>
</div></body></html>)";

TEST(ReadHocr, WordsJoinAsTheOcrStageJoinsThem) {
  auto pages = ReadHocr(kForeignHocr);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  ASSERT_EQ(pages->size(), 1u);
  const Page& p = (*pages)[0];
  EXPECT_EQ(p.info.width, 1000);
  ASSERT_EQ(p.blocks.size(), 1u);
  ASSERT_EQ(p.blocks[0].lines.size(), 1u);
  const Line& l = p.blocks[0].lines[0];
  EXPECT_EQ(l.text, "市场繁荣 2024");
  ASSERT_EQ(l.words.size(), 3u);
  EXPECT_EQ(l.words[2].box.x, 95);
  EXPECT_EQ(l.words[2].box.w, 95);
  EXPECT_NEAR(l.words[0].confidence, 96, 0.01);
}

// Found by archive_fuzz: a bbox of 1e24 was cast to int (undefined
// behaviour). A coordinate no page can have is no coordinate: the word
// keeps its text and takes its line's box; an ALTO size becomes 0.
TEST(ReadHocr, CoordinatesNoPageHasAreIgnored) {
  std::string hocr = kForeignHocr;
  const std::string word = "bbox 95 10 190 40";
  ASSERT_NE(hocr.find(word), std::string::npos);
  hocr.replace(hocr.find(word), word.size(), "bbox 1e24 10 nan 40");
  auto pages = ReadHocr(hocr);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  const Line& l = (*pages)[0].blocks.at(0).lines.at(0);
  EXPECT_EQ(l.text, "市场繁荣 2024");
  ASSERT_EQ(l.words.size(), 3u);
  ASSERT_TRUE(l.box.has_value());
  EXPECT_EQ(l.words[2].box.x, l.box->x);

  std::string alto = kForeignAlto;
  const std::string width = "WIDTH=\"1000\"";
  ASSERT_NE(alto.find(width), std::string::npos);
  alto.replace(alto.find(width), width.size(), "WIDTH=\"-3e30\"");
  auto read = ReadAlto(alto);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ((*read)[0].info.width, 0);
  EXPECT_EQ((*read)[0].blocks.at(0).lines.at(0).text, "Big News & Views");
}

// What ocrflow wrote for a page deskewed by 2 degrees: the boxes are turned
// back upright for the reflow.
TEST(ReadAlto, RotatedBlocksAreTurnedBackUpright) {
  Page page = SamplePage();
  ArchivePage a = LayoutForArchive(page);
  a.text_angle = 2;
  auto back = ReadAlto(RenderAlto({a}, "x.png"));
  ASSERT_TRUE(back.ok());
  const Box& b = *(*back)[0].blocks[0].lines[0].box;
  // The line (100..210 x 100..130, centre (155, 115)) stood turned 2
  // degrees counterclockwise about the page's centre (500, 400); turned
  // back: (500 + dx c - dy s, 400 + dx s + dy c) with (dx, dy) = (-345, -285).
  EXPECT_NEAR(b.x + b.w / 2.0, 165.2, 1.5);
  EXPECT_NEAR(b.y + b.h / 2.0, 103.1, 1.5);
}

}  // namespace
}  // namespace ocrflow::formats

namespace ocrflow::formats {
namespace {

// One file per input, a page element per page: both formats, there and back.
TEST(ArchiveFormats, TwoPagesAreTwoPageElementsAndReadBackAsTwoPages) {
  ArchivePage one = LayoutForArchive(SamplePage());
  ArchivePage two = one;
  two.number = 2;
  const std::string alto = RenderAlto({one, two}, "book.tif");
  EXPECT_NE(alto.find("<Page ID=\"P2\" PHYSICAL_IMG_NR=\"2\""), std::string::npos);
  auto a = ReadAlto(alto);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 2u);
  const std::string hocr = RenderHocr({one, two}, "book.tif");
  EXPECT_NE(hocr.find("id=\"page_2\""), std::string::npos);
  auto h = ReadHocr(hocr);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[1].blocks.size(), one.blocks.size());
  EXPECT_EQ((*h)[1].blocks[0].layout_role, Role::kHeadline);  // data-role
}

}  // namespace
}  // namespace ocrflow::formats

namespace ocrflow::formats {
namespace {

TEST(PageXml, ARegionPerParagraphWithItsTextAndType) {
  const std::vector<std::string> docs = RenderPageXml({LayoutForArchive(SamplePage())}, "scan.png");
  ASSERT_EQ(docs.size(), 1u);
  const std::string& x = docs[0];
  EXPECT_NE(x.find("<Page imageFilename=\"scan.png\" imageWidth=\"1000\" imageHeight=\"800\">"), std::string::npos);
  EXPECT_NE(x.find("type=\"heading\" custom=\"role {type:headline;}\""), std::string::npos);
  EXPECT_NE(x.find("<Unicode>The example works!</Unicode></TextEquiv>\n    </TextRegion>"), std::string::npos) << x;
  EXPECT_NE(x.find("<Coords points=\"100,100 160,100 160,130 100,130\"/><TextEquiv conf=\"0.95\"><Unicode>The</Unicode>"),
            std::string::npos);
  EXPECT_NE(x.find("regionRef=\"p1_r2\""), std::string::npos);
}

}  // namespace
}  // namespace ocrflow::formats

// --- reading PAGE XML (reflow --from page) ------------------------------------

namespace ocrflow::formats {
namespace {

// Another engine's PAGE (2019 schema, prefixed): two columns whose regions
// are written right column first, with a ReadingOrder that puts the left
// one first; a heading; a line with words, one with only its TextEquiv; a
// table whose cells are not running text; a region with no text.
constexpr const char* kTwoColumnPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<pc:PcGts xmlns:pc="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
 <pc:Metadata><pc:Creator>someone</pc:Creator></pc:Metadata>
 <pc:Page imageFilename="scan.tif" imageWidth="1200" imageHeight="1600">
  <pc:ReadingOrder>
   <pc:OrderedGroup id="ro">
    <pc:RegionRefIndexed index="2" regionRef="right"/>
    <pc:RegionRefIndexed index="0" regionRef="head"/>
    <pc:RegionRefIndexed index="1" regionRef="left"/>
   </pc:OrderedGroup>
  </pc:ReadingOrder>
  <pc:TextRegion id="right" type="paragraph">
   <pc:Coords points="650,300 1100,300 1100,400 650,400"/>
   <pc:TextLine id="right_l1"><pc:Coords points="650,300 1100,300 1100,340 650,340"/>
    <pc:TextEquiv><pc:Unicode>Right column &amp; more</pc:Unicode></pc:TextEquiv></pc:TextLine>
  </pc:TextRegion>
  <pc:TextRegion id="head" type="heading">
   <pc:Coords points="100,100 1100,100 1100,180 100,180"/>
   <pc:TextLine id="head_l1"><pc:Coords points="100,100 1100,100 1100,180 100,180"/>
    <pc:Word id="w1"><pc:Coords points="100,100 400,100 400,180 100,180"/>
     <pc:TextEquiv conf="0.9"><pc:Unicode>Big</pc:Unicode></pc:TextEquiv></pc:Word>
    <pc:Word id="w2"><pc:Coords points="420,100 800,95 810,180 420,182"/>
     <pc:Glyph id="g1"><pc:Coords points="420,100 430,100 430,180"/><pc:TextEquiv><pc:Unicode>N</pc:Unicode></pc:TextEquiv></pc:Glyph>
     <pc:TextEquiv conf="0.7"><pc:Unicode>News</pc:Unicode></pc:TextEquiv></pc:Word>
    <pc:TextEquiv><pc:Unicode>Big News</pc:Unicode></pc:TextEquiv>
   </pc:TextLine>
  </pc:TextRegion>
  <pc:TextRegion id="left" type="paragraph">
   <pc:Coords points="100,300 550,300 550,400 100,400"/>
   <pc:TextLine id="left_l1"><pc:Coords points="100,300 550,300 550,340 100,340"/>
    <pc:Word id="w3"><pc:Coords points="100,300 200,300 200,340 100,340"/><pc:TextEquiv><pc:Unicode>Left</pc:Unicode></pc:TextEquiv></pc:Word>
    <pc:Word id="w4"><pc:Coords points="210,300 300,300 300,340 210,340"/><pc:TextEquiv><pc:Unicode>words</pc:Unicode></pc:TextEquiv></pc:Word>
   </pc:TextLine>
  </pc:TextRegion>
  <pc:TableRegion id="t1"><pc:Coords points="100,500 1100,500 1100,900 100,900"/>
   <pc:TextRegion id="cell"><pc:Coords points="100,500 200,500 200,540 100,540"/>
    <pc:TextLine id="cell_l1"><pc:Coords points="100,500 200,500 200,540 100,540"/>
     <pc:TextEquiv><pc:Unicode>42</pc:Unicode></pc:TextEquiv></pc:TextLine></pc:TextRegion>
  </pc:TableRegion>
  <pc:TextRegion id="empty" type="paragraph"><pc:Coords points="100,1000 200,1000 200,1100 100,1100"/></pc:TextRegion>
 </pc:Page>
</pc:PcGts>)";

TEST(ReadPageXml, RegionsInReadingOrderWithRolesLinesAndWords) {
  auto pages = ReadPageXml(kTwoColumnPage);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  ASSERT_EQ(pages->size(), 1u);
  const Page& p = (*pages)[0];
  EXPECT_EQ(p.info.width, 1200);
  EXPECT_EQ(p.info.height, 1600);
  ASSERT_EQ(p.blocks.size(), 3u);  // the table's cell and the empty region are not running text
  // The ReadingOrder's order, not the file's.
  EXPECT_EQ(p.blocks[0].lines[0].text, "Big News");
  EXPECT_EQ(p.blocks[1].lines[0].text, "Left words");
  EXPECT_EQ(p.blocks[2].lines[0].text, "Right column & more");
  EXPECT_EQ(p.blocks[0].layout_role, Role::kHeadline);  // type="heading"
  EXPECT_EQ(p.blocks[0].lines[0].role, Role::kHeadline);
  EXPECT_FALSE(p.blocks[1].layout_role.has_value());
  // Lines numbered in reading order.
  EXPECT_EQ(p.blocks[0].lines[0].source_line, 1);
  EXPECT_EQ(p.blocks[2].lines[0].source_line, 3);
  // Words with their polygons' bounding boxes and confidences (not the glyph's).
  const Line& head = p.blocks[0].lines[0];
  ASSERT_EQ(head.words.size(), 2u);
  EXPECT_EQ(head.words[1].text, "News");
  EXPECT_EQ(head.words[1].box.x, 420);
  EXPECT_EQ(head.words[1].box.y, 95);
  EXPECT_EQ(head.words[1].box.w, 390);
  EXPECT_EQ(head.words[1].box.h, 87);
  EXPECT_NEAR(head.words[1].confidence, 70, 0.01);
  EXPECT_NEAR(*head.confidence, 80, 0.01);
  // A line with no words: its TextEquiv and its own box.
  const Line& right = p.blocks[2].lines[0];
  EXPECT_TRUE(right.words.empty());
  ASSERT_TRUE(right.box.has_value());
  EXPECT_EQ(right.box->x, 650);
  EXPECT_EQ(right.box->h, 40);
  // A line with words and no TextEquiv: its words joined.
  EXPECT_EQ(p.blocks[1].lines[0].words.size(), 2u);
}

// The 2013 schema, unprefixed, no ReadingOrder (document order); a line
// whose TextEquiv says something else than its words: the TextEquiv wins
// and the words go; CJK words join without a space.
TEST(ReadPageXml, The2013SchemaInDocumentOrderAndTheLineTextWins) {
  const char* x = R"(<?xml version="1.0"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
 <Page imageFilename="a.png" imageWidth="800" imageHeight="600">
  <TextRegion id="r1" custom="role {type:caption;}" type="paragraph"><Coords points="10,10 500,10 500,100 10,100"/>
   <TextLine id="l1"><Coords points="10,10 500,10 500,40 10,40"/>
    <Word id="a"><Coords points="10,10 60,10 60,40 10,40"/><TextEquiv><Unicode>Teh</Unicode></TextEquiv></Word>
    <Word id="b"><Coords points="70,10 120,10 120,40 70,40"/><TextEquiv><Unicode>cat</Unicode></TextEquiv></Word>
    <TextEquiv><Unicode>The cat</Unicode></TextEquiv></TextLine>
   <TextLine id="l2"><Coords points="10,50 500,50 500,80 10,80"/>
    <Word id="c"><Coords points="10,50 40,50 40,80 10,80"/><TextEquiv><Unicode>市场</Unicode></TextEquiv></Word>
    <Word id="d"><Coords points="40,50 70,50 70,80 40,80"/><TextEquiv><Unicode>繁荣</Unicode></TextEquiv></Word>
    <Word id="e"><Coords points="75,50 120,50 120,80 75,80"/><TextEquiv><Unicode>2024</Unicode></TextEquiv></Word>
   </TextLine>
  </TextRegion>
  <TextRegion id="r2" type="footer"><Coords points="10,500 500,500 500,540 10,540"/>
   <TextLine id="l3"><Coords points="10,500 500,500 500,540 10,540"/><TextEquiv><Unicode>Page 3</Unicode></TextEquiv></TextLine>
  </TextRegion>
 </Page>
</PcGts>)";
  auto pages = ReadPageXml(x);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  const Page& p = (*pages)[0];
  ASSERT_EQ(p.blocks.size(), 2u);
  EXPECT_EQ(p.blocks[0].layout_role, Role::kCaption);  // custom, ours, before type
  EXPECT_EQ(p.blocks[1].layout_role, Role::kRunningFooter);
  EXPECT_EQ(p.blocks[0].lines[0].text, "The cat");
  EXPECT_TRUE(p.blocks[0].lines[0].words.empty());
  EXPECT_EQ(p.blocks[0].lines[1].text, "市场繁荣 2024");
  EXPECT_EQ(p.blocks[0].lines[1].words.size(), 3u);
}

// What our writer writes reads back as the blocks it was made of.
TEST(ReadPageXml, OurOwnPageXmlReadsBack) {
  const ArchivePage a = LayoutForArchive(SamplePage());
  auto back = ReadPageXml(RenderPageXml({a}, "scan.png")[0]);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const Page& p = (*back)[0];
  ASSERT_EQ(p.blocks.size(), a.blocks.size());
  EXPECT_EQ(p.blocks[0].layout_role, a.blocks[0].role);
  EXPECT_EQ(p.info.width, 1000);
}

// A deskewed page: our writer puts the text's angle in each TextRegion's
// orientation (degrees clockwise that right it), read back as ALTO's
// ROTATION is; a region without one takes the Page's.
TEST(ReadPageXml, OrientationTurnsTheBoxesBackUpright) {
  ArchivePage a = LayoutForArchive(SamplePage());
  a.text_angle = 2;
  const std::string x = RenderPageXml({a}, "x.png")[0];
  EXPECT_NE(x.find("orientation=\"2.00\""), std::string::npos);
  auto back = ReadPageXml(x);
  ASSERT_TRUE(back.ok());
  const Box& b = *(*back)[0].blocks[0].lines[0].box;
  EXPECT_NEAR(b.x + b.w / 2.0, 165.2, 1.5);  // as ReadAlto.RotatedBlocksAreTurnedBackUpright
  EXPECT_NEAR(b.y + b.h / 2.0, 103.1, 1.5);
  std::string page_level = x;
  for (size_t at; (at = page_level.find(" orientation=\"2.00\"")) != std::string::npos;) page_level.erase(at, 19);
  page_level.replace(page_level.find("<Page "), 6, "<Page orientation=\"2\" ");
  auto again = ReadPageXml(page_level);
  ASSERT_TRUE(again.ok());
  const Box& c = *(*again)[0].blocks[0].lines[0].box;
  EXPECT_EQ(c.x, b.x);
  EXPECT_EQ(c.y, b.y);
}

// Every prefix of a file (a download cut short) is read or refused as bad
// input, never a crash (also meant for -DOCRFLOW_SANITIZE=ON; 60,000
// randomly mutated PAGE files under ASan/UBSan found nothing).
TEST(ReadPageXml, EveryTruncationIsReadOrRefused) {
  const std::string x = kTwoColumnPage;
  for (size_t n = 0; n < x.size(); ++n) {
    auto r = ReadPageXml(x.substr(0, n));
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kBadInput) << n;
    }
  }
}

TEST(ReadPageXml, BadInputSaysWhatIsWrong) {
  const std::string head =
      "<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2017-07-15\"><Page imageWidth=\"9\" "
      "imageHeight=\"9\"><TextRegion id=\"r\"><Coords points=\"0,0 5,0 5,5\"/>";
  const std::string tail = "</TextRegion></Page></PcGts>";
  const std::pair<std::string, std::string> cases[] = {
      {head + "<TextLine id=\"l\"><Coords points=\"0,0 5,x\"/></TextLine>" + tail, "not x,y pairs"},
      {head + "<TextLine id=\"l\"><Coords points=\"0;0 5,1\"/></TextLine>" + tail, "not x,y pairs"},
      {head + "<TextLine id=\"l\"><TextEquiv><Unicode>a</Unicode></TextEquiv></TextLine>" + tail,
       "TextLine l has no Coords"},
      {head + "<TextLine id=\"l\"><Coords/></TextLine>" + tail, "without points"},
      {head + "<TextLine id=\"l\"><Coords points=\"0,0 1,1\"/>" + tail, "does not close"},
      {head + "<TextLine id=\"l\"><Coords points=\"0,0 1,1\"", "a tag does not end"},
      {head, "never closed"},
      {"<alto><Page/></alto>", "not a PAGE XML file"},
      {"<PcGts></PcGts>", "no <Page>"},
      {"", "not a PAGE XML file"},
  };
  for (const auto& [xml, says] : cases) {
    auto r = ReadPageXml(xml);
    ASSERT_FALSE(r.ok()) << xml;
    EXPECT_EQ(r.status().code(), Code::kBadInput) << xml;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace ocrflow::formats
