// binarize: from a gray scan to an even gray page and a clean text mask.
//
// Functions
//   NormalizeIllumination(gray, dpi)  divides by a smooth paper-brightness
//                                     estimate: paper comes out at 255
//   Sauvola(gray, window, k, R)       local threshold (sliding window sums)
//   Binarize(gray, options, dpi)      the whole stage as a pure function
//   BinarizePage(page, options, ctx)  the stage adapter
//   BinarizeStageInfo()               registration record ("binarize", image -> image)
//
// Steps of Binarize
//   0. Dark grounds (light text printed on a dark or tinted band, a whole
//      page of it in some book designs): the page is split at its Otsu
//      level; a dark component at least inverse_min_inches on each side
//      whose light holes of glyph size (up to inverse_max_glyph_inches)
//      number at least inverse_min_glyphs, and that is at least
//      inverse_ground_fraction of its box and of itself with those holes,
//      and is flat (interquartile range of its gray at most
//      inverse_max_spread: a dark photo spreads over many levels), is inverted together with the holes. Without this the ground is one
//      huge ink component: a border or a photo, and its text is gone.
//   1. Illumination. The page is reduced to about 50 dpi; a max filter of
//      background_inches removes the text and leaves the paper brightness;
//      a robust 2-D cubic polynomial is fitted to it (darker outliers --
//      photos, scanner borders -- are left out of the fit by iterating) and
//      the local estimate is kept wherever it is near the fit. The page is
//      divided by this background, so shading and yellowed paper go away
//      while photos and borders stay dark.
//   2. Sauvola & Pietikainen, "Adaptive document image binarization",
//      Pattern Recognition 33 (2000) 225-236:
//        T(x,y) = m(x,y) * (1 + k * (s(x,y) / R - 1))
//      with the mean m and standard deviation s of a window_inches window
//      (about 2-3 body text heights), computed from running integer sums
//      of the gray values and their squares (per column down the page,
//      then along each row), so the cost does not depend on the window
//      size.
//   2b. Faint text. Small type rendered at a low resolution and upscaled,
//      or a pale blurred scan, has strokes that never get dark: Sauvola's
//      threshold sits below them wherever the window's contrast is low,
//      and glyphs break into specks (a real 81-dpi e-paper page kept 45 %
//      of its ink at k = 0.3, against 82-89 % on PDF renders and our
//      generated scans). When k keeps less than faint_ink_share of the ink
//      that faint_k finds, the mask is made with faint_k; the page says so.
//   3. Scanner borders: ink components that touch the image edge, span
//      at least border_fraction of that side and are on average at least
//      border_min_inches thick (rules are thinner) are removed from the mask and
//      painted white (slightly dilated) in the gray page.
//   4. Photos: areas at about 75 dpi where most pixels are mid-tones
//      (neither paper nor ink), or the ink is solid, or most pixels of the
//      page as it came in are near black (a dark photo: the lighting fit of
//      step 1 takes its ground for paper and the mask loses it), cleaned by opening and
//      closing, at least photo_min_inches on each side, whose ink is not
//      mostly glyphs (photo_text_share: text on stained paper). The ink inside each
//      area (not its whole box: on a skewed page that overlaps text) is
//      taken out of the mask; the boxes are reported (full-resolution
//      pixels; deskew rotates them along with the page).
//   5. Specks: components smaller than speckle_area (pixels at 300 dpi,
//      scaled by (dpi/300)^2) are removed from the mask.
//
// The gray page the stage keeps is the illumination-normalised one (with
// borders painted white): Tesseract may get it or the mask later.
//
// Thread safety: pure functions; the stage may run on several pages at once.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"

