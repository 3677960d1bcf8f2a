// Layout step 7 (see stages/image/layout.h), beside roles.h: the page's body
// columns, from the horizontal extents of its body blocks.
//
// Input: the blocks (blocks.h) after the running header and footer are
// marked (roles.h). Output: `Columns`, read by the byline finder (roles.h)
// and by the article step, which gives every block its column (articles.h).
//
// Body blocks of at least kColumnMinLines lines, longest first, are clustered
// by horizontal extent (kColumnOverlapShare); of overlapping clusters the one
// holding more lines is a column. Columns do not overlap.
//
// Pure; thread-safe.
#pragma once

#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout/blocks.h"

namespace ocrflow::image::layout {

struct Columns {
  std::vector<std::pair<int, int>> ranges;  // [x0, x1) in pixels, left to right
  double width = 0;  // median width of the body blocks found (weighted by lines), 0 = none
};

// Lines a body block needs to shape the columns (a byline, a caption or a
// stray line can stand anywhere).
constexpr size_t kColumnMinLines = 3;
// Share of the wider of a block's and a cluster's extents that they overlap
// for the block to join the cluster.
constexpr double kColumnOverlapShare = 0.7;

Columns FindColumns(const std::vector<TextBlock>& blocks);

// A body line run across the gutter between two columns: where a photo
// spans both columns the gutter stops at it, and under the photo's caption
// the two columns' first lines stand level with a word gap's white between
// them (too little of it, too short, for a gutter), so the row merge
// (lines.h) joined them. A body block (not large) starting at most
// kSplitUnderPhotoEm under such a photo (one across the gutter) and
// reaching kSplitReachEm or more into both columns is split at their gutter when
// each of its lines either lies on one side or has a gap of at least
// kSplitGapEm there, covering the gutter (give or take kSplitSlackEm at each
// side), and one line at least has text on both sides. Text set across two
// columns has its word gaps anywhere; one of the width of a gutter, right
// where the gutter is, in every line, is the gutter.
constexpr double kSplitReachEm = 2.0;
constexpr double kSplitUnderPhotoEm = 6.0;  // a caption of two or three lines and its white
constexpr double kSplitGapEm = 0.8;
constexpr double kSplitSlackEm = 0.5;

// Splits such blocks (above) in `text`: the lines are cut in two (the right
// parts appended to text.lines), the block too (the right part appended).
void SplitAcrossColumns(PageText& text, const Columns& columns, const Ink& ink);

// The column of a block at `r`, or -1: its centre lies within the column
// (give or take an em) and it is at most kColumnSpanShare x the column's width
// (plus an em) wide, so a block spanning columns has none.
constexpr double kColumnSpanShare = 1.3;
int ColumnOf(const Columns& columns, const cv::Rect& r, double em);

}  // namespace ocrflow::image::layout
