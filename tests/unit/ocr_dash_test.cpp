// Image helpers of the OCR stage on drawn images: the sub-headline dash
// repair (the bar's length decides, not the text alone) and the rows a
// headline is read in.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"
#include "stages/ocr/ocr.h"

namespace ocrflow::ocr {
namespace {

// A 60 px high line at (50, 20): a leading bar `bar_len` px long (0: none),
// then eight glyph-like blocks.
Raster DrawLine(int bar_len) {
  cv::Mat img(120, 900, CV_8UC1, cv::Scalar(255));
  int x = 60;
  if (bar_len > 0) {
    cv::rectangle(img, cv::Rect(x, 47, bar_len, 6), cv::Scalar(0), cv::FILLED);
    x += bar_len + 12;
  }
  for (int k = 0; k < 8; ++k, x += 62) cv::rectangle(img, cv::Rect(x, 25, 50, 50), cv::Scalar(0), 3);
  return image::FromMat(img);
}

Line LineOf(const std::string& text) {
  Line l;
  l.text = text;
  l.box = Box{55, 20, 800, 60};
  return l;
}

TEST(LeadingDash, TwoEmBarReadAsOneCharacterIsRestored) {
  Raster two_em = DrawLine(120);
  EXPECT_EQ(RestoreLeadingDash(two_em, LineOf("一河湾区老旧小区改造侧记")), "——河湾区老旧小区改造侧记");
  EXPECT_EQ(RestoreLeadingDash(two_em, LineOf("-一柳溪乡政务服务观察")), "——柳溪乡政务服务观察");
  EXPECT_EQ(RestoreLeadingDash(two_em, LineOf("——柳溪乡政务服务观察")), "——柳溪乡政务服务观察");
}

TEST(LeadingDash, ARealOneIsKept) {
  // 一 as a character: a bar under one em long.
  EXPECT_EQ(RestoreLeadingDash(DrawLine(45), LineOf("一场秋雨一场寒")), "一场秋雨一场寒");
  // No bar at all: the text's 一 stays.
  EXPECT_EQ(RestoreLeadingDash(DrawLine(0), LineOf("一年来的变化")), "一年来的变化");
  // No dash in the text: nothing to restore, whatever the ink.
  EXPECT_EQ(RestoreLeadingDash(DrawLine(120), LineOf("河湾区侧记")), "河湾区侧记");
  Line no_box = LineOf("一河湾区");
  no_box.box.reset();
  EXPECT_EQ(RestoreLeadingDash(DrawLine(120), no_box), "一河湾区");
}

// Headline rows for one-row-at-a-time reading (TextRows). Drawn rows of
// block glyphs 40 px high with ascender and descender strokes: a headline
// whose descender ends 4 px above the next line's ascenders has two rows; a
// row of dots 6 px above its line (an i's dot, an accent) is part of it.
TEST(HeadlineRows, TwoCloseLinesStayTwoAndADotRowJoinsItsLine) {
  cv::Mat img(400, 600, CV_8UC1, cv::Scalar(255));
  auto row = [&](int top) {  // body 40 px from `top`, glyphs every 50 px
    for (int x = 20; x < 560; x += 50) cv::rectangle(img, cv::Rect(x, top, 36, 40), cv::Scalar(0), cv::FILLED);
  };
  row(20);
  cv::rectangle(img, cv::Rect(120, 60, 8, 16), cv::Scalar(0), cv::FILLED);  // a descender down to y 76
  row(100);
  cv::rectangle(img, cv::Rect(220, 80, 8, 20), cv::Scalar(0), cv::FILLED);  // an ascender up from y 80
  for (int x = 30; x < 560; x += 100) cv::rectangle(img, cv::Rect(x, 184, 8, 8), cv::Scalar(0), cv::FILLED);  // dots
  row(198);
  std::vector<cv::Rect> rows = TextRows(img);
  ASSERT_EQ(rows.size(), 3u);
  // Each row holds its own line and not the next one.
  EXPECT_LE(rows[0].y, 20);
  EXPECT_LT(rows[0].br().y, 100);
  EXPECT_GT(rows[1].y, 60);
  EXPECT_LE(rows[1].y, 80);
  EXPECT_LE(rows[2].y, 184);
  EXPECT_GE(rows[2].br().y, 238);
}

}  // namespace
}  // namespace ocrflow::ocr