namespace ocrflow::image {

// Resolution assumed when the page does not say.
inline constexpr double kDefaultDpi = 300;
// Resolution of the illumination estimate and of the photo search.
inline constexpr double kBackgroundDpi = 50;
inline constexpr double kPhotoDpi = 75;

struct BinarizeOptions {
  bool normalize_light = true;       // divide by the estimated paper brightness
  double background_inches = 0.25;   // max-filter size for the paper estimate (> a body glyph)
  double window_inches = 0.35;       // Sauvola window side
  double k = 0.3;                    // Sauvola k (0.2-0.5; higher = thinner strokes)
  double dynamic_range = 128;        // Sauvola R: standard deviation range of gray values
  double faint_k = 0.1;              // Sauvola k for faint text (0 = never switch; step 2b)
  double faint_ink_share = 0.7;      // faint: k keeps less than this share of the ink faint_k finds
  int speckle_area = 5;              // pixels at 300 dpi: smaller components are removed
  bool remove_borders = true;        // remove dark scanner borders
  double border_fraction = 0.2;      // a border spans at least this part of its side
  double border_min_inches = 0.04;   // ...and is at least this thick on average (not a rule)
  bool invert_dark_areas = true;     // invert light text on a dark ground first (step 0)
  double inverse_min_inches = 0.6;   // smallest side of a dark ground
  double inverse_max_glyph_inches = 0.6;  // largest side of a light glyph (hole) on it
  int inverse_min_glyphs = 12;       // glyph holes a ground needs (a big bold letter has a few)
  double inverse_ground_fraction = 0.5;  // ground / its box and ground / (ground + its glyphs)
  double inverse_max_spread = 20;    // gray levels: interquartile range of a printed (flat) ground
  bool find_photos = true;           // take photo/halftone areas out of the mask
  double photo_min_inches = 0.6;     // smallest side of a photo
  double photo_midtone_fraction = 0.4;  // photo: at least this part of its pixels are mid-tones...
  double photo_ink_fraction = 0.55;     // ...or at least this part is ink
  double photo_dark_fraction = 0.8;     // ...or at least this part is near black as scanned (0: off)
  // ...unless this share of its ink is glyph-sized components (text on
  // stained or dark paper, which is mid-tone too); 0: no such check
  double photo_text_share = 0.75;
};

struct BinarizeResult {
  cv::Mat gray;                     // illumination-normalised, borders painted white
  cv::Mat mask;                     // 0 = ink, 255 = paper
  std::vector<cv::Rect> photos;     // taken out of the mask
  std::vector<cv::Rect> borders;    // dark borders removed
  std::vector<cv::Rect> inverted;   // boxes of the dark grounds inverted (step 0)
  int specks_removed = 0;
  double ink_share = 1;             // ink at k / ink at faint_k (1 when not measured)
  bool faint = false;               // the mask was made with faint_k
};

// Paper brightness estimate at the input size (8-bit). Pages over
// kWholePagePixels (ink_components.h) are upscaled from the estimate row by
// row (UpscaleLinearTo8U) instead of through a 4-byte full-size image.
cv::Mat EstimateBackground(const cv::Mat& gray, double dpi, double background_inches);

// cv::resize(small, size, INTER_LINEAR) + convertTo(CV_8U) of a CV_32F
// image, computed one output row at a time: no full-size float image. A
// level may differ by one where OpenCV's vectorised float sums round the
// other way.
cv::Mat UpscaleLinearTo8U(const cv::Mat& small, cv::Size size);

// Step 0 on an 8-bit gray page, in place: inverts each dark ground with
// light text (and the text) and returns their boxes.
std::vector<cv::Rect> InvertDarkAreas(cv::Mat& gray, const BinarizeOptions& options, double dpi);
// The same without touching `gray`: `*out` is `gray` (shared) when nothing
// is inverted, else a copy with the grounds inverted, so a page without dark
// grounds costs no copy.
std::vector<cv::Rect> InvertDarkAreas(const cv::Mat& gray, cv::Mat* out, const BinarizeOptions& options, double dpi);

// gray * 255 / background, clipped.
cv::Mat NormalizeIllumination(const cv::Mat& gray, double dpi, double background_inches);

// 0 = ink (below the Sauvola threshold), 255 = paper. `window` in pixels (odd or even).
cv::Mat Sauvola(const cv::Mat& gray, int window, double k, double dynamic_range);
// The same with a second k in the same pass (the window sums and the
// standard deviation are shared): *out for k and, when out2 is not null,
// *out2 for k2. Used for the faint-text check (step 2b) at little extra cost.
void Sauvola2(const cv::Mat& gray, int window, double k, double k2, double dynamic_range, cv::Mat* out, cv::Mat* out2);

// `gray`: 8-bit gray or BGR page, dark text on light paper. `dpi` <= 0 means
// kDefaultDpi.
BinarizeResult Binarize(const cv::Mat& gray, const BinarizeOptions& options, double dpi = kDefaultDpi);

// The stage: page.image becomes the normalised gray, page.text_mask the mask,
// info.photos the photo boxes. Uses info.dpi when set.
Status BinarizePage(Page& page, const BinarizeOptions& options, const RunContext& ctx);

StageInfo BinarizeStageInfo();

}  // namespace ocrflow::image
