// deskew: finds the skew angle of the text on a page and rotates it away.
//
// Functions
//   FindSkew(ink_mask, options)      angle + confidence of a binary text mask
//   FindSkewGray(gray, options)      the same on a gray page (Otsu first)
//   RotatePage(image, degrees, ...)  rotation with white fill
//   DeskewPage(page, options, ctx)   the stage: measure, decide, rotate
//   DeskewStageInfo()                registration record ("deskew", image -> image)
//
// Sign convention
//   skew_degrees > 0: the text was rotated counter-clockwise on the scan, so
//   its lines rise to the right -- the same sense as cv::getRotationMatrix2D
//   with a positive angle (y axis pointing down). Deskewing rotates the page
//   by -skew_degrees.
//
// Algorithm (projection profiles, after Postl 1986 and Bloomberg et al.,
// "Measuring document image skew and orientation", SPIE 2422, 1995, as in
// Leptonica's skew.c, but on text components only and with sub-pixel fit)
//   1. Connected components of the ink mask; keep the text-sized ones:
//      drop specks (area < kMinComponentArea) and anything taller than
//      kMaxHeightFactor x the median component height (photos, borders,
//      vertical rules). Too few components: declined as blank.
//   2. Area-downscale the kept ink to a float density image of width about
//      coarse_width, shear it by tan(angle) column by column (a column moves
//      as a whole, so a straight text line at that angle becomes one row),
//      and score the row profile with the sum of squared differences of
//      neighbouring rows. Sweep -max_angle..+max_angle in steps of about
//      one pixel of shear across the width.
//   3. For each of the (up to 3) highest coarse peaks, repeat at width fine_width (finer detail) within +-1.5 coarse steps
//      of the best coarse angle, in steps of fine_step: columns are sheared
//      by the coarse angle once and summed into 16-column strips kept at
//      quarter-row resolution, so each further angle only shifts strips.
//      Smooth the score curve and fit a parabola through its peak; the
//      candidate with the highest fine score wins (a coarse sweep at 400 px
//      picked a wrong bump 0.5-0.7 degree off on some pages).
//   4. Final pass: the kept components at full resolution (or final_width),
//      scored the same way (strips, fine_step) over +-final_range around the
//      refined angle, parabola through the best 7 angles. On deskew_bench
//      (40 pagegen pages) max error 0.177 -> 0.067 degree, median 0.0024 ->
//      0.0010, at about twice the time (the refinement at 1200 px is flat
//      on noisy pages and its window can stop short of the peak).
//   5. Confidence = 1 - median(score) / max(score) over the coarse sweep:
//      0 when the profile does not care about the angle (noise, blank,
//      pictures), towards 1 for a sharp peak (lines of text). Below
//      min_confidence the page is left as it was (declined, not failed).
//
// Thread safety: all functions are pure; the stage may run on several pages
// at once.
#pragma once

#include <string>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"

namespace ocrflow::image {

// Speck size below which a component does not take part (pixels at the
// input resolution).
inline constexpr int kMinComponentArea = 4;
// Components taller than this times the median height are not text.
inline constexpr double kMaxHeightFactor = 5.0;
// Fewer kept components than this: the page counts as blank.
inline constexpr int kMinTextComponents = 20;

struct DeskewOptions {
  double max_angle = 10.0;       // degrees searched either side of 0
  double min_confidence = 0.5;   // 0..1; below: decline (text pages measure 0.9-0.99, noise 0.0-0.3)
  double min_angle = 0.1;        // degrees; a smaller skew is recorded but not rotated away (resampling
                                 // blurs glyphs more than 0.1 deg of skew hurts OCR: 旧 read as 上日 after a 0.025 deg turn)
  int coarse_width = 600;        // pixels: width of the image for the sweep
  int fine_width = 1200;         // pixels: width of the image for the refinement
  double fine_step = 0.02;       // degrees between refinement angles (and final-pass angles)
  double final_range = 0.3;      // degrees either side of the refined angle for the final pass (0: no final pass)
  int final_width = 0;           // pixels: width of the image for the final pass (0: full resolution)
  bool expand = true;            // grow the canvas so that no corner is cut off
};

struct SkewEstimate {
  bool found = false;       // false: nothing to measure (blank); degrees = 0
  double degrees = 0;       // see the sign convention above
  double confidence = 0;    // 0..1
  int components = 0;       // text components that took part
  std::string note;         // why not found, or empty
};

// `ink_mask`: 8-bit, 0 = ink, anything else = paper (Page::text_mask).
SkewEstimate FindSkew(const cv::Mat& ink_mask, const DeskewOptions& options = {});

// `gray`: 8-bit gray page, dark text on light paper; thresholded with Otsu.
SkewEstimate FindSkewGray(const cv::Mat& gray, const DeskewOptions& options = {});

// Rotates by -degrees_to_undo about the centre (so that text with skew
// `degrees_to_undo` comes out level). `interpolation` is a cv::InterpolationFlags
// value; the fill is `fill` (255 = paper). With `expand`, the result is large
// enough to hold the whole rotated page.
cv::Mat RotatePage(const cv::Mat& image, double degrees_to_undo, int interpolation, bool expand,
                   int fill = 255);
// The same into `*out`; when it already has the result's size and type it
// is written in place (a page's own buffer, no copy).
void RotatePageInto(const cv::Mat& image, cv::Mat* out, double degrees_to_undo, int interpolation, bool expand,
                    int fill = 255);

// The stage: measures the skew on page.text_mask (or page.image when there is
// no mask yet), and unless declined rotates page.image (bicubic) and
// page.text_mask (bilinear, re-thresholded). Fills info.skew_degrees,
// skew_confidence, deskewed, skew_note. Declines on a blank page, on low
// confidence, and on an angle at the edge of the search range.
Status DeskewPage(Page& page, const DeskewOptions& options, const RunContext& ctx);

StageInfo DeskewStageInfo();

}  // namespace ocrflow::image
