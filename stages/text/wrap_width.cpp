#include "stages/text/wrap_width.h"

#include <algorithm>
#include <cmath>

#include "stages/text/classify.h"
#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

// Median of v (reorders v).
double Median(std::vector<double>& v) {
  if (v.empty()) return 0;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + static_cast<long>(mid));
  return (lo + hi) / 2;
}

// From sizes alone: a CJK character is 3 bytes per em, Latin 2 bytes per
// em (1 byte per half em), so bytes/width tells which dominates.
bool MostlyLatin(const Block& block, const std::vector<double>& widths) {
  double bytes = 0, width = 0;
  for (size_t i = 0; i < block.lines.size(); ++i) {
    bytes += static_cast<double>(block.lines[i].text.size());
    width += widths[i];
  }
  return width > 0 && bytes < 2.4 * width;
}

// OCR geometry: the block's lines have boxes. The em size in pixels is
// measured, not assumed: a line's box width over its text width in em
// (median over the block's longer lines, else over the page's).
double EmPixels(const Block& block) {
  std::vector<double> ratios;
  for (const auto& line : block.lines) {
    double em = DisplayWidth(line.text);
    if (line.box && em >= 4) ratios.push_back(line.box->w / em);
  }
  return Median(ratios);
}

bool HasGeometry(const Block& block) {
  if (block.lines.empty()) return false;
  for (const auto& line : block.lines) {
    if (!line.box) return false;
  }
  return true;
}

// Fills the shape of a block from its line boxes: the column runs from the
// leftmost line start to the rightmost line end; each line's width is where
// it ends, measured from the column's left edge; an indent is where it
// starts. Returns false when the block is too small to show its column.
void GeometryShape(Block& block, double em_px, const WrapOptions& options) {
  ColumnShape& s = block.shape;
  s = ColumnShape{};
  s.estimated = true;
  int left = block.lines.front().box->x, right = block.lines.front().box->right();
  double bytes = 0, width = 0;
  for (const auto& line : block.lines) {
    left = std::min(left, line.box->x);
    right = std::max(right, line.box->right());
    bytes += static_cast<double>(line.text.size());
    width += DisplayWidth(line.text);
  }
  s.latin = width > 0 && bytes < 2.4 * width;
  for (auto& line : block.lines) {
    line.layout_width = (line.box->right() - left) / em_px;
    double indent_em = (line.box->x - left) / em_px;
    // Display columns, as plain text counts them (an ideographic space = 2).
    line.indent = indent_em >= 0.8 ? static_cast<int>(std::lround(indent_em * 2)) : 0;
  }
  s.wrap = (right - left) / em_px;
  s.tolerance = s.latin ? std::max(1.0, options.latin_tolerance * s.wrap) : 0.8;
  // One line shows nothing about its column; two or more do (justified
  // text fills the column exactly).
  s.wrapped = block.lines.size() >= 2;
  s.measured = true;
}

}  // namespace

void EnsureShapes(Page& page) {
  for (const auto& b : page.blocks) {
    if (!b.shape.estimated) {
      EstimateShapes(page);
      return;
    }
  }
}

