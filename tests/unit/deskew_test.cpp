// deskew: pages we draw ourselves (columns of hanzi set with Noto Serif CJK SC,
// or rows of glyph-sized boxes), rotated by a known angle, must come back
// within 0.1 degree; pages without lines of text must be declined.
#include "stages/image/deskew.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

constexpr const char* kFont = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr int kFaceSc = 2;  // Simplified Chinese face of the collection

// Hanzi we pick lines from (UTF-8, three bytes each).
const char kHanzi[] =
    "城市公园新建道路学校医院居民社区工作服务建设发展经济文化农村企业项目计划完成今年明年增长全面"
    "推进改造环境交通安全管理部门群众生活水平提高政策资金支持技术人才教育市场价格供应消费";

std::string HanziLine(std::mt19937& rng, int count) {
  const int n = static_cast<int>(sizeof(kHanzi) - 1) / 3;
  std::string s;
  for (int i = 0; i < count; ++i) {
    const int k = static_cast<int>(rng() % n);
    s.append(kHanzi + 3 * k, 3);
  }
  return s;
}

struct PageSpec {
  int width = 1240, height = 1754;  // A4 at 150 dpi
  int columns = 3;
  int glyph = 20;                   // pixels
  bool boxes = false;               // glyph-sized boxes instead of real glyphs
  unsigned seed = 1;
};

