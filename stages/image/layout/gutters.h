// Layout step 4 (see stages/image/layout.h): gutters, the white between
// columns, told apart from rivers, the white of word gaps that lines up by
// chance in a justified column.
//
// Input: the classified components, obstacles (photos and pictures) and the
// vertical rules of the page (components.h, rules.h), its scale `em`, and
// gutter_em / gutter_height_em from the options. Output: a GutterMap, a grid
// of em/kCellsPerEm cells that are gutter, queried by the line finder
// (lines.h) and the block builder (blocks.h), and boxed for the result.
//
// How the map is built (cell grid, all lengths in em):
//   1. Text is grown kLeadingFillEm up and down, so a column is a solid slab;
//      lone noise blots are left out. Rules along rows and obstacles are ink.
//   2. Narrow white: a row's run of white between gutter_em and kMaxGutterEm
//      wide; beside wider (open) white, a gutter's width along the text's
//      edge. A run of narrow white gutter_height_em tall is a gutter; it goes
//      on through a short break over open space (kGutterBridgeEm).
//   3. Rivers are dropped (DropRivers in gutters.cpp): white shorter than
//      kSureGutterEm needs a straight column edge beside it and a column's
//      width of text on each side.
//   4. With slim_gutter_em, slim white (under gutter_em) that runs
//      kSureGutterEm tall with straight edges on both sides is added.
//   5. Short interruptions (a speck in a gutter) are closed; vertical rules
//      are added as gutters.
//
// Immutable once built; thread-safe to query.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout.h"
#include "stages/image/layout/components.h"

namespace ocrflow::image::layout {

// Gutter cells per em. Fine enough that a gutter of gutter_em is several
// cells wide, coarse enough that the grid stays small.
constexpr int kCellsPerEm = 8;

// em: a gutter this far above or below a gap still parts body text there (a
// gutter stops a line short of a row beside a photo or under a column's last
// line). Used by the line finder when it queries the map.
constexpr double kGutterReachEm = 1.0;

// em: how far a vertical rule runs on above or below two glyphs to part
// them (GutterMap::RuleBetween).
constexpr double kRuleBeyondEm = 1.0;

// Gutter map: cells of whitespace that is both tall and wide (see above).
// Queried through an integral image: does a rectangle touch a gutter?
class GutterMap {
 public:
  GutterMap(const std::vector<Component>& comps, const std::vector<cv::Rect>& obstacles,
            const std::vector<cv::Rect>& vertical_rules, cv::Size page, double em, const LayoutOptions& o);

  // True if any gutter cell lies strictly inside the pixel rectangle.
  bool Touches(const cv::Rect& r) const { return Touches(r, integral_); }

  // Whether the horizontal gap between a (left) and b (right) crosses a
  // gutter, looked for up to `reach` pixels above and below the gap too:
  // there only gutters between text count, not the page's margins. The white
  // after the short lines of a ragged column runs on into the margin; found
  // above or below, it parted a longer line's last word from the rest.
  // Found above or below, it counts only under at least half the gap's
  // width (a letter gap that touches a gutter's edge is no gutter).
  bool Between(const cv::Rect& a, const cv::Rect& b, int reach = 0) const;

  // Whether a vertical rule (or a frame's side) stands in the horizontal gap
  // between a (left) and b (right), beside both and running on kRuleBeyondEm
  // above or below them: nothing joins across it, not even headline type (a
  // column rule parts two articles' headlines set on one row).
  bool RuleBetween(const cv::Rect& a, const cv::Rect& b) const;

  const cv::Mat& cells() const { return gutter_; }  // CV_8U, 1 = gutter
  // Boxes (pixels) of the 8-connected regions of gutter cells.
  std::vector<Box> Boxes() const;
  int cell() const { return cell_; }  // cell side in pixels

 private:
  // full_px 0: the gutter map (white kSureGutterEm tall kept unexamined).
  // full_px > 0: the slim map (white under gutter_em, full_px being about
  // that): every region must have straight edges on both sides.
  void DropRivers(cv::Mat& gut, const std::vector<Component>& comps, double em, double full_px) const;
  bool Touches(const cv::Rect& r, const cv::Mat& integral) const;

  int cell_ = 1, gw_ = 0, gh_ = 0;
  cv::Mat gutter_, integral_, inner_integral_;  // inner: without the margins
  std::vector<cv::Rect> rules_;                 // the vertical rules and frame sides given
  double em_ = 0;
};

// The page's gutter map: obstacles are the photos and the pictures.
GutterMap FindGutters(const Ink& ink, const LayoutOptions& o);

// The cells of `cells` (CV_8U, nonzero = set) that lie in a vertical run
// of set cells at least `min_run` tall, as 0/1.
cv::Mat TallRuns(const cv::Mat& cells, int min_run);

}  // namespace ocrflow::image::layout