void EstimateShapes(Page& page, const WrapOptions& options) {
  const size_t nb = page.blocks.size();
  // With OCR geometry every block is measured from its boxes.
  bool geometry = nb > 0;
  for (const auto& b : page.blocks) geometry = geometry && HasGeometry(b);
  if (geometry) {
    std::vector<double> ems;
    for (const auto& b : page.blocks) {
      double e = EmPixels(b);
      if (e > 0) ems.push_back(e);
    }
    const double page_em = Median(ems);
    for (auto& b : page.blocks) {
      double e = EmPixels(b);
      if (e <= 0) e = page_em;
      if (e <= 0) e = std::max(1, b.lines.front().box->h);  // nothing long enough to measure
      GeometryShape(b, e, options);
    }
    // Single lines borrow the column width of their neighbours when they
    // sit in the same column (same left edge).
    for (size_t k = 0; k < nb; ++k) {
      if (page.blocks[k].shape.wrapped) continue;
      for (size_t d = 1; d <= static_cast<size_t>(options.neighbour_reach); ++d) {
        const Block* nbk = k >= d && page.blocks[k - d].shape.wrapped ? &page.blocks[k - d]
                           : k + d < nb && page.blocks[k + d].shape.wrapped ? &page.blocks[k + d]
                                                                             : nullptr;
        if (nbk == nullptr) continue;
        int dx = std::abs(nbk->lines.front().box->x - page.blocks[k].lines.front().box->x);
        if (dx > 3 * page_em) continue;
        page.blocks[k].shape.wrap = nbk->shape.wrap;
        break;
      }
    }
    return;
  }
  std::vector<bool> own(nb, false);  // wrap measured from the block's own lines
  std::vector<double> widths, interior;
  std::vector<double> first_width(nb), last_width(nb);
  for (size_t k = 0; k < nb; ++k) {
    const Block& block = page.blocks[k];
    ColumnShape& s = page.blocks[k].shape;
    s = ColumnShape{};
    s.estimated = true;
    widths.clear();
    for (const auto& line : block.lines) widths.push_back(LineWidth(line));
    first_width[k] = widths.front();
    last_width[k] = widths.back();
    s.latin = MostlyLatin(block, widths);
    s.tolerance = options.cjk_tolerance;
    const size_t n = widths.size();
    if (n < 3) continue;
    interior.assign(widths.begin() + 1, widths.end() - 1);
    double w = Median(interior);
    double tol = s.latin ? std::max(options.cjk_tolerance, options.latin_tolerance * w) : options.cjk_tolerance;
    size_t agree = 0;
    for (double x : interior) agree += std::fabs(x - w) <= tol;
    const double first = widths.front();
    // The first line is full width (a block that continues a paragraph) or
    // two characters short (a paragraph's indented first line).
    // Small blocks must show it; in long blocks the interior lines are
    // evidence enough (a bold lead-in may shorten the first line further).
    bool first_fits = first <= w + tol && (interior.size() >= 3 || first >= w - 2 - tol);
    // Wrapped lines end mid-sentence far more often than not; a run of
    // one-line paragraphs (clean text, our own output) ends in punctuation.
    size_t bare = 0;
    for (size_t i = 0; i + 1 < n; ++i) bare += !EndsSentence(block.lines[i].text);
    bool mostly_bare = 2 * bare > n - 1;
    if (w > 0 && w <= options.max_wrap && static_cast<double>(agree) >= options.min_consistent * interior.size() &&
        first_fits && mostly_bare && widths.back() <= w + tol) {
      // A list is not a wrapped column, however even its items look.
      size_t markers = 0;
      for (const auto& line : block.lines) markers += StartsWithListMarker(line.text);
      if (2 * markers >= n) continue;
      s.wrap = w;
      s.wrapped = true;
      s.tolerance = tol;
      own[k] = true;
    }
  }
  // Small blocks borrow the width of the nearest measured block, or the
  // page's typical width when no measured block is near.
  std::vector<double> measured;
  for (size_t k = 0; k < nb; ++k) {
    if (own[k]) measured.push_back(page.blocks[k].shape.wrap);
  }
  const double page_wrap = Median(measured);
  for (size_t k = 0; k < nb; ++k) {
    if (own[k]) continue;
    ColumnShape& s = page.blocks[k].shape;
    const Block& block = page.blocks[k];
    double borrowed = 0;
    for (int d = 1; d <= options.neighbour_reach && borrowed == 0; ++d) {
      if (k >= static_cast<size_t>(d) && own[k - d]) borrowed = page.blocks[k - d].shape.wrap;
      else if (k + d < nb && own[k + d]) borrowed = page.blocks[k + d].shape.wrap;
    }
    if (borrowed == 0) borrowed = page_wrap;
    if (borrowed == 0) continue;
    s.wrap = borrowed;
    s.tolerance = s.latin ? std::max(options.cjk_tolerance, options.latin_tolerance * borrowed) : options.cjk_tolerance;
    if (block.lines.size() == 2) {
      const double first = first_width[k];
      s.wrapped = first <= borrowed + s.tolerance && first >= borrowed - 2 - s.tolerance &&
                  last_width[k] <= borrowed + s.tolerance &&
                  (!EndsSentence(block.lines.front().text) || first >= borrowed - 2 - s.tolerance / 2);
    }
  }
}

}  // namespace ocrflow::text
