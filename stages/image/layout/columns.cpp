#include "stages/image/layout/columns.h"

#include <algorithm>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {

Columns FindColumns(const std::vector<TextBlock>& blocks) {
  struct Col {
    int x0, x1;
    double weight;
  };
  std::vector<Col> cols;
  std::vector<const TextBlock*> body;
  for (const TextBlock& b : blocks)
    if (IsPageText(b) && !b.large) body.push_back(&b);
  std::sort(body.begin(), body.end(), [](const TextBlock* x, const TextBlock* y) { return x->lines.size() > y->lines.size(); });
  std::vector<std::pair<double, double>> widths;
  for (const TextBlock* b : body) {
    if (b->lines.size() < kColumnMinLines) continue;
    widths.push_back({static_cast<double>(b->r.width), static_cast<double>(b->lines.size())});
    bool joined = false;
    for (Col& c : cols) {
      int ov = std::min(c.x1, Right(b->r)) - std::max(c.x0, b->r.x);
      if (ov >= kColumnOverlapShare * std::max(c.x1 - c.x0, b->r.width)) {
        c.weight += b->lines.size();
        joined = true;
        break;
      }
    }
    if (!joined) cols.push_back({b->r.x, Right(b->r), static_cast<double>(b->lines.size())});
  }
  Columns out;
  out.width = widths.empty() ? 0 : WeightedMedian(widths);
  // Columns of a page do not overlap: of two overlapping ranges the one
  // holding more lines is the column (a wide range is a block spanning
  // columns; a narrow one is a column's piece cut off by a word gap).
  std::sort(cols.begin(), cols.end(), [](const Col& x, const Col& y) { return x.weight > y.weight; });
  std::vector<Col> kept;
  for (const Col& c : cols) {
    bool overlaps = false;
    for (const Col& k : kept) overlaps |= std::min(k.x1, c.x1) - std::max(k.x0, c.x0) > 0;
    if (!overlaps) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(), [](const Col& x, const Col& y) { return x.x0 < y.x0; });
  for (const Col& c : kept) out.ranges.push_back({c.x0, c.x1});
  return out;
}

int ColumnOf(const Columns& columns, const cv::Rect& r, double em) {
  int cx = r.x + r.width / 2;
  for (size_t i = 0; i < columns.ranges.size(); ++i) {
    auto [x0, x1] = columns.ranges[i];
    int w = x1 - x0;
    if (cx >= x0 - em && cx < x1 + em && r.width <= kColumnSpanShare * w + em) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace ocrflow::image::layout
