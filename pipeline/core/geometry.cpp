#include "pipeline/core/geometry.h"

#include <algorithm>
#include <cmath>

namespace ocrflow {
namespace {

// a after b: (a o b)(p) = a(b(p)).
void Compose(const double a[6], const double b[6], double out[6]) {
  const double r[6] = {a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
                       a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5]};
  std::copy(r, r + 6, out);
}

// The composite map from the original image to the page.
void Forward(const ImageInfo& info, double out[6]) {
  double m[6] = {1, 0, 0, 0, 1, 0};
  for (const ImageStep& s : info.steps) Compose(s.m, m, m);
  std::copy(m, m + 6, out);
}

bool Invert(const double m[6], double out[6]) {
  const double det = m[0] * m[4] - m[1] * m[3];
  if (std::abs(det) < 1e-12) return false;
  const double a = m[4] / det, b = -m[1] / det, d = -m[3] / det, e = m[0] / det;
  out[0] = a, out[1] = b, out[2] = -(a * m[2] + b * m[5]);
  out[3] = d, out[4] = e, out[5] = -(d * m[2] + e * m[5]);
  return true;
}

}  // namespace

ImageStep TurnStep(int degrees, int width, int height) {
  ImageStep s;
  s.stage = "orient";
  const double W = width, H = height;
  switch (((degrees % 360) + 360) % 360) {
    case 90:  // top-left corner to top-right: (x, y) -> (H - y, x)
      s = {"orient", {0, -1, H, 1, 0, 0}, height, width};
      break;
    case 180:
      s = {"orient", {-1, 0, W, 0, -1, H}, width, height};
      break;
    case 270:  // (x, y) -> (y, W - x)
      s = {"orient", {0, 1, 0, -1, 0, W}, height, width};
      break;
    default:
      s = {"orient", {1, 0, 0, 0, 1, 0}, width, height};
  }
  return s;
}

ImageStep ScaleStep(int width, int height, int new_width, int new_height) {
  const double fx = width > 0 ? static_cast<double>(new_width) / width : 1;
  const double fy = height > 0 ? static_cast<double>(new_height) / height : 1;
  return {"rescale", {fx, 0, 0, 0, fy, 0}, new_width, new_height};
}

ImageStep WarpStep(const double m[6], int new_width, int new_height) {
  // OpenCV's matrix maps pixel centres; an edge coordinate is the centre's
  // plus 0.5: p'_e = A (p_e - 0.5) + t + 0.5.
  ImageStep s{"deskew", {m[0], m[1], 0, m[3], m[4], 0}, new_width, new_height};
  s.m[2] = m[2] + 0.5 - 0.5 * (m[0] + m[1]);
  s.m[5] = m[5] + 0.5 - 0.5 * (m[3] + m[4]);
  return s;
}

ImageStep CropStep(int x, int y, int new_width, int new_height) {
  return {"crop", {1, 0, -static_cast<double>(x), 0, 1, -static_cast<double>(y)}, new_width, new_height};
}

Box ToOriginal(const ImageInfo& info, const Box& box) {
  double f[6], inv[6];
  Forward(info, f);
  if (!Invert(f, inv)) std::fill(inv, inv + 6, 0.0), inv[0] = inv[4] = 1;
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const double cx : {static_cast<double>(box.x), static_cast<double>(box.right())})
    for (const double cy : {static_cast<double>(box.y), static_cast<double>(box.bottom())}) {
      const double x = inv[0] * cx + inv[1] * cy + inv[2], y = inv[3] * cx + inv[4] * cy + inv[5];
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  if (info.width > 0) x0 = std::clamp(x0, 0.0, double(info.width)), x1 = std::clamp(x1, 0.0, double(info.width));
  if (info.height > 0) y0 = std::clamp(y0, 0.0, double(info.height)), y1 = std::clamp(y1, 0.0, double(info.height));
  const int l = static_cast<int>(std::floor(x0 + 1e-6)), t = static_cast<int>(std::floor(y0 + 1e-6));
  const int r = static_cast<int>(std::ceil(x1 - 1e-6)), b = static_cast<int>(std::ceil(y1 - 1e-6));
  return Box{l, t, std::max(0, r - l), std::max(0, b - t)};
}

void UprightSize(double w, double h, double degrees, double* uw, double* uh) {
  const long quarters = std::lround(degrees / 90);
  if (quarters % 2 != 0) std::swap(w, h);
  const double r = std::abs(degrees - 90.0 * quarters) * M_PI / 180, c = std::cos(r), s = std::sin(r);
  const double det = c * c - s * s;
  *uw = w, *uh = h;
  if (det <= 0.5) return;
  const double sw = (c * w - s * h) / det, sh = (c * h - s * w) / det;
  if (sw >= 0.5 * w) *uw = sw;
  if (sh >= 0.5 * h) *uh = sh;
}

double OriginalPixelsPerPagePixel(const ImageInfo& info) {
  double f[6];
  Forward(info, f);
  const double det = std::abs(f[0] * f[4] - f[1] * f[3]);
  return det > 1e-12 ? 1 / std::sqrt(det) : 1;
}

}  // namespace ocrflow
