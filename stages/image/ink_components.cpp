#include "stages/image/ink_components.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace ocrflow::image {
namespace {

// A component as the bands see it: box (end exclusive), area and the sums
// of its pixels' coordinates (exact integers: OpenCV's centroids are these
// sums over the area).
struct Piece {
  int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN;
  int64_t area = 0, sum_x = 0, sum_y = 0;
  void Add(const Piece& o) {
    x0 = std::min(x0, o.x0), y0 = std::min(y0, o.y0), x1 = std::max(x1, o.x1), y1 = std::max(y1, o.y1);
    area += o.area, sum_x += o.sum_x, sum_y += o.sum_y;
  }
};

// Label `l` of a band's OpenCV result as a Piece, its rows moved down by `y`.
Piece FromStats(const cv::Mat& st, const cv::Mat& ce, int l, int y) {
  Piece p;
  p.area = st.at<int>(l, cv::CC_STAT_AREA);
  if (p.area == 0) return p;
  p.x0 = st.at<int>(l, cv::CC_STAT_LEFT);
  p.y0 = st.at<int>(l, cv::CC_STAT_TOP) + y;
  p.x1 = p.x0 + st.at<int>(l, cv::CC_STAT_WIDTH);
  p.y1 = p.y0 + st.at<int>(l, cv::CC_STAT_HEIGHT);
  // centroid = sum / area in double; the product is within 1e-3 of the
  // integer sum for any page under the limits, so rounding recovers it.
  p.sum_x = std::llround(ce.at<double>(l, 0) * static_cast<double>(p.area));
  p.sum_y = std::llround(ce.at<double>(l, 1) * static_cast<double>(p.area)) + static_cast<int64_t>(y) * p.area;
  return p;
}

int Find(std::vector<int>& parent, int a) {
  while (parent[a] != a) a = parent[a] = parent[parent[a]];
  return a;
}

// The earlier piece stays the root: a component keeps its first place.
void Join(std::vector<int>& parent, int a, int b) {
  a = Find(parent, a), b = Find(parent, b);
  if (a == b) return;
  if (a < b) parent[b] = a;
  else parent[a] = b;
}

}  // namespace

int InkComponents(const cv::Mat& src, int below, cv::Mat* stats, cv::Mat* centroids, const PaintBand& paint,
                  int band_rows) {
  CV_Assert(src.type() == CV_8UC1);
  const int W = src.cols, H = src.rows;
  if (band_rows <= 0 && static_cast<double>(W) * H <= kWholePagePixels) {
    cv::Mat labels;
    const int n = cv::connectedComponentsWithStats(src < below, labels, *stats, *centroids, 8, CV_32S);
    if (paint) paint(0, labels);
    return n;
  }
  int rows = band_rows > 0 ? band_rows : std::max(64, static_cast<int>(kBandPixels / std::max(1, W)));
  rows += rows & 1;  // bands start on even rows (OpenCV labels 2x2 blocks)

  std::vector<int> parent, band_base;
  std::vector<Piece> pieces;
  Piece background;
  std::vector<int> prev(static_cast<size_t>(W), -1);  // pieces on the previous band's last row
  for (int y0 = 0; y0 < H; y0 += rows) {
    const int y1 = std::min(H, y0 + rows);
    cv::Mat lab, st, ce;
    const int n = cv::connectedComponentsWithStats(src.rowRange(y0, y1) < below, lab, st, ce, 8, CV_32S);
    const int base = static_cast<int>(pieces.size());
    band_base.push_back(base);
    background.Add(FromStats(st, ce, 0, y0));
    for (int l = 1; l < n; ++l) {
      pieces.push_back(FromStats(st, ce, l, y0));
      parent.push_back(base + l - 1);
    }
    if (y0 > 0) {  // 8-connected across the border between the bands
      const int* first = lab.ptr<int>(0);
      for (int x = 0; x < W; ++x) {
        if (first[x] == 0) continue;
        for (int xx = std::max(0, x - 1); xx <= std::min(W - 1, x + 1); ++xx)
          if (prev[xx] >= 0) Join(parent, base + first[x] - 1, prev[xx]);
      }
    }
    const int* last = lab.ptr<int>(y1 - y0 - 1);
    for (int x = 0; x < W; ++x) prev[x] = last[x] > 0 ? base + last[x] - 1 : -1;
  }

  // Roots in order of first appearance: OpenCV's numbering (see the header).
  const int pieces_n = static_cast<int>(pieces.size());
  std::vector<int> final_label(static_cast<size_t>(pieces_n), 0);
  std::vector<Piece> comps(1, background);
  for (int p = 0; p < pieces_n; ++p) {
    const int root = Find(parent, p);
    if (root == p) {
      final_label[p] = static_cast<int>(comps.size());
      comps.push_back(pieces[p]);
    } else {
      final_label[p] = final_label[root];
      comps[final_label[p]].Add(pieces[p]);
    }
  }
  const int n = static_cast<int>(comps.size());
  stats->create(n, 5, CV_32S);
  centroids->create(n, 2, CV_64F);
  for (int i = 0; i < n; ++i) {
    const Piece& c = comps[i];
    int* s = stats->ptr<int>(i);
    double* m = centroids->ptr<double>(i);
    if (c.area == 0) {  // no background at all (a page of solid ink)
      s[cv::CC_STAT_LEFT] = s[cv::CC_STAT_TOP] = s[cv::CC_STAT_WIDTH] = s[cv::CC_STAT_HEIGHT] = s[cv::CC_STAT_AREA] = 0;
      m[0] = m[1] = 0;
      continue;
    }
    s[cv::CC_STAT_LEFT] = c.x0;
    s[cv::CC_STAT_TOP] = c.y0;
    s[cv::CC_STAT_WIDTH] = c.x1 - c.x0;
    s[cv::CC_STAT_HEIGHT] = c.y1 - c.y0;
    s[cv::CC_STAT_AREA] = static_cast<int>(c.area);
    m[0] = static_cast<double>(c.sum_x) / static_cast<double>(c.area);
    m[1] = static_cast<double>(c.sum_y) / static_cast<double>(c.area);
  }

  if (paint) {
    int band = 0;
    for (int y0 = 0; y0 < H; y0 += rows, ++band) {
      const int y1 = std::min(H, y0 + rows);
      cv::Mat lab, st, ce;
      cv::connectedComponentsWithStats(src.rowRange(y0, y1) < below, lab, st, ce, 8, CV_32S);
      const int base = band_base[band];
      for (int y = 0; y < lab.rows; ++y) {
        int* l = lab.ptr<int>(y);
        for (int x = 0; x < W; ++x)
          if (l[x] > 0) l[x] = final_label[base + l[x] - 1];
      }
      paint(y0, lab);
    }
  }
  return n;
}

}  // namespace ocrflow::image
