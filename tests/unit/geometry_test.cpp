// Page boxes back to the original image (pipeline/core/geometry.h), checked
// against the real image operations: dots drawn on a synthetic image are
// turned (cv::rotate), rescaled (cv::resize) and rotated (cv::warpAffine,
// as deskew does), found again on the final canvas, and mapped back; each
// must land where it was drawn.
#include "pipeline/core/geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrflow {
namespace {

constexpr int kW = 900, kH = 600, kDot = 8;
const cv::Point kDots[] = {{100, 80}, {700, 120}, {450, 300}, {150, 500}, {820, 540}};

cv::Mat Drawn() {
  cv::Mat img(kH, kW, CV_8UC1, cv::Scalar(255));
  for (const cv::Point& p : kDots) img(cv::Rect(p.x, p.y, kDot, kDot)).setTo(0);
  return img;
}

// The dots' boxes on `img` (dark connected components).
std::vector<Box> Found(const cv::Mat& img) {
  cv::Mat ink = img < 128, labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids);
  std::vector<Box> out;
  for (int i = 1; i < n; ++i)
    out.push_back({stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                   stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)});
  return out;
}

// Every found dot, mapped back, is centred within `tol` px of a drawn one.
void ExpectBack(const ImageInfo& info, const cv::Mat& final_image, double tol) {
  const std::vector<Box> found = Found(final_image);
  ASSERT_EQ(found.size(), std::size(kDots));
  for (const Box& f : found) {
    const Box b = ToOriginal(info, f);
    double best = 1e9;
    for (const cv::Point& p : kDots)
      best = std::min(best, std::hypot(b.x + b.w / 2.0 - (p.x + kDot / 2.0), b.y + b.h / 2.0 - (p.y + kDot / 2.0)));
    EXPECT_LE(best, tol) << "box " << b.x << "," << b.y << " " << b.w << "x" << b.h;
  }
}

ImageInfo Original() {
  ImageInfo info;
  info.width = kW;
  info.height = kH;
  return info;
}

TEST(Geometry, WithoutStepsABoxIsOnlyClipped) {
  const ImageInfo info = Original();
  const Box b = ToOriginal(info, Box{-5, 10, 20, 700});
  EXPECT_EQ(b.x, 0);
  EXPECT_EQ(b.y, 10);
  EXPECT_EQ(b.w, 15);
  EXPECT_EQ(b.h, kH - 10);
}

TEST(Geometry, EachQuarterTurnMapsBack) {
  for (int turn : {90, 180, 270}) {
    ImageInfo info = Original();
    cv::Mat out;
    cv::rotate(Drawn(), out, turn == 90 ? cv::ROTATE_90_CLOCKWISE : turn == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    info.steps.push_back(TurnStep(turn, kW, kH));
    EXPECT_EQ(info.steps.back().width, out.cols);
    EXPECT_EQ(info.steps.back().height, out.rows);
    SCOPED_TRACE(turn);
    ExpectBack(info, out, 0.01);
    // Exactly: the turned dot's box is the drawn one.
    const Box b = ToOriginal(info, Found(out)[0]);
    EXPECT_EQ(b.w, kDot);
    EXPECT_EQ(b.h, kDot);
  }
}

TEST(Geometry, ARescaleMapsBack) {
  ImageInfo info = Original();
  cv::Mat out;
  cv::resize(Drawn(), out, cv::Size(), 1.5, 1.5, cv::INTER_CUBIC);
  info.steps.push_back(ScaleStep(kW, kH, out.cols, out.rows));
  ExpectBack(info, out, 0.75);
  EXPECT_NEAR(OriginalPixelsPerPagePixel(info), 1 / 1.5, 1e-3);
}

// Deskew's rotation: about the canvas centre (pixel-centre coordinates, as
// OpenCV's matrix has it), the canvas grown so no corner is cut.
cv::Mat Rotate(const cv::Mat& in, double degrees, ImageInfo& info) {
  const cv::Point2f centre(0.5f * (in.cols - 1), 0.5f * (in.rows - 1));
  cv::Mat m = cv::getRotationMatrix2D(centre, -degrees, 1.0);
  const double c = std::abs(std::cos(degrees * CV_PI / 180)), s = std::abs(std::sin(degrees * CV_PI / 180));
  const cv::Size size(static_cast<int>(std::ceil(in.cols * c + in.rows * s)), static_cast<int>(std::ceil(in.cols * s + in.rows * c)));
  m.at<double>(0, 2) += 0.5 * (size.width - in.cols);
  m.at<double>(1, 2) += 0.5 * (size.height - in.rows);
  cv::Mat out;
  cv::warpAffine(in, out, m, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
  info.steps.push_back(WarpStep(m.ptr<double>(), size.width, size.height));
  return out;
}

TEST(Geometry, ARotationMapsBack) {
  for (double degrees : {-4.0, 1.3, 3.0}) {
    ImageInfo info = Original();
    const cv::Mat out = Rotate(Drawn(), degrees, info);
    SCOPED_TRACE(degrees);
    ExpectBack(info, out, 0.75);
  }
}

// What the page stages do in order: turn, rescale, deskew.
TEST(Geometry, TurnRescaleAndRotationTogetherMapBack) {
  ImageInfo info = Original();
  cv::Mat turned, scaled;
  cv::rotate(Drawn(), turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  info.steps.push_back(TurnStep(270, kW, kH));
  cv::resize(turned, scaled, cv::Size(), 1.25, 1.25, cv::INTER_CUBIC);
  info.steps.push_back(ScaleStep(turned.cols, turned.rows, scaled.cols, scaled.rows));
  const cv::Mat out = Rotate(scaled, 2.5, info);
  ExpectBack(info, out, 1.0);
}

TEST(Geometry, ACropShiftsBack) {
  ImageInfo info = Original();
  const cv::Mat out = Drawn()(cv::Rect(50, 40, 800, 540)).clone();
  info.steps.push_back(CropStep(50, 40, 800, 540));
  ExpectBack(info, out, 0.01);
}

}  // namespace
}  // namespace ocrflow
