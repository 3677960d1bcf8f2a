// Layout step 5 (see stages/image/layout.h): text lines, and which of them
// are large (headline) text.
//
// Input: the page's `Ink` (components.h) and its GutterMap (gutters.h).
// Output: `TextLine`s, each a list of text components with its box, its core
// and its size, `large` set for headline text. The block builder (blocks.h)
// groups them; from then on they are read only.
//
//   1. BuildLines: components that overlap vertically and are closer than
//      line_gap x height, never across a gutter unless the text is large; a
//      glyph run into the line below (a bridge) is left out.
//   2. Lines of a blot or two of noise are dropped.
//   3. MergeRowFragments: pieces of one row that step 1 left apart (a wide
//      word gap of a justified line) are joined when no gutter, rule or
//      photo lies between them.
//   4. Large text: core size >= headline_ratio x the body glyph size, and
//      the whole line at least headline_height_em tall.
//   5. MarkHeadlineRows: a line at least kSizeStep x the body size, as tall
//      as step 4 asks, standing level with a large line beside it (tops
//      within kHeadlineRowEm, kHeadlineRowSizeShare of its size) is large
//      too: the headlines of articles set side by side start on one
//      line, and a face whose glyphs fill less of their em (Kai: a head
//      set 1.5x the body's em measures 1.27x the body's Song glyphs) is
//      not measured small for it.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout.h"
#include "stages/image/layout/components.h"
#include "stages/image/layout/gutters.h"

namespace ocrflow::image::layout {

struct TextLine {
  cv::Rect r;              // hull of its components
  std::vector<int> comps;  // indices into Ink::comps
  double size = 0;  // text size: height of the core (below), or of the tallest pieces of a short line
  // The line's core: median top and bottom of its components (x-height band
  // and baseline for Latin, the character box for CJK). Gaps between cores
  // do not depend on which ascenders and descenders a line happens to have.
  int core_top = 0, core_bottom = 0;
  bool large = false;  // headline text
};

// Glyph height ratio of two lines that are not one block (a caption in a
// smaller face, a sub-headline under body text); also the size class of two
// pieces of one row. Body text varies by less, a size change by more.
constexpr double kSizeStep = 1.2;

// Components in a line, at least: a lone glyph is never headline text (a
// drop cap, an initial, a blot).
constexpr size_t kHeadlineMinComps = 2;

// em: how far apart the tops of two headlines in one row may be; and the
// smaller one's size, at least, as a share of the large one's (its core: a
// line without descenders is shorter as a whole).
constexpr double kHeadlineRowEm = 0.5;
constexpr double kHeadlineRowSizeShare = 0.75;

// Groups the text components of `comps` into lines: neighbours that overlap
// vertically by half the smaller height and are at most gap_factor x the
// taller height (at least min_h) apart. With a gutter map, a gap that crosses
// a gutter joins only components at least large_h tall (a headline's word
// gap) and only if it is at most large_gap x their height; a gap with a
// vertical rule in it (GutterMap::RuleBetween) joins nothing. A bridge between
// two lines (a glyph run into the line below) belongs to neither line's
// geometry: it is left out of the lines. `large` is not set.
std::vector<TextLine> BuildLines(const std::vector<Component>& comps, double gap_factor, const GutterMap* gutters,
                                 double min_h, double large_h, double large_gap);

// Box, core and size of `l` from its components (after components were added).
void RecomputeLine(const std::vector<Component>& comps, TextLine& l);

// Step 5 above, on lines whose `large` steps 1 to 4 set.
void MarkHeadlineRows(std::vector<TextLine>& lines, const Ink& ink, const LayoutOptions& o);

// Steps 1 to 5 above: the page's text lines, `large` set.
std::vector<TextLine> FindLines(const Ink& ink, const GutterMap& gutters, const LayoutOptions& o);

}  // namespace ocrflow::image::layout
