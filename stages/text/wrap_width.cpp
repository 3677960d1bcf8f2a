#include "stages/text/wrap_width.h"

#include <algorithm>
#include <cmath>

#include "stages/text/classify.h"
#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + static_cast<long>(mid));
  return (lo + hi) / 2;
}

bool MostlyLatin(const Block& block) {
  size_t latin = 0, cjk = 0;
  for (const auto& line : block.lines) {
    for (size_t i = 0; i < line.text.size();) {
      char32_t c = NextCodePoint(line.text, i);
      latin += IsLatinLetter(c);
      cjk += IsCjk(c);
    }
  }
  return latin > 2 * cjk;
}

}  // namespace

std::vector<BlockShape> EstimateShapes(const Page& page, const WrapOptions& options) {
  const size_t nb = page.blocks.size();
  std::vector<BlockShape> shapes(nb);
  std::vector<bool> own(nb, false);  // wrap measured from the block's own lines
  for (size_t k = 0; k < nb; ++k) {
    const Block& block = page.blocks[k];
    BlockShape& s = shapes[k];
    for (const auto& line : block.lines) {
      s.widths.push_back(line.layout_width >= 0 ? line.layout_width : DisplayWidth(line.text));
    }
    s.latin = MostlyLatin(block);
    const size_t n = s.widths.size();
    if (n < 3) continue;
    // A list is not a wrapped column, however even its items look.
    size_t markers = 0;
    for (const auto& line : block.lines) markers += StartsWithListMarker(line.text);
    if (2 * markers >= n) continue;
    std::vector<double> interior(s.widths.begin() + 1, s.widths.end() - 1);
    double w = Median(interior);
    double tol = s.latin ? std::max(options.cjk_tolerance, options.latin_tolerance * w) : options.cjk_tolerance;
    size_t agree = 0;
    for (double x : interior) agree += std::fabs(x - w) <= tol;
    const double first = s.widths.front();
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
        first_fits && mostly_bare && s.widths.back() <= w + tol) {
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
    if (own[k]) measured.push_back(shapes[k].wrap);
  }
  const double page_wrap = Median(measured);
  for (size_t k = 0; k < nb; ++k) {
    if (own[k]) continue;
    BlockShape& s = shapes[k];
    const Block& block = page.blocks[k];
    double borrowed = 0;
    for (int d = 1; d <= options.neighbour_reach && borrowed == 0; ++d) {
      if (k >= static_cast<size_t>(d) && own[k - d]) borrowed = shapes[k - d].wrap;
      else if (k + d < nb && own[k + d]) borrowed = shapes[k + d].wrap;
    }
    if (borrowed == 0) borrowed = page_wrap;
    if (borrowed == 0) continue;
    s.wrap = borrowed;
    s.tolerance = s.latin ? std::max(options.cjk_tolerance, options.latin_tolerance * borrowed) : options.cjk_tolerance;
    if (s.widths.size() == 2) {
      const double first = s.widths.front();
      s.wrapped = first <= borrowed + s.tolerance && first >= borrowed - 2 - s.tolerance &&
                  s.widths.back() <= borrowed + s.tolerance &&
                  (!EndsSentence(block.lines.front().text) || first >= borrowed - 2 - s.tolerance / 2);
    }
  }
  return shapes;
}

}  // namespace ocrflow::text
