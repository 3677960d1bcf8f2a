// Layout step 6 (see stages/image/layout.h): text blocks, lines stacked top
// to bottom into column chunks, headlines, bylines and captions.
//
// Input: the text lines (lines.h), the page's `Ink` (components.h: em, the
// rules, photos and pictures that end a block) and its GutterMap (gutters.h).
// Output: `PageText`, the lines and the blocks that group them. The roles
// (roles.h), columns (columns.h), articles (articles.h) and reading order
// (reading_order.h) steps that follow set the blocks' role, column and
// article, split some blocks and merge others; the lines stay as they are.
//
//   1. BuildBlocks: each line, top to bottom, joins the open block above it
//      of its size class (a headline's line whose glyphs are the first
//      line's size joins it even when its box is less tall) and horizontal
//      extent (edges within block_edge_em), when the white between their
//      cores exceeds the page's usual leading by less than block_gap_em and
//      no rule, photo or other line lies between them, nor would the block
//      then run over a photo (a line beside a figure starts a block of its
//      own). A line below a block in its span closes it.
//   2. AbsorbFragments: pieces of a line that made blocks of their own (a
//      stroke of a glyph, a dot) join the block they lie in.
//   3. DropNoiseBlocks: a block of one small component is noise.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "stages/image/layout.h"
#include "stages/image/layout/components.h"
#include "stages/image/layout/gutters.h"
#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {

struct TextBlock {
  cv::Rect r;              // hull of its lines
  std::vector<int> lines;  // indices into PageText::lines, top to bottom
  bool large = false;      // headline text
  Role role = Role::kBody; // kHeadline or kBody from this step; roles.h sets the others
  int column = -1;         // articles.h
  int article = -1;        // articles.h; reading_order.h renumbers
  const char* reason = ""; // why roles.h gave it its role, where the role's name does not say (a static string)
};

// The page's text from step 6 on.
struct PageText {
  std::vector<TextLine> lines;  // as the blocks left them (see FindBlocks)
  std::vector<TextBlock> blocks;    // in the order they were built
};

// em: a box that starts up to this far above another's bottom still lies
// below it (touching ascenders and descenders, a trace of skew).
constexpr double kBelowSlackEm = 0.3;

// x line height: widest gap between the lines of a headline. Headline type is
// set solid or nearly: a wider gap parts a headline from the next.
constexpr double kHeadlineLeading = 1.0;

// Body text, not a running header or footer.
inline bool IsPageText(const TextBlock& b) { return b.role != Role::kRunningHeader && b.role != Role::kRunningFooter; }

// Steps 1 to 3 above. The lines change too: a line that joins a headline
// block becomes large, and a piece absorbed into a one-line block's row joins
// that line.
PageText FindBlocks(std::vector<TextLine> lines, const Ink& ink, const GutterMap& gutters, const LayoutOptions& o);

}  // namespace ocrflow::image::layout
