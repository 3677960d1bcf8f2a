#include "stages/image/layout/columns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

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

void SplitAcrossColumns(PageText& text, const Columns& columns, const Ink& ink) {
  const double em = ink.em;
  const int slack = static_cast<int>(std::lround(kSplitSlackEm * em));
  for (size_t bi = 0; bi < text.blocks.size(); ++bi) {
    for (size_t c = 0; c + 1 < columns.ranges.size(); ++c) {
      const TextBlock& b = text.blocks[bi];
      if (!IsPageText(b) || b.large || b.role != Role::kBody) break;
      const int g0 = columns.ranges[c].second, g1 = columns.ranges[c + 1].first;  // the gutter
      if (g1 <= g0) continue;
      if (g0 - b.r.x < kSplitReachEm * em || Right(b.r) - g1 < kSplitReachEm * em) continue;
      // Under a photo that cut the gutter.
      bool under_photo = false;
      for (const cv::Rect& p : ink.photos) {
        const int below = b.r.y - Bottom(p);
        under_photo |= p.x <= g0 && Right(p) >= g1 && below >= -kBelowSlackEm * em && below <= kSplitUnderPhotoEm * em;
      }
      if (!under_photo) continue;
      // Each line's components left and right of the gutter's middle.
      const int mid = (g0 + g1) / 2;
      std::vector<std::pair<std::vector<int>, std::vector<int>>> parts;
      bool split = true, both = false;
      for (int li : b.lines) {
        std::vector<int> left, right;
        int left_end = INT32_MIN, right_start = INT32_MAX;
        for (int ci : text.lines[li].comps) {
          const cv::Rect& r = ink.comps[ci].r;
          if (r.x + r.width / 2 < mid) {
            left.push_back(ci);
            left_end = std::max(left_end, Right(r));
          } else {
            right.push_back(ci);
            right_start = std::min(right_start, r.x);
          }
        }
        if (!left.empty() && !right.empty()) {
          both = true;
          split &= right_start - left_end >= kSplitGapEm * em && left_end <= g0 + slack && right_start >= g1 - slack;
        }
        parts.push_back({std::move(left), std::move(right)});
      }
      if (!split || !both) continue;
      // Each line's left part stays its line (a line on one side goes whole
      // to that side); its right part becomes a line of its own.
      const std::vector<int> old_lines = b.lines;
      TextBlock left_block = b, right_block = b;
      left_block.lines.clear();
      right_block.lines.clear();
      for (size_t k = 0; k < old_lines.size(); ++k) {
        const int li = old_lines[k];
        auto& [left, right] = parts[k];
        if (right.empty()) {
          left_block.lines.push_back(li);
        } else if (left.empty()) {
          right_block.lines.push_back(li);
        } else {
          TextLine r = text.lines[li];
          r.comps = right;
          RecomputeLine(ink.comps, r);
          text.lines[li].comps = left;
          RecomputeLine(ink.comps, text.lines[li]);
          left_block.lines.push_back(li);
          text.lines.push_back(r);
          right_block.lines.push_back(static_cast<int>(text.lines.size()) - 1);
        }
      }
      auto hull = [&](TextBlock& t) {
        t.r = cv::Rect();
        for (int li : t.lines) t.r = Hull(t.r, text.lines[li].r);
      };
      hull(left_block);
      hull(right_block);
      text.blocks[bi] = std::move(left_block);
      text.blocks.push_back(std::move(right_block));
      break;
    }
  }
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
