// Layout step 8 (see stages/image/layout.h): articles and columns of the
// blocks.
//
// Input: the page's text (blocks.h) with its roles (roles.h), the columns
// (columns.h) and the `Ink` (components.h: em, vertical rules, photos).
// Output: every block's `article` (numbered from the top headline down; the
// reading order renumbers them) and `column`; body chunks of one article in
// one column with nothing between them are merged into one block.
//
//   - Headlines, top to bottom, each open an article, unless one stands
//     right above (a two-deck headline split by size: same article).
//   - Every other block of the page's text belongs to the nearest headline
//     above it (the band model: an article runs down from its headline to
//     the next), a headline over it first; none beyond a vertical rule.
//   - A photo belongs to the article above it, and its caption with it.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout.h"
#include "stages/image/layout/blocks.h"
#include "stages/image/layout/columns.h"
#include "stages/image/layout/components.h"

namespace ocrflow::image::layout {

// Sets article and column of every block and merges column chunks (see
// above). Returns the number of articles: articles are 0 .. n-1, -1 = none.
int AssignArticles(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Columns& columns,
                   const Ink& ink, const LayoutOptions& o);

// The article of a block at `r`: the index into `heads` (headline blocks)
// of the nearest headline above it, or -1.
int ArticleAbove(const std::vector<const TextBlock*>& heads, const cv::Rect& r, const Ink& ink);

}  // namespace ocrflow::image::layout
