// Layout step 7, after the captions (see stages/image/layout.h): figures, a
// photo (a chart, a diagram) with the labels set around it.
//
// Input: the page's text (blocks.h) with its roles (roles.h: the captions
// found) and its `Ink` (components.h: the photos, em). Output: the figures,
// each a photo and the label blocks attributed to it; those blocks are taken
// out of the page's text (a chart's "Gansu, 28.9 %" is not prose) and the
// figure's box, the photo with its labels, is listed in the JSON.
//
// A label is a small block, at most kLabelMaxLines lines none wider than
// kLabelMaxWidthEm nor in all taller than kLabelMaxHeightEm, that touches the
// photo's box or lies at most kLabelReachEm outside it, where no other text
// can claim it:
//   - beside the photo (left or right of it): between the photo and the
//     page's margin, with no other page text beyond it in its rows and none
//     between it and the photo (the text beside a figure is a column of its
//     own: its blocks are wide and many lines tall);
//   - above or below the photo: between the photo and its caption (a caption
//     of that photo lies farther out on that side), or reaching into the
//     photo's box. The caption itself, the outermost block there, stays a
//     caption, however short.
// Headlines are never labels. A photo that runs from one edge of the page
// to the opposite one (a scan's dark border) has none.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout/blocks.h"
#include "stages/image/layout/components.h"
#include "stages/image/layout/lines.h"

namespace ocrflow::image::layout {

// em: farthest a label lies outside its photo's box (a pie's labels sit
// beside their slices, an axis's ticks just under the axis; a paragraph
// beside a figure keeps a gutter's width or more).
constexpr double kLabelReachEm = 2.0;
// A label is a word or a name and a value: at most this many lines, each at
// most kLabelMaxWidthEm wide ("Agriculture 23 %" in small type), the whole
// at most kLabelMaxHeightEm tall.
constexpr size_t kLabelMaxLines = 3;
constexpr double kLabelMaxWidthEm = 8.0;
constexpr double kLabelMaxHeightEm = 4.0;

struct Figure {
  size_t photo = 0;               // index into Ink::photos
  cv::Rect box;                   // the photo and its labels
  std::vector<cv::Rect> labels;   // the label blocks' boxes
};

// Figures of the photos that have labels (see above), in the order of
// Ink::photos; their label blocks are erased from `blocks`.
std::vector<Figure> FindFigures(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink);

}  // namespace ocrflow::image::layout
