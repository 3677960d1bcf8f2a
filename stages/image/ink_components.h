// Connected components of the ink of a large page, without its label image.
//
//   InkComponents(src, below, &stats, &centroids, paint)
//
// The ink is every pixel of the 8-bit `src` under `below` (a text mask with
// 0 = ink: below = 1; "mask < 128": below = 128). The result is what
//   cv::connectedComponentsWithStats(src < below, labels, stats, centroids, 8, CV_32S)
// returns: the number of labels (background included), `stats` (n x 5
// CV_32S) and `centroids` (n x 2 CV_64F), row 0 the background, the
// components numbered in the same order.
//
// Why: OpenCV's label image is 4 bytes a pixel. At the 200-Mpixel page limit
// that is 800 MB, with the ink mask another 200 MB (issue 16, item 8: a
// 14000x14000 page peaked at 3.3 GB). Pages over kWholePagePixels are
// labelled in bands of rows instead: each band with OpenCV, the pieces of a
// component in neighbouring bands joined (union-find over the bands' border
// rows, 8-connected), their boxes, areas and coordinate sums added. Memory:
// one band's labels (about kBandPixels x 4 bytes) and a few integers per
// piece. Pages up to kWholePagePixels take OpenCV's path unchanged, so
// their results are OpenCV's, bit for bit.
//
// Order: OpenCV numbers components in the order of their first 2x2 block in
// a raster scan of 2-row bands. Bands start on even rows, so each band's own
// order is that order restricted to the band, and a component continued from
// an earlier band keeps its earlier place: concatenating the bands' new
// components gives OpenCV's numbering (tests/unit/ink_components_test.cpp
// checks it against OpenCV on text-like and random pages).
//
// `paint` (optional), after the count: called once per band, top to bottom,
// with the band's first row and its labels (CV_32S, the final numbers, 0 =
// background), so that a caller can paint per component (remove specks, keep
// text) as it would from the full label image. It costs a second labelling
// of each band on large pages.
//
// Pure; thread-safe.
#pragma once

#include <functional>

#include <opencv2/core.hpp>

namespace ocrflow::image {

// Pages up to this many pixels are labelled whole by OpenCV.
constexpr double kWholePagePixels = 40e6;
// Pixels per band on larger pages (a band is at least 64 rows, an even number).
constexpr double kBandPixels = 8e6;

using PaintBand = std::function<void(int first_row, const cv::Mat& labels)>;

// `band_rows` > 0 forces bands of that many rows (even) at any size (tests).
int InkComponents(const cv::Mat& src, int below, cv::Mat* stats, cv::Mat* centroids, const PaintBand& paint = {},
                  int band_rows = 0);

}  // namespace ocrflow::image
