// The sub-headline dash repair of the OCR stage, on drawn line images: the
// bar's length decides, not the text alone.
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

}  // namespace
}  // namespace ocrflow::ocr
