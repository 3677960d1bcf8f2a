#include "stages/image/layout/scale.h"

#include <algorithm>
#include <utility>

#include "stages/image/layout/geometry.h"
#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {

Scale EstimateScale(const std::vector<Component>& comps, int page_height, double dpi, const LayoutOptions& o) {
  // First guess from component heights, then the median of strict lines.
  std::vector<double> hs;
  for (const Component& c : comps)
    if (c.r.height >= kGuessMinHeightPx && c.r.width >= kGuessMinWidthPx && c.r.height < page_height / kGuessMaxPageShare)
      hs.push_back(c.r.height);
  double em0 = hs.empty() ? kFallbackGlyphPx : Percentile(hs, 0.5);
  if (dpi > 0) em0 = std::max(em0, dpi * kMinGlyphInches);
  std::vector<Component> strict = comps;
  ClassifyComponents(strict, em0, o);
  // Long thin pieces would join neighbouring lines: leave them out here.
  for (Component& c : strict)
    if (c.kind == Kind::kText && std::max(c.r.width, c.r.height) > kThinAspect * std::min(c.r.width, c.r.height))
      c.kind = Kind::kRule;
  std::vector<TextLine> lines = BuildLines(strict, kStrictLineGap, nullptr, 0, 0, 0);
  std::vector<std::pair<double, double>> line_h, glyph_h;
  for (const TextLine& l : lines) {
    if (l.comps.size() < kScaleLineMinComps) continue;
    line_h.push_back({static_cast<double>(l.r.height), static_cast<double>(l.comps.size())});
    glyph_h.push_back({l.size, static_cast<double>(l.comps.size())});
  }
  Scale s;
  s.em = line_h.empty() ? em0 / kGlyphLineShare : WeightedMedian(line_h);
  s.body_size = glyph_h.empty() ? em0 : WeightedMedian(glyph_h);
  return s;
}

}  // namespace ocrflow::image::layout
