// Layout step 9 (see stages/image/layout.h): the reading order of the blocks.
//
// Input: the blocks with roles (roles.h), columns and articles (articles.h)
// and the number of articles. Output: the blocks in reading order, their
// articles renumbered 0, 1, ... in that order:
//
//   running header | article: headline, sub-headlines, bylines, body,
//   captions | ... | blocks of no article, one by one among the articles |
//   running footer
//
// A sub-headline with body text of its article above it in its own column
// is a section heading, not a deck: it is read with the body, where it
// stands.
//
// Articles (the hull of their blocks) and stray blocks are ordered column-
// major (Before: above with overlapping span, or entirely to the left), as
// are the blocks of one role inside an article, and the header and footer.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout/blocks.h"

namespace ocrflow::image::layout {

// em: an overlap, or a reach past another box's edge, under this is a trace
// (a margin, a stray glyph), not a relation between two boxes.
constexpr double kOrderSlackEm = 0.3;

// Column-major "before": x overlaps y horizontally (by more than
// kOrderSlackEm) and lies above it, or lies entirely to its left.
bool Before(const cv::Rect& x, const cv::Rect& y, double em);

// Topological sort of `rects` by Before(), where (with `spans_part`)
// "entirely to its left" holds only when no other box lies between the two
// in height and across both (a table's row spanning two columns: the left
// column's text under it is not read before the right column's text above
// it); ties go to the topmost, then leftmost. A cycle (non-Manhattan layouts) is broken the same way. Returns
// indices into `rects`.
std::vector<int> OrderRects(const std::vector<cv::Rect>& rects, double em, bool spans_part = true);

// The blocks in reading order (see above). `articles`: blocks' articles are
// -1 or 0 .. articles-1.
std::vector<TextBlock> InReadingOrder(std::vector<TextBlock> blocks, int articles, double em);

}  // namespace ocrflow::image::layout
