// Layout step 8 (see stages/image/layout.h): articles and columns of the
// blocks.
//
// Input: the page's text (blocks.h) with its roles (roles.h), the columns
// (columns.h) and the `Ink` (components.h: em, vertical rules, photos).
// Output: every block's `article` (numbered from the top headline down; the
// reading order renumbers them) and `column`; body chunks of one article in
// one column with nothing between them are merged into one block (not when
// it would then run over a photo).
//
//   - Headlines, top to bottom, each open an article, unless one stands
//     right above (a two-deck headline split by size: same article).
//   - Every other block of the page's text, and every photo, belongs to
//     the nearest headline above it (the band model: an article runs down
//     from its headline to the next), a headline over it first (one beside
//     it counts beside_headline_em farther); none beyond a vertical rule.
//   - With LayoutOptions::flow_articles (the default, see there): of the
//     nearest headline over it (overlapping it horizontally, and not
//     across a rule under that headline's text that runs beyond the
//     block's column: the rule ends that article), a headline beside it
//     that it starts level with (the next column of an article whose
//     headline is narrower than the article; narrower still when nothing
//     else claims the block) and the blocks and
//     photos right above it (an article flows down its column past photos,
//     framed pull quotes and headlines in other columns: a sidebar beside a
//     report, a textbook's second column), the nearest decides; of the
//     blocks right above, those ending level with the lowest decide, and
//     blocks of two articles ending level (two columns over a footer line)
//     leave it to neither.
//   - A caption belongs to its photo's article.
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

// The nearest headline over `r` (overlapping it horizontally, above it, no
// vertical rule between, and no horizontal rule across `r`, wider than a
// column (`column_width`, Columns::width), closing the columns of that
// headline's text above `r`), or -1.
int HeadlineOver(const std::vector<const TextBlock*>& heads, const std::vector<TextBlock>& blocks, const cv::Rect& r,
                 const Ink& ink, double column_width);

// Per headline (index into `heads`), where its columns start: the top of
// the lowest body block under it (HeadlineOver) that starts within
// kColumnsStartEm of the highest one (a byline run into one column's block
// starts that one higher; a column under a photo starts far lower); -1 for
// none.
std::vector<int> BodyTops(const std::vector<const TextBlock*>& heads, const std::vector<TextBlock>& blocks,
                          const Ink& ink, double column_width);

// The nearest headline beside `r` (no horizontal overlap), at least
// `width_share` of r's width, that r starts level with: at most
// `reach_em` below the headline's bottom or its body's top (`body_tops`,
// from BodyTops), whichever is lower (an article's columns start together),
// with no other page text in the white between them (the headline's own
// deck or byline aside) and no vertical rule
// between them at that level (a table's cell rules further down do not
// part them); or -1.
int HeadlineBeside(const std::vector<const TextBlock*>& heads, const std::vector<int>& body_tops,
                   const std::vector<TextBlock>& blocks, const cv::Rect& r, const Ink& ink, double reach_em,
                   double width_share);

// Sets article and column of every block and merges column chunks (see
// above). Returns the number of articles: articles are 0 .. n-1, -1 = none.
int AssignArticles(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Columns& columns,
                   const Ink& ink, const LayoutOptions& o);

// The article of a block at `r`: the index into `heads` (headline blocks)
// of the nearest headline above it, or -1. A headline beside the block
// (no horizontal overlap) counts `beside_em` em farther than it is.
int ArticleAbove(const std::vector<const TextBlock*>& heads, const cv::Rect& r, const Ink& ink, double beside_em);

}  // namespace ocrflow::image::layout