// A level page: a headline, then columns of lines with paragraph ends.
cv::Mat DrawPage(const PageSpec& spec) {
  std::mt19937 rng(spec.seed);
  // FreeType2::putText draws on BGR only (OpenCV 4.6).
  cv::Mat page(spec.height, spec.width, CV_8UC3, cv::Scalar::all(255));
  cv::Ptr<cv::freetype::FreeType2> ft;
  if (!spec.boxes) {
    ft = cv::freetype::createFreeType2();
    ft->loadFontData(kFont, kFaceSc);
  }
  const int margin = spec.width / 12, gap = spec.glyph;
  const int col_w = (spec.width - 2 * margin - (spec.columns - 1) * gap) / spec.columns;
  const int pitch = spec.glyph * 3 / 2;
  auto line = [&](int x, int y, int chars, int size) {
    if (ft) {
      ft->putText(page, HanziLine(rng, chars), cv::Point(x, y), size, cv::Scalar::all(0), -1, cv::LINE_AA, true);
      return;
    }
    for (int i = 0; i < chars; ++i) {  // a "glyph": two bars and a stroke
      const int gx = x + i * size * 21 / 20, t = std::max(1, size / 8);
      cv::rectangle(page, cv::Rect(gx, y - size + 2, size - 2, t), cv::Scalar::all(0), cv::FILLED);
      cv::rectangle(page, cv::Rect(gx, y - t, size - 2, t), cv::Scalar::all(0), cv::FILLED);
      const int sx = gx + static_cast<int>(rng() % (size - t - 2));
      cv::rectangle(page, cv::Rect(sx, y - size + 2, t, size - 2), cv::Scalar::all(0), cv::FILLED);
    }
  };
  line(margin, margin + 2 * spec.glyph, 10, 2 * spec.glyph);
  for (int c = 0; c < spec.columns; ++c) {
    const int x0 = margin + c * (col_w + gap);
    const int per_line = col_w / (spec.glyph * 21 / 20);
    for (int y = margin + 4 * spec.glyph + pitch; y < spec.height - margin; y += pitch) {
      const bool last = rng() % 6 == 0;
      line(x0, y, last ? std::max(2, static_cast<int>(per_line * (rng() % 90) / 100)) : per_line, spec.glyph);
    }
  }
  cv::Mat gray;
  cv::cvtColor(page, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

// Text rotated counter-clockwise by `degrees` (positive: lines rise to the right).
cv::Mat Skew(const cv::Mat& page, double degrees) {
  cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(0.5f * (page.cols - 1), 0.5f * (page.rows - 1)), degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(page, out, m, page.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT, cv::Scalar(255));
  return out;
}

cv::Mat Mask(const cv::Mat& gray) {
  cv::Mat mask;
  cv::threshold(gray, mask, 160, 255, cv::THRESH_BINARY);
  return mask;
}

class KnownAngle : public ::testing::TestWithParam<double> {};

TEST_P(KnownAngle, HanziColumnsComeBackWithinATenthOfADegree) {
  static const cv::Mat level = DrawPage(PageSpec{});
  const double truth = GetParam();
  SkewEstimate est = FindSkew(Mask(Skew(level, truth)));
  ASSERT_TRUE(est.found) << est.note;
  EXPECT_NEAR(est.degrees, truth, 0.1);
  EXPECT_GE(est.confidence, DeskewOptions{}.min_confidence);
}

TEST_P(KnownAngle, BoxRowsInFourColumnsComeBackWithinATenthOfADegree) {
  PageSpec spec;
  spec.boxes = true;
  spec.columns = 4;
  spec.seed = 7;
  static const cv::Mat level = DrawPage(spec);
  const double truth = GetParam();
  SkewEstimate est = FindSkew(Mask(Skew(level, truth)));
  ASSERT_TRUE(est.found) << est.note;
  EXPECT_NEAR(est.degrees, truth, 0.1);
}

INSTANTIATE_TEST_SUITE_P(Deskew, KnownAngle, ::testing::Values(-9.5, -4.2, -0.7, 0.0, 0.3, 2.5, 7.1));

TEST(Deskew, TwoColumnsWithNoiseAndSpecks) {
  PageSpec spec;
  spec.columns = 2;
  spec.seed = 3;
  cv::Mat page = Skew(DrawPage(spec), -3.3);
  cv::Mat noise(page.size(), CV_8U);
  cv::theRNG().state = 42;
  cv::randu(noise, 0, 400);
  page.setTo(0, noise == 0);  // specks
  SkewEstimate est = FindSkewGray(page);
  ASSERT_TRUE(est.found);
  EXPECT_NEAR(est.degrees, -3.3, 0.1);
}

// The final pass at full resolution (added for a noisy pagegen page at 9.26
// degrees that the refinement at fine_width left 0.177 degree off; this
// drawn page does not reproduce that miss, deskew_bench does): on a noisy
// 300-dpi page at a high angle it lands within 0.05 degree and moves the
// refined angle by at most final_range.
TEST(Deskew, FinalPassAtFullResolutionOnANoisyPageAtAHighAngle) {
  PageSpec spec;
  spec.width = 2480;
  spec.height = 3508;
  spec.glyph = 40;
  spec.boxes = true;
  spec.columns = 4;
  spec.seed = 17;
  const double truth = 9.26;
  cv::Mat page = Skew(DrawPage(spec), truth);
  cv::Mat noise(page.size(), CV_16S), noisy;
  cv::theRNG().state = 5;
  cv::randn(noise, 0, 25);
  page.convertTo(noisy, CV_16S);
  noisy += noise;
  noisy.convertTo(page, CV_8U);
  DeskewOptions no_final;
  no_final.final_range = 0;
  const SkewEstimate refined = FindSkewGray(page, no_final);
  const SkewEstimate est = FindSkewGray(page);
  ASSERT_TRUE(est.found) << est.note;
  EXPECT_NEAR(est.degrees, truth, 0.05) << "without the final pass: " << refined.degrees;
  EXPECT_LE(std::abs(est.degrees - refined.degrees), DeskewOptions{}.final_range + 1e-9);
}

TEST(Deskew, BlankPageDeclines) {
  Page page;
  page.image = FromMat(cv::Mat(1000, 800, CV_8U, cv::Scalar(250)));
  ASSERT_TRUE(DeskewPage(page, {}, {}).ok());
  EXPECT_FALSE(page.info.deskewed);
  EXPECT_NE(page.info.skew_note.find("declined: blank"), std::string::npos) << page.info.skew_note;
  EXPECT_EQ(page.image.width, 800);
}

TEST(Deskew, PageOfRandomDotsDeclinesAndIsLeftAlone) {
  cv::Mat img(1754, 1240, CV_8U, cv::Scalar(255));
  std::mt19937 rng(5);
  for (int i = 0; i < 6000; ++i)
    cv::circle(img, cv::Point(rng() % img.cols, rng() % img.rows), 2 + rng() % 5, cv::Scalar(0), cv::FILLED);
  Page page;
  page.image = FromMat(img);
  page.text_mask = FromMat(Mask(img));
  const std::vector<unsigned char> before = page.image.pixels;
  ASSERT_TRUE(DeskewPage(page, {}, {}).ok());
  EXPECT_FALSE(page.info.deskewed);
  EXPECT_LT(page.info.skew_confidence, DeskewOptions{}.min_confidence);
  EXPECT_NE(page.info.skew_note.find("declined: confidence"), std::string::npos) << page.info.skew_note;
  EXPECT_EQ(page.image.pixels, before);
}

TEST(Deskew, PageOfGrayNoiseDeclines) {
  cv::Mat img(1200, 900, CV_8U);
  cv::theRNG().state = 9;
  cv::randu(img, 0, 256);
  SkewEstimate est = FindSkewGray(img);
  EXPECT_FALSE(est.found && est.confidence >= DeskewOptions{}.min_confidence)
      << est.degrees << " conf " << est.confidence;
}

TEST(Deskew, StageRotatesPageAndMaskLevel) {
  PageSpec spec;
  spec.seed = 11;
  const cv::Mat skewed = Skew(DrawPage(spec), 4.0);
  Page page;
  page.image = FromMat(skewed);
  page.text_mask = FromMat(Mask(skewed));
  page.info.photos.push_back(Box{500, 600, 200, 100});
  std::vector<std::string> debug_names;
  RunContext ctx;
  ctx.debug = [&](const std::string& name, const Raster&) { debug_names.push_back(name); };
  ASSERT_TRUE(DeskewPage(page, {}, ctx).ok());
  EXPECT_TRUE(page.info.deskewed) << page.info.skew_note;
  EXPECT_NEAR(page.info.skew_degrees, 4.0, 0.1);
  EXPECT_GT(page.info.skew_confidence, 0.5);
  EXPECT_EQ(debug_names, std::vector<std::string>{"20-deskewed"});
  // Expanded canvas, mask still binary and the same size as the image.
  EXPECT_GT(page.image.width, skewed.cols);
  EXPECT_EQ(page.text_mask.width, page.image.width);
  EXPECT_EQ(page.text_mask.height, page.image.height);
  cv::Mat mask = View(page.text_mask);
  EXPECT_EQ(cv::countNonZero((mask != 0) & (mask != 255)), 0);
  // Measured again, the page is level.
  SkewEstimate again = FindSkew(mask);
  EXPECT_NEAR(again.degrees, 0.0, 0.05);
  // The photo box moved with the page and kept its size roughly.
  ASSERT_EQ(page.info.photos.size(), 1u);
  EXPECT_NEAR(page.info.photos[0].w, 200, 20);
  EXPECT_NE(page.info.photos[0].x, 500);
}

TEST(Deskew, PhotoBoxStaysTightSoTheTextAroundItIsKept) {
  // A 600 x 300 photo on a page skewed 4 degrees: binarize finds the
  // axis-aligned bound of the turned photo; deskewed, the photo stands
  // upright and its box must be the photo again, not the bound of the bound
  // (which swallowed the byline above a photo and its caption below).
  PageSpec spec;
  spec.seed = 12;
  cv::Mat level = DrawPage(spec);
  const cv::Rect photo(300, 700, 600, 300);
  level(photo).setTo(128);
  cv::Mat where(level.size(), CV_8U, cv::Scalar(255));
  where(photo).setTo(0);
  const cv::Mat skewed = Skew(level, 4.0);
  const cv::Rect found = cv::boundingRect(Skew(where, 4.0) < 128);
  Page page;
  page.image = FromMat(skewed);
  page.text_mask = FromMat(Mask(skewed));
  page.info.photos.push_back(Box{found.x, found.y, found.width, found.height});
  ASSERT_TRUE(DeskewPage(page, {}, {}).ok());
  ASSERT_TRUE(page.info.deskewed) << page.info.skew_note;
  ASSERT_EQ(page.info.photos.size(), 1u);
  const Box& b = page.info.photos[0];
  EXPECT_NEAR(b.w, 600, 12);
  EXPECT_NEAR(b.h, 300, 12);
  // It covers the photo where the deskewed page has it.
  cv::Mat deskewed = View(page.image);
  cv::Mat inner = deskewed(cv::Rect(b.x + 15, b.y + 15, b.w - 30, b.h - 30) & cv::Rect(0, 0, deskewed.cols, deskewed.rows));
  EXPECT_NEAR(cv::mean(inner)[0], 128, 8);
}

TEST(Deskew, LowConfidenceOptionDeclinesWithTheNumbers) {
  const cv::Mat skewed = Skew(DrawPage(PageSpec{}), 2.0);
  Page page;
  page.image = FromMat(skewed);
  DeskewOptions opts;
  opts.min_confidence = 0.999;
  ASSERT_TRUE(DeskewPage(page, opts, {}).ok());
  EXPECT_FALSE(page.info.deskewed);
  EXPECT_NEAR(page.info.skew_degrees, 2.0, 0.1);  // measured and recorded all the same
  EXPECT_NE(page.info.skew_note.find("< 0.999"), std::string::npos) << page.info.skew_note;
  EXPECT_EQ(page.image.width, skewed.cols);
}

TEST(Deskew, StageInfoParsesOptions) {
  StageInfo info = DeskewStageInfo();
  EXPECT_EQ(info.name, "deskew");
  EXPECT_EQ(info.input, DataKind::kImage);
  EXPECT_EQ(info.output, DataKind::kImage);
  EXPECT_TRUE(info.make({{"min_confidence", "0.4"}, {"max_angle", "5"}}).ok());
  EXPECT_FALSE(info.make({{"no_such_option", "1"}}).ok());
}

}  // namespace
}  // namespace ocrflow::image
