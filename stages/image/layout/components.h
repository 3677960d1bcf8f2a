// Layout step 1 (see stages/image/layout.h): the ink of the page as connected
// components, each classified as text, speck, rule or picture.
//
// Input: the text mask (CV_8UC1, 0 = ink) and the photo boxes. Output: the
// components outside the photos (FindComponents), then their kinds at a given
// text scale `em` (ClassifyComponents; scale.h finds em, rules.h adds the rules
// that morphology finds). The orchestrator (layout.cpp) gathers all of it in
// one `Ink`, which every later step reads and none changes.
//
// Pure; thread-safe.
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "stages/image/layout.h"

namespace ocrflow::image::layout {

enum class Kind { kText, kSpeck, kRule, kPicture };

struct Component {
  cv::Rect r;
  int area = 0;  // ink pixels
  Kind kind = Kind::kText;
};

// em: a text component whose longer side is under this is noise when it
// stands alone (no larger ink near it): a blot just over speck_em. Read by the
// gutter map (gutters.h) and by the line finder (lines.h), which drop such
// blots, so both agree on what noise is.
constexpr double kNoiseEm = 0.3;

// em: a component at least this wide and this tall is a picture (a photo left
// in the mask), a frame or a box around text: an obstacle, never text. Body
// glyphs are about 1 em; headline glyphs rarely reach 3.
constexpr double kPictureMinEm = 5;

// A picture whose ink covers at most this share of its box is hollow: a
// frame or a box drawn around text (its ink is its four sides), or line art.
// A photo left in the mask is dense.
constexpr double kHollowInkShare = 0.25;

// Rules, in the order they were found: first the components that are rules,
// then the runs found by morphology (rules.h).
struct Rules {
  std::vector<cv::Rect> horizontal;
  std::vector<cv::Rect> vertical;
};

// What steps 1 to 3 leave for the rest: the page's classified ink and its
// scale. Read-only from then on.
struct Ink {
  cv::Size page;                  // page size in pixels
  std::vector<cv::Rect> photos;   // the photo boxes given to the stage, in that order
  std::vector<Component> comps;   // ink outside the photos, with final kinds
  double em = 0;                  // body text line height in pixels (scale.h)
  double body_size = 0;           // body glyph core height in pixels (scale.h)
  Rules rules;                    // rules.h
  std::vector<cv::Rect> pictures; // components of kind kPicture, before rules took their pieces; not the frames
  // Frames (FindFrames, rules.h): boxes drawn around text. A frame stands
  // between the text inside it and the text around it by its four sides
  // only (FrameSides); inside, its text makes lines, columns and blocks.
  std::vector<cv::Rect> frames;
  // Ruled tables (FindGrids, rules.h): their text is a table's, not prose.
  // Their sides part it from the text around them, as a frame's do.
  std::vector<cv::Rect> grids;

  // Whether a horizontal rule, a photo, a picture or a frame's or grid's side lies
  // between y0 and y1 over the x-range [x0, x1): text never joins across one.
  bool ObstacleBetween(int x0, int x1, int y0, int y1) const;

  // Whether the hull of `a` and `b` runs over a photo that neither of them
  // does by itself: overlaps it by more than `slack` pixels both across and
  // down. Text beside a figure is a column of its own, never one block or
  // line with what lies above, below or across it (a chart's labels touch
  // its frame: `slack`).
  bool JoinCrossesPhoto(const cv::Rect& a, const cv::Rect& b, int slack) const;
};

// Connected components (8-connected) of the ink, except those whose centre
// lies in a photo; kind kText for now.
std::vector<Component> FindComponents(const cv::Mat& mask, const std::vector<cv::Rect>& photos);

// Sets every component's kind from its size alone, in units of `em`:
//   speck    longer side < speck_em
//   rule     longer side >= rule_min_em and >= rule_aspect x the shorter
//   picture  both sides >= kPictureMinEm
//   text     the rest.
void ClassifyComponents(std::vector<Component>& comps, double em, const LayoutOptions& o);

// The boxes of the components of kind kPicture, in order.
std::vector<cv::Rect> Pictures(const std::vector<Component>& comps);

// The four sides of a frame's box, each `thick` pixels thick, inside the
// box: top, bottom, left, right.
std::array<cv::Rect, 4> FrameSides(const cv::Rect& frame, int thick);

}  // namespace ocrflow::image::layout
