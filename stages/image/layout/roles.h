// Layout step 7 (see stages/image/layout.h): the roles of the blocks besides
// body and headline, which the block builder (blocks.h) sets.
//
// Input: the page's text (blocks.h: lines read, blocks changed), its `Ink`
// (components.h: em, rules, photos, page size), the columns (columns.h) for
// the bylines. Output: the blocks' roles; a byline or a caption that ran into
// the body below it is split off as a block of its own (appended).
//
//   MarkRunningHeaderFooter  everything beyond a wide rule in the top (bottom)
//                            header_band of the text, or else a lone line or
//                            two of ordinary size at its edge with white
//                            beyond; run before FindColumns.
//   FindSubheadlines         a line or two of mid-size text right under a
//                            headline.
//   FindBylines              the block right under a headline or sub-headline
//                            when it is a line or two, or a short first line
//                            (not a paragraph's indented one) of a body block
//                            there.
//   FindCaptions             a short block just under a photo; of a longer
//                            one, its first lines up to a wider gap. Not the
//                            column's text going on under a caption: a block
//                            of two lines or more under another caption
//                            block, with the edges of a body block above the
//                            photo.
//   FindPullQuotes           up to five lines of large text (or of text
//                            kPullQuoteSizeStep above the body's, or of
//                            body-size text in centred lines of unequal
//                            widths) between
//                            two rules about as wide as it (or wider, the
//                            quote centred on them: rules across a column),
//                            inside a column: body text of that column right
//                            above the upper rule (a paragraph's short last
//                            line under the rule counts) and right below the
//                            lower one (its centred last
//                            line, a block of one line right under it,
//                            joins it). Not a headline: it
//                            opens no article. Run before the sub-headlines
//                            and bylines (it is not large any more).
//   FindInsets               the blocks inside a frame (a hollow picture
//                            component: a box drawn around them) holding at
//                            most kInsetMaxLines lines: a fact box or a tip
//                            inside an article, read after its text. Its
//                            title opens no article. Run with the pull
//                            quotes. A frame whose 2-6 lines are each
//                            centred on it, none full, the largest of
//                            display size, is an ad: boilerplate (dropped
//                            with its reason), not an inset.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include "stages/image/layout.h"
#include "stages/image/layout/blocks.h"
#include "stages/image/layout/columns.h"
#include "stages/image/layout/components.h"
#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {

// Glyph core size / body glyph size of a sub-headline: larger than body text
// (kSizeStep would part it from the body), smaller than headline_ratio.
constexpr double kSubheadlineRatio = 1.15;
// em: farthest the block under a headline (its sub-headline or byline, or the
// body it ran into) starts below it.
constexpr double kUnderHeadlineEm = 2.5;

void MarkRunningHeaderFooter(std::vector<TextBlock>& blocks, const Ink& ink, const LayoutOptions& o);
void FindSubheadlines(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink);
void FindBylines(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Columns& columns,
                 const Ink& ink, const LayoutOptions& o);
void FindCaptions(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink,
                  const LayoutOptions& o);
void FindPullQuotes(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink);
void FindInsets(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink);

// The body block right under `h` (a headline or sub-headline), leftmost if
// several, as an index into `blocks`; -1 for none.
int BlockUnder(const std::vector<TextBlock>& blocks, const TextBlock& h, double em);

}  // namespace ocrflow::image::layout
