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

// em: a story over two columns or more that starts at least this far above
// an article beside it is read first, though it stands to the right (a
// front page's second-tier story under the lead, beside a story lower
// down on the left). A one-column stack beside the page's articles (a side
// column, a rail) stays column-major: read after what lies left of it.
constexpr double kLeadingArticleEm = 3.0;
// A column counts as one of a story's when a body block of the story fills
// at least this share of the page's column width there (not a sliver, such
// as a headline set vertically beside the text).
constexpr double kFullColumnShare = 0.75;

// Order of articles and stray blocks (their hulls, and the number of body
// columns each stands in): column-major as Before(), except that a story
// over two columns or more comes before an item beside it that starts
// kLeadingArticleEm lower, unless that item starts inside the span of
// another item over its columns (a sidebar in a story, or a story split by
// a line taken for a headline: read column-major with what surrounds it). Hulls overlap one another on a real page, so a
// hull spanning two others says nothing about their order (no
// `spans_part`).
std::vector<int> OrderArticles(const std::vector<cv::Rect>& rects, const std::vector<int>& columns, double em);

// The blocks in reading order (see above). `articles`: blocks' articles are
// -1 or 0 .. articles-1; `column_width`: the page's (Columns::width).
std::vector<TextBlock> InReadingOrder(std::vector<TextBlock> blocks, int articles, double em, double column_width);

}  // namespace ocrflow::image::layout
