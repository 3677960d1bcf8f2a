// InkComponents (stages/image/ink_components.h) against OpenCV's
// connectedComponentsWithStats, the reference it must equal: the same
// count, the same stats and centroids row for row (so the same numbering),
// and the bands painted with the same labels as OpenCV's label image. Bands
// are forced small so that components cross many band borders.
#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "stages/image/ink_components.h"

namespace ocrflow::image {
namespace {

// Expects InkComponents with bands of `band_rows` to equal OpenCV on `src`.
void ExpectSameAsOpenCv(const cv::Mat& src, int below, int band_rows) {
  SCOPED_TRACE("band_rows " + std::to_string(band_rows));
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(src < below, labels, stats, centroids, 8, CV_32S);
  cv::Mat my_stats, my_centroids, painted(src.size(), CV_32S, cv::Scalar(-1));
  int next_row = 0;
  const int my_n = InkComponents(
      src, below, &my_stats, &my_centroids,
      [&](int first_row, const cv::Mat& band) {
        EXPECT_EQ(first_row, next_row);  // once per band, top to bottom
        next_row = first_row + band.rows;
        band.copyTo(painted.rowRange(first_row, first_row + band.rows));
      },
      band_rows);
  EXPECT_EQ(next_row, src.rows);
  ASSERT_EQ(my_n, n);
  for (int i = 1; i < n; ++i) {  // row 0 (background) checked for its area only
    for (int s = 0; s < 5; ++s) ASSERT_EQ(my_stats.at<int>(i, s), stats.at<int>(i, s)) << "label " << i << " stat " << s;
    ASSERT_EQ(my_centroids.at<double>(i, 0), centroids.at<double>(i, 0)) << "label " << i;
    ASSERT_EQ(my_centroids.at<double>(i, 1), centroids.at<double>(i, 1)) << "label " << i;
  }
  EXPECT_EQ(my_stats.at<int>(0, cv::CC_STAT_AREA), stats.at<int>(0, cv::CC_STAT_AREA));
  EXPECT_EQ(cv::countNonZero(painted != labels), 0);
}

TEST(InkComponentsTest, TextAcrossBandsEqualsOpenCv) {
  // Text, rules, a ring and a spiral-like zigzag that leaves and re-enters
  // bands: pieces that meet only in a later band.
  cv::Mat page(403, 517, CV_8UC1, cv::Scalar(255));
  for (int i = 0; i < 12; ++i)
    cv::putText(page, "ocrflow Wg|y 0123", cv::Point(5, 30 + 31 * i), cv::FONT_HERSHEY_SIMPLEX, 0.4 + 0.05 * i,
                cv::Scalar(0), 1 + i % 2);
  cv::line(page, cv::Point(0, 200), cv::Point(516, 203), cv::Scalar(0), 1);
  cv::circle(page, cv::Point(400, 300), 60, cv::Scalar(0), 2);
  std::vector<cv::Point> zigzag;
  for (int k = 0; k < 8; ++k) zigzag.push_back(cv::Point(300 + 12 * k, k % 2 ? 20 : 390));
  cv::polylines(page, zigzag, false, cv::Scalar(0), 1);
  for (int band : {2, 4, 6, 16, 64, 402}) ExpectSameAsOpenCv(page, 128, band);
}

TEST(InkComponentsTest, RandomInkEqualsOpenCv) {
  std::mt19937 rng(16);
  for (double density : {0.05, 0.3, 0.5, 0.7}) {
    SCOPED_TRACE("density " + std::to_string(density));
    cv::Mat page(97, 131, CV_8UC1);
    std::bernoulli_distribution ink(density);
    for (int y = 0; y < page.rows; ++y)
      for (int x = 0; x < page.cols; ++x) page.at<uint8_t>(y, x) = ink(rng) ? 0 : 255;
    for (int band : {2, 4, 10, 32}) ExpectSameAsOpenCv(page, 1, band);
  }
}

TEST(InkComponentsTest, OddHeightsAndEmptyBands) {
  cv::Mat page(33, 40, CV_8UC1, cv::Scalar(255));
  cv::rectangle(page, cv::Rect(3, 0, 4, 33), cv::Scalar(0), cv::FILLED);  // through every band
  page.at<uint8_t>(32, 39) = 0;                                           // last row, last column
  page.at<uint8_t>(31, 38) = 0;                                           // joined diagonally across a border
  for (int band : {2, 4, 8, 30}) ExpectSameAsOpenCv(page, 1, band);
  cv::Mat blank(20, 20, CV_8UC1, cv::Scalar(255));
  for (int band : {2, 6}) ExpectSameAsOpenCv(blank, 1, band);
}

}  // namespace
}  // namespace ocrflow::image
