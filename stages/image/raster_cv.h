// Conversions between the pipeline's Raster (pipeline/core/document.h) and
// OpenCV's cv::Mat. Image stages work on cv::Mat; the Page keeps Rasters so
// that the core types do not depend on OpenCV.
//
// View() wraps the Raster's pixels without copying: the Mat is valid while
// the Raster is alive and not resized. FromMat() copies (any continuous or
// strided 8-bit 1- or 3-channel Mat).
#pragma once

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::image {

inline cv::Mat View(Raster& r) {
  if (r.empty()) return {};
  return cv::Mat(r.height, r.width, r.channels == 3 ? CV_8UC3 : CV_8UC1, r.pixels.data());
}
inline cv::Mat View(const Raster& r) { return View(const_cast<Raster&>(r)); }

// A Raster of `size` (8-bit, 1 or 3 channels, uninitialised) for an OpenCV
// call to write into through View(): the result lands in the page's buffer
// without a second page-sized copy.
inline Raster NewRaster(cv::Size size, int channels = 1) {
  Raster r;
  r.width = size.width;
  r.height = size.height;
  r.channels = channels;
  r.pixels.resize(static_cast<size_t>(size.width) * size.height * channels);
  return r;
}

inline Raster FromMat(const cv::Mat& m) {
  Raster r;
  if (m.empty()) return r;
  CV_Assert(m.depth() == CV_8U && (m.channels() == 1 || m.channels() == 3));
  r.width = m.cols;
  r.height = m.rows;
  r.channels = m.channels();
  r.pixels.resize(static_cast<size_t>(m.cols) * m.rows * m.channels());
  cv::Mat dst(m.rows, m.cols, m.type(), r.pixels.data());
  m.copyTo(dst);
  return r;
}

// A cv::Exception caught in a stage adapter, as a Status. OpenCV's allocator
// failing is "out of memory" with kUnavailable, as the runner reports a
// std::bad_alloc, so that `run` and the daemon name it as such (a large page
// under an address-space limit now gets past decoding and can run out in a
// stage); anything else is an internal error.
inline Status StatusFromCv(const std::string& stage, const cv::Exception& e) {
  if (e.code == cv::Error::StsNoMem) return Status(Code::kUnavailable, stage + ": out of memory: " + e.err);
  return Status(Code::kInternal, stage + ": OpenCV: " + e.what());
}

}  // namespace ocrflow::image
