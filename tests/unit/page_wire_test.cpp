// page_wire: a page crosses from a worker process to its parent unchanged
// (pipeline/app/page_wire.h). Every field is set to a value unlike its
// default, so a field the wire forgets comes back different.
#include "pipeline/app/page_wire.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ocrflow {
namespace {

bool SameBox(const Box& a, const Box& b) { return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h; }

bool SameBoxes(const std::vector<Box>& a, const std::vector<Box>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!SameBox(a[i], b[i])) return false;
  return true;
}

ImageInfo FullInfo() {
  ImageInfo i;
  i.source = "scans/ab\xff.tif";  // a name that is not UTF-8 crosses as bytes
  i.source_page = 3;
  i.width = 2481;
  i.height = 3508;
  i.dpi = 241.0 / 3;  // not representable in decimal: doubles cross bit for bit
  i.dpi_estimated = true;
  i.orientation = 270;
  i.orientation_confidence = 17.25;
  i.orientation_note = "turned";
  i.orientation_check = 49;
  i.orientation_unconfirmed = true;
  i.ocr_stopped_early = true;
  i.early_stop_for_script = true;
  i.script = "Fraktur";
  i.script_confidence = 23.5;
  i.segmentation_note = "Tesseract's page segmentation";
  i.timed_out_stage = "ocr";
  i.text_confidence = 57.9;
  i.skew_degrees = -0.8245;
  i.skew_confidence = 0.979;
  i.deskewed = true;
  i.skew_note = "rotated";
  i.scale = 1.5;
  i.blank = true;
  i.photos = {Box{1, 2, 3, 4}};
  i.tables = {Box{5, 6, 7, 8}, Box{9, 10, 11, 12}};
  i.figures = {Box{13, 14, 15, 16}};
  ImageStep s;
  s.stage = "deskew";
  s.m[2] = 0.1;
  s.m[5] = -3.25;
  s.width = 2500;
  s.height = 3520;
  i.steps = {s};
  return i;
}

Page FullPage() {
  Page p;
  p.number = 2;
  p.info = FullInfo();
  Block b;
  b.box = Box{100, 200, 300, 400};
  b.blank_lines_before = 1;
  b.shape.estimated = true;
  b.shape.wrap = 21.5;
  b.shape.wrapped = true;
  b.shape.latin = true;
  b.shape.tolerance = 2.25;
  b.shape.measured = true;
  b.layout_role = Role::kCaption;
  b.column = 2;
  b.article = 4;
  b.lang = "chi_sim";
  b.lang_reason = "trial read";
  b.engine = "ppocr";
  b.engine_reason = "PP-OCR read 1 of 1 lines";
  Line l;
  l.text = "市政府今天召开新闻发布会";
  l.source_line = 7;
  l.box = Box{101, 201, 290, 40};
  l.confidence = 93.5f;
  l.row_height = 31.25f;
  l.role = Role::kByline;
  l.indent = 2;
  l.layout_width = 11.75;
  l.role_reason = "layout";
  l.words = {Word{"市政府", Box{101, 201, 90, 40}, 91.0f}};
  b.lines = {l};
  p.blocks = {b};
  p.paragraphs = {Paragraph{"Continued on Page A4", Role::kJump, 7, 9, "A4"}};
  p.dropped = {Dropped{"第3版", "running-footer: layout", 10, 10}};
  p.edits = {Edit{"quotes", 7, 0, 3, "\"", "“"}};
  p.decisions = {Decision{7, 8, true, "wrap", "width 20.0 = wrap 21.5"}};
  p.warnings = {"faint text"};
  return p;
}

