// Layout step 2 (see stages/image/layout.h): the scale of the page's text.
// Every length of the later steps is in units of `em`, measured here, so the
// stage works at any resolution.
//
// Input: the components (components.h), the page height and the dpi (0 =
// unknown). Output: `Scale`.
//
// The estimate bootstraps itself:
//   1. A first guess em0: the median height of components that can be glyphs
//      (at least kGuessMinHeightPx x kGuessMinWidthPx, under 1/kGuessMaxPageShare
//      of the page height), kFallbackGlyphPx with none, at least
//      kMinGlyphInches x dpi when the dpi is known.
//   2. The components are classified at em0 (components.h) and grouped into
//      strict lines (gap at most kStrictLineGap x height, no gutter map);
//      long thin pieces (kThinAspect) are left out so they join no lines.
//   3. em = the median height of the lines of kScaleLineMinComps or more
//      components, weighted by their component counts (em0 / kGlyphLineShare
//      without such lines); body_size likewise from their core sizes (em0).
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include "stages/image/layout.h"
#include "stages/image/layout/components.h"

namespace ocrflow::image::layout {

struct Scale {
  double em = 0;         // body text line height in pixels
  double body_size = 0;  // body glyph core height in pixels (x-height for Latin, glyph height for CJK)
};

// Glyph candidates for the first guess: at least this tall and wide (smaller
// is a dot or a speck) and under 1/kGuessMaxPageShare of the page height
// (taller is a picture, a frame or a rule).
constexpr int kGuessMinHeightPx = 3;
constexpr int kGuessMinWidthPx = 2;
constexpr int kGuessMaxPageShare = 8;
// pixels: first guess on a page without glyph candidates.
constexpr double kFallbackGlyphPx = 10;
// inches: the first guess is at least this (6 px at 300 dpi) when the dpi is
// known, so that a page of specks and broken strokes cannot make it tiny.
constexpr double kMinGlyphInches = 0.02;
// x height: widest gap inside a strict line. Tighter than line_gap, so that
// lines of two columns do not join before any gutter is known.
constexpr double kStrictLineGap = 0.8;
// length / thickness above which a text component is left out of the strict
// lines: a long thin piece (a broken rule, a dash) would join two lines.
constexpr int kThinAspect = 8;
// Components a strict line needs to vote: a word or two of a headline, a
// page number or a blot say little about the body text.
constexpr size_t kScaleLineMinComps = 4;
// Glyph height / line height: em from em0 when no line votes.
constexpr double kGlyphLineShare = 0.8;

Scale EstimateScale(const std::vector<Component>& comps, int page_height, double dpi, const LayoutOptions& o);

}  // namespace ocrflow::image::layout
