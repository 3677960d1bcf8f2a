// Small helpers shared by the layout steps (stages/image/layout/): rectangle
// edges and overlaps, a union-find, percentiles. Header only; pure.
#pragma once

#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"

namespace ocrflow::image::layout {

inline int Right(const cv::Rect& r) { return r.x + r.width; }
inline int Bottom(const cv::Rect& r) { return r.y + r.height; }
// Length of the overlap of the two extents (negative: the gap between them).
inline int OverlapX(const cv::Rect& a, const cv::Rect& b) { return std::min(Right(a), Right(b)) - std::max(a.x, b.x); }
inline int OverlapY(const cv::Rect& a, const cv::Rect& b) { return std::min(Bottom(a), Bottom(b)) - std::max(a.y, b.y); }
// Bounding box of both; an empty rectangle adds nothing.
inline cv::Rect Hull(const cv::Rect& a, const cv::Rect& b) {
  if (a.area() == 0) return b;
  if (b.area() == 0) return a;
  return a | b;
}
inline cv::Rect ToRect(const Box& b) { return {b.x, b.y, b.w, b.h}; }

struct Dsu {
  std::vector<int> p;
  explicit Dsu(size_t n) : p(n) { std::iota(p.begin(), p.end(), 0); }
  int Find(int x) {
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
  }
  void Unite(int a, int b) { p[Find(a)] = Find(b); }
};

// The value at quantile q (0..1) of v, nearest rank; 0 for none.
inline double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// Median of values with weights: (value, weight) pairs; 0 for none.
inline double WeightedMedian(std::vector<std::pair<double, double>> vw) {
  if (vw.empty()) return 0;
  std::sort(vw.begin(), vw.end());
  double total = 0;
  for (auto& [v, w] : vw) total += w;
  double acc = 0;
  for (auto& [v, w] : vw) {
    acc += w;
    if (acc >= total / 2) return v;
  }
  return vw.back().first;
}

}  // namespace ocrflow::image::layout