TEST(PageWire, EveryFieldOfThePageCrossesUnchanged) {
  const Page in = FullPage();
  const std::string bytes = EncodePage(in, nullptr);
  Page out;
  formats::PdfImage image;
  bool has_image = true;
  ASSERT_TRUE(DecodePage(bytes, &out, &image, &has_image).ok());
  EXPECT_FALSE(has_image);

  const ImageInfo& a = in.info;
  const ImageInfo& b = out.info;
  EXPECT_EQ(b.source, a.source);
  EXPECT_EQ(b.source_page, a.source_page);
  EXPECT_EQ(b.width, a.width);
  EXPECT_EQ(b.height, a.height);
  EXPECT_EQ(std::memcmp(&b.dpi, &a.dpi, sizeof a.dpi), 0) << "bit for bit";
  EXPECT_EQ(b.dpi_estimated, a.dpi_estimated);
  EXPECT_EQ(b.orientation, a.orientation);
  EXPECT_EQ(b.orientation_confidence, a.orientation_confidence);
  EXPECT_EQ(b.orientation_note, a.orientation_note);
  EXPECT_EQ(b.orientation_check, a.orientation_check);
  EXPECT_EQ(b.orientation_unconfirmed, a.orientation_unconfirmed);
  EXPECT_EQ(b.ocr_stopped_early, a.ocr_stopped_early);
  EXPECT_EQ(b.early_stop_for_script, a.early_stop_for_script);
  EXPECT_EQ(b.script, a.script);
  EXPECT_EQ(b.script_confidence, a.script_confidence);
  EXPECT_EQ(b.segmentation_note, a.segmentation_note);
  EXPECT_EQ(b.timed_out_stage, a.timed_out_stage);
  EXPECT_EQ(b.text_confidence, a.text_confidence);
  EXPECT_EQ(b.skew_degrees, a.skew_degrees);
  EXPECT_EQ(b.skew_confidence, a.skew_confidence);
  EXPECT_EQ(b.deskewed, a.deskewed);
  EXPECT_EQ(b.skew_note, a.skew_note);
  EXPECT_EQ(b.scale, a.scale);
  EXPECT_EQ(b.blank, a.blank);
  EXPECT_TRUE(SameBoxes(b.photos, a.photos));
  EXPECT_TRUE(SameBoxes(b.tables, a.tables));
  EXPECT_TRUE(SameBoxes(b.figures, a.figures));
  ASSERT_EQ(b.steps.size(), 1u);
  EXPECT_EQ(b.steps[0].stage, "deskew");
  for (int k = 0; k < 6; ++k) EXPECT_EQ(b.steps[0].m[k], a.steps[0].m[k]) << k;
  EXPECT_EQ(b.steps[0].width, 2500);
  EXPECT_EQ(b.steps[0].height, 3520);
  // A field added to ImageInfo must be carried by page_wire.cpp and
  // checked above; then update this size (libstdc++, x86_64).
  EXPECT_EQ(sizeof(ImageInfo), 400u) << "ImageInfo changed: carry the new field in page_wire and test it here";

  EXPECT_EQ(out.number, 2);
  ASSERT_EQ(out.blocks.size(), 1u);
  const Block& ob = out.blocks[0];
  const Block& ib = in.blocks[0];
  ASSERT_TRUE(ob.box.has_value());
  EXPECT_TRUE(SameBox(*ob.box, *ib.box));
  EXPECT_EQ(ob.blank_lines_before, 1);
  EXPECT_EQ(ob.shape.estimated, true);
  EXPECT_EQ(ob.shape.wrap, 21.5);
  EXPECT_EQ(ob.shape.wrapped, true);
  EXPECT_EQ(ob.shape.latin, true);
  EXPECT_EQ(ob.shape.tolerance, 2.25);
  EXPECT_EQ(ob.shape.measured, true);
  EXPECT_EQ(ob.layout_role, Role::kCaption);
  EXPECT_EQ(ob.column, 2);
  EXPECT_EQ(ob.article, 4);
  EXPECT_EQ(ob.lang, ib.lang);
  EXPECT_EQ(ob.lang_reason, ib.lang_reason);
  EXPECT_EQ(ob.engine, ib.engine);
  EXPECT_EQ(ob.engine_reason, ib.engine_reason);
  ASSERT_EQ(ob.lines.size(), 1u);
  const Line& ol = ob.lines[0];
  const Line& il = ib.lines[0];
  EXPECT_EQ(ol.text, il.text);
  EXPECT_EQ(ol.source_line, 7);
  ASSERT_TRUE(ol.box && ol.confidence && ol.row_height);
  EXPECT_TRUE(SameBox(*ol.box, *il.box));
  EXPECT_EQ(*ol.confidence, 93.5f);
  EXPECT_EQ(*ol.row_height, 31.25f);
  EXPECT_EQ(ol.role, Role::kByline);
  EXPECT_EQ(ol.indent, 2);
  EXPECT_EQ(ol.layout_width, 11.75);
  EXPECT_STREQ(ol.role_reason, "layout");
  ASSERT_EQ(ol.words.size(), 1u);
  EXPECT_EQ(ol.words[0].text, "市政府");
  EXPECT_TRUE(SameBox(ol.words[0].box, il.words[0].box));
  EXPECT_EQ(ol.words[0].confidence, 91.0f);

  ASSERT_EQ(out.paragraphs.size(), 1u);
  EXPECT_EQ(out.paragraphs[0].text, "Continued on Page A4");
  EXPECT_EQ(out.paragraphs[0].role, Role::kJump);
  EXPECT_EQ(out.paragraphs[0].first_line, 7);
  EXPECT_EQ(out.paragraphs[0].last_line, 9);
  EXPECT_EQ(out.paragraphs[0].jump_to, "A4");
  ASSERT_EQ(out.dropped.size(), 1u);
  EXPECT_EQ(out.dropped[0].text, "第3版");
  EXPECT_EQ(out.dropped[0].reason, "running-footer: layout");
  EXPECT_EQ(out.dropped[0].first_line, 10);
  ASSERT_EQ(out.edits.size(), 1u);
  EXPECT_EQ(out.edits[0].stage, "quotes");
  EXPECT_EQ(out.edits[0].line, 7);
  EXPECT_EQ(out.edits[0].at, 3);
  EXPECT_EQ(out.edits[0].before, "\"");
  EXPECT_EQ(out.edits[0].after, "“");
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].rule, "wrap");
  EXPECT_EQ(out.decisions[0].detail, "width 20.0 = wrap 21.5");
  EXPECT_TRUE(out.decisions[0].join);
  EXPECT_EQ(out.warnings, in.warnings);
  // And what comes back encodes to the same bytes.
  EXPECT_EQ(EncodePage(out, nullptr), bytes);
}

TEST(PageWire, BytesItDidNotMakeAreRefusedNotACrash) {
  const std::string bytes = EncodePage(FullPage(), nullptr);
  Page out;
  formats::PdfImage image;
  bool has_image = false;
  for (size_t cut : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(DecodePage(bytes.substr(0, cut), &out, &image, &has_image).ok()) << cut;
  EXPECT_FALSE(DecodePage("not a page", &out, &image, &has_image).ok());
}

}  // namespace
}  // namespace ocrflow
