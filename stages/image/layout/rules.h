// Layout step 3 (see stages/image/layout.h): rules, the printed lines that
// separate articles and columns. They are never text, they end blocks, and a
// vertical rule is a gutter.
//
// Input: the text mask, the photo boxes, the scale `em` (scale.h) and the
// components classified at that scale (components.h). Output: `Rules`, and
// the components that are pieces of a rule get kind kRule.
//
//   1. SplitUnderlinedText: an underlined line of text is one component with
//      its underline, long and flat like a rule; the underline band is cut
//      off and the glyphs above it become text components again.
//   2. FindRules: the components that are rules, then long thin runs of ink
//      that morphology finds (a rule printed thin comes out of a noisy scan
//      in pieces, and the pieces pass for text).
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout/components.h"

namespace ocrflow::image::layout {

// em: thickest rule. A rule is a hairline to a couple of points; a stroke of
// body text is thinner than a quarter em too, but never as long.
constexpr double kRuleThickEm = 0.25;

// Splits every component of kind kRule that is an underline run into text
// (too thick for a rule, its ink mostly on one side of a thin band that spans
// it) into the band (the rule, changed in place) and the glyphs (appended, as
// kind kText: classify them again). Returns whether any component was added.
bool SplitUnderlinedText(const cv::Mat& mask, double em, std::vector<Component>& comps);

// The rules of the page: every component of kind kRule, then the runs found
// by morphology (closing by up to a quarter em along the rule, opening with a
// kernel kRuleRunEm long) that no component rule already covers. Components
// inside a found run become kind kRule. Photos are blanked first.
Rules FindRules(const cv::Mat& mask, const std::vector<cv::Rect>& photos, double em, std::vector<Component>& comps);

// em: farthest a rule along a frame's side lies from that side.
constexpr double kFrameSideReachEm = 0.5;
// Share of a frame's side that the rules along it cover at least.
constexpr double kFrameSideCover = 0.8;

// A rule inside a box at least this share of its side long is a table's
// grid: the box is a table's border, not a frame.
constexpr double kFrameGridRuleShare = 0.5;

// Moves the frames from ink.pictures to ink.frames. A frame is a picture
// (kind kPicture) that is hollow (kHollowInkShare) and has rules along two
// opposite sides, left and right or top and bottom, and no rule across its
// inside (kFrameGridRuleShare): a box drawn around a section or an inset.
// Line art is hollow too, but a chart's axes are two adjacent sides; a photo
// left in the mask is dense; a ruled table's cells stay apart. As a solid
// obstacle a frame would leave its text no gutter and no block of more than
// one line.
void FindFrames(Ink& ink);

// Ruled tables (grids). A table drawn with rules has column rules that all
// run from its top rule to its bottom one, and row rules across its width;
// a scan tilted and deskewed breaks those rules into pieces (a hairline
// turned by a degree comes out as steps a pixel apart), and the pieces of a
// clean grid are one picture. Either way the rules are listed (FindRules),
// so the grid is found from them:
//   - at least kGridMinColumnRules vertical rules (a rule closer than
//     kGridColumnRuleGapEm to another is the same column's: a table's
//     right-aligned digits stacked over its rows pass for a rule) whose tops
//     and bottoms lie within kGridAlignEm of each other, at least
//     kGridMinHeightEm tall;
//   - horizontal rules (pieces summed) covering kGridRowCover of that width
//     at its top and bottom and at least once between them;
//   - rows (the white between two row rules) no taller than kGridRowMaxEm,
//     kGridShortRowShare of them at least: a box drawn around two columns of
//     text with a rule under its title has three column rules and three row
//     rules too, but its body is one tall row.
// A table with column rules only, or row rules only, is left to the rows of
// small blocks (stages/image/tables.h).
constexpr int kGridMinColumnRules = 3;     // the two sides and a rule between two columns
constexpr double kGridColumnRuleGapEm = 1.0;
constexpr double kGridAlignEm = 0.5;
constexpr double kGridMinHeightEm = 2.0;   // a header row and one row of cells
constexpr double kGridRowCover = 0.8;
constexpr double kGridRowMaxEm = 3.0;      // a cell's two lines and their leading
constexpr double kGridShortRowShare = 2.0 / 3;

// Moves the grids (above) to ink.grids: their boxes, widened to the row
// rules' ends (a table open at its sides). The pictures inside a grid (the
// grid itself, when it is one component, or its pieces) are no obstacles
// any more: the grid's own sides part its text from the page's.
void FindGrids(Ink& ink);

// Share of the rows of the vertical strip `r` that have ink (`ink`: CV_8U,
// nonzero = ink) within `reach` pixels on both its left and its right.
double InkBesideShare(const cv::Mat& ink, const cv::Rect& r, double reach);

}  // namespace ocrflow::image::layout
