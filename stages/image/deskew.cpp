#include "stages/image/deskew.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "pipeline/core/geometry.h"
#include "stages/image/ink_components.h"
#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

// Vertical slabs scored apart and summed (meant to stop lines of columns on
// different baselines lining up at a wrong angle). Measured on deskew_bench:
// 2, 3, 4 and 6 slabs were all worse than 1 (median error 0.003 -> 0.01-0.03
// degrees), so the whole width is one slab.
constexpr int kSlabs = 1;
// Coarse peaks refined at fine resolution: at most this many, each at least
// this fraction of the highest.
constexpr size_t kCandidates = 3;
constexpr double kCandidateFraction = 0.5;
constexpr double kPi = 3.14159265358979323846;
// The parabola of the final pass is fitted over this many steps either
// side of its best angle.
constexpr int kFinalFitSteps = 3;
double Radians(double deg) { return deg * kPi / 180.0; }
double Degrees(double rad) { return rad * 180.0 / kPi; }

std::string Format(const char* fmt, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

// Ink (255) of the text-sized components of `ink` (255 = ink); counts them.
// `factor`: how much `ink` was reduced from the page (speck size is in page
// pixels).
cv::Mat TextComponents(const cv::Mat& ink, int factor, int* kept_count) {
  const int min_area = std::max(1, kMinComponentArea / (factor * factor));
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<int> heights;
  heights.reserve(n);
  for (int i = 1; i < n; ++i) {
    if (stats.at<int>(i, cv::CC_STAT_AREA) >= min_area) heights.push_back(stats.at<int>(i, cv::CC_STAT_HEIGHT));
  }
  *kept_count = 0;
  if (heights.empty()) return cv::Mat::zeros(ink.size(), CV_8U);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const double max_h = std::max(8.0 / factor, kMaxHeightFactor * heights[heights.size() / 2]);

  std::vector<unsigned char> keep(n, 0);
  for (int i = 1; i < n; ++i) {
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (area >= min_area && h <= max_h) {
      keep[i] = 255;
      ++*kept_count;
    }
  }
  cv::Mat out(ink.size(), CV_8U);
  for (int y = 0; y < ink.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    unsigned char* o = out.ptr<unsigned char>(y);
    for (int x = 0; x < ink.cols; ++x) o[x] = keep[l[x]];
  }
  return out;
}

// Float density of `ink` (8-bit, 255 = ink) at width `width` (or the input
// width when smaller), transposed so that each image column is one
// contiguous row.
cv::Mat TransposedDensity(const cv::Mat& ink, int width) {
  cv::Mat small = ink;
  if (ink.cols > width) {
    const double s = static_cast<double>(width) / ink.cols;
    cv::resize(ink, small, cv::Size(width, std::max(1, static_cast<int>(std::lround(ink.rows * s)))), 0, 0,
               cv::INTER_AREA);
  }
  cv::Mat f, t;
  small.convertTo(f, CV_32F, 1.0 / 255.0);
  cv::transpose(f, t);
  return t;
}

// `ink` reduced by an integer factor so that it is at most about `width`
// wide; a reduced pixel is ink when any of its pixels is.
cv::Mat ReduceInk(const cv::Mat& ink, int width, int* factor) {
  *factor = std::max(1, ink.cols / std::max(1, width));
  if (*factor == 1) return ink;
  cv::Mat small;
  cv::resize(ink, small, cv::Size((ink.cols + *factor - 1) / *factor, (ink.rows + *factor - 1) / *factor), 0, 0,
             cv::INTER_AREA);
  return small > 0;
}

// Per `factor` x `factor` block of `mask` (0 = ink; partial blocks at the
// right and bottom edges), in one pass over it: emit(by, bx, ink, cells),
// the block's ink pixels and all its pixels. With `text` (reduced by
// `text_factor`), only ink where `text` is nonzero counts.
template <typename Emit>
void CountInkByBlocks(const cv::Mat& mask, int factor, const cv::Mat* text, int text_factor, Emit emit) {
  const int w = (mask.cols + factor - 1) / factor, h = (mask.rows + factor - 1) / factor;
  std::vector<int> count(w);
  for (int by = 0; by < h; ++by) {
    std::fill(count.begin(), count.end(), 0);
    const int y0 = by * factor, y1 = std::min(mask.rows, y0 + factor);
    for (int y = y0; y < y1; ++y) {
      const unsigned char* m = mask.ptr<unsigned char>(y);
      if (text == nullptr) {
        for (int x = 0; x < mask.cols; ++x) count[x / factor] += m[x] == 0;
        continue;
      }
      const unsigned char* t = text->ptr<unsigned char>(std::min(text->rows - 1, y / text_factor));
      for (int x = 0; x < mask.cols; ++x)
        count[x / factor] += m[x] == 0 && t[std::min(text->cols - 1, x / text_factor)] != 0;
    }
    for (int bx = 0; bx < w; ++bx)
      emit(by, bx, count[bx], (y1 - y0) * (std::min(mask.cols, (bx + 1) * factor) - bx * factor));
  }
}

// ReduceInk and the density of FindSkew for a page over kWholePagePixels,
// in one pass over the mask (0 = ink): `factor` x `factor` blocks (partial
// at the right and bottom edges), `any` 255 where a block has ink,
// `density` its share of ink pixels (0..255). OpenCV's INTER_AREA resize
// spreads its cells over slightly different pixels when the size is not a
// multiple of `factor`; the skew found is the same within its precision.
void ReduceMaskByBlocks(const cv::Mat& mask, int factor, cv::Mat* any, cv::Mat* density) {
  const int w = (mask.cols + factor - 1) / factor, h = (mask.rows + factor - 1) / factor;
  any->create(h, w, CV_8U);
  density->create(h, w, CV_8U);
  CountInkByBlocks(mask, factor, nullptr, 1, [&](int by, int bx, int ink, int cells) {
    any->at<unsigned char>(by, bx) = ink > 0 ? 255 : 0;
    density->at<unsigned char>(by, bx) = cv::saturate_cast<unsigned char>(255.0 * ink / cells);
  });
}

// The final pass of a large page runs at about this width (pixels).
constexpr int kLargePageFinalWidth = 4000;

// The final pass's input on a large page: per `factor` x `factor` block of
// the mask, the share (0..255) of its pixels that are ink (0) and lie in a
// kept component (`text`, nonzero, reduced by `text_factor`).
cv::Mat KeptInkByBlocks(const cv::Mat& mask, const cv::Mat& text, int text_factor, int factor) {
  cv::Mat out((mask.rows + factor - 1) / factor, (mask.cols + factor - 1) / factor, CV_8U);
  CountInkByBlocks(mask, factor, &text, text_factor, [&](int by, int bx, int ink, int cells) {
    out.at<unsigned char>(by, bx) = cv::saturate_cast<unsigned char>(255.0 * ink / cells);
  });
  return out;
}

// Postl's measure of how level the text is at `deg`: the row profile of the
// image sheared so that lines at `deg` become rows, scored by the sum of
// squared differences of neighbouring rows. Each column moves as a whole
// (nearest row), which keeps the noise part of the score independent of the
// angle.
double DifferentialSquareSum(const std::vector<float>& profile) {
  double score = 0;
  for (size_t i = 1; i < profile.size(); ++i) {
    const double d = profile[i] - profile[i - 1];
    score += d * d;
  }
  return score;
}

int Slabs() { return kSlabs; }

double ProfileScore(const cv::Mat& transposed, double deg, std::vector<float>& profile) {
  const int w = transposed.rows, h = transposed.cols;
  const double t = std::tan(Radians(deg));
  const double centre = 0.5 * (w - 1);
  const int margin = static_cast<int>(std::ceil(std::abs(t) * w * 0.5)) + 2;
  double score = 0;
  const int slabs = Slabs();
  for (int k = 0; k < slabs; ++k) {
    profile.assign(static_cast<size_t>(h + 2 * margin), 0.0f);
    for (int x = k * w / slabs; x < (k + 1) * w / slabs; ++x) {
      const int shift = margin + static_cast<int>(std::lround((x - centre) * t));
      const float* col = transposed.ptr<float>(x);
      float* p = profile.data() + shift;
      for (int y = 0; y < h; ++y) p[y] += col[y];
    }
    score += DifferentialSquareSum(profile);
  }
  return score;
}

// The refinement searches a fraction of a degree around a coarse angle a0.
// Columns are sheared by a0 once and summed into vertical strips; each angle
// then only shifts whole strips by the extra shear relative to a0 (inside a
// strip the extra shear is a small fraction of a pixel), so a score costs
// (strips x rows) instead of (columns x rows). A whole-pixel strip shift
// would leave the score flat over +-0.5 px of shear at the page edge, so
// strips are kept at kSub sub-rows per row (each pixel spread over its kSub
// sub-rows, shifted to the nearest sub-row).
class StripProfiles {
 public:
  static constexpr int kStripWidth = 16;  // columns per strip
  static constexpr int kSub = 4;          // sub-rows per row

  // From a float density image transposed so that each image column is a
  // row (TransposedDensity).
  StripProfiles(const cv::Mat& transposed, double base_deg, double range_deg)
      : width_(transposed.rows), centre_(0.5 * (transposed.rows - 1)), base_(std::tan(Radians(base_deg))) {
    const int h = transposed.cols;
    const int nstrips = Layout(h, base_deg, range_deg);
    for (int s = 0; s < nstrips; ++s) {
      const double xs = StripCentre(s);
      float* dst = strips_.data() + static_cast<size_t>(s) * strip_len_ + inner_;
      for (int x = s * kStripWidth; x < std::min(width_, (s + 1) * kStripWidth); ++x) {
        const int d = static_cast<int>(std::lround(kSub * (x - xs) * base_));
        const float* col = transposed.ptr<float>(x);
        float* p = dst + d;
        for (int y = 0; y < h; ++y) {
          const float v = col[y];
          if (v == 0.0f) continue;
          for (int k = 0; k < kSub; ++k) p[kSub * y + k] += v;
        }
      }
    }
  }

  // The same strips from an 8-bit ink image as it is (nonzero = ink, taken
  // as density 1), read row by row: the full-resolution final pass then
  // needs no float copy and no transpose of the page (about 70 MB at A4,
  // 300 dpi). Each ink pixel adds 1.0f to the same sub-rows as above, so
  // the strips are the same numbers.
  static StripProfiles FromInk(const cv::Mat& ink, double base_deg, double range_deg) {
    return StripProfiles(ink, base_deg, range_deg, 0);
  }

  double Score(double deg, std::vector<float>& profile) const {
    const double t = std::tan(Radians(deg));
    const int nstrips = static_cast<int>(strips_.size() / strip_len_);
    const int slabs = Slabs();
    double score = 0;
    for (int k = 0; k < slabs; ++k) {
      profile.assign(static_cast<size_t>(len_), 0.0f);
      for (int s = 0; s < nstrips; ++s) {
        const double x = StripCentre(s);
        if (x < k * width_ / slabs || x >= (k + 1) * width_ / slabs) continue;
        const double xs = x - centre_;
        const int shift = margin_ + static_cast<int>(std::lround(kSub * xs * t));
        const float* src = strips_.data() + static_cast<size_t>(s) * strip_len_;
        float* p = profile.data() + shift;
        for (int y = 0; y < strip_len_; ++y) p[y] += src[y];
      }
      score += DifferentialSquareSum(profile);
    }
    return score;
  }

 private:
  StripProfiles(const cv::Mat& ink, double base_deg, double range_deg, int /*row-major tag*/)
      : width_(ink.cols), centre_(0.5 * (ink.cols - 1)), base_(std::tan(Radians(base_deg))) {
    CV_Assert(ink.type() == CV_8UC1);
    Layout(ink.rows, base_deg, range_deg);
    // Offset of column x's pixel in row 0 inside the strips.
    std::vector<size_t> offset(static_cast<size_t>(width_));
    for (int x = 0; x < width_; ++x) {
      const int s = x / kStripWidth;
      const int d = static_cast<int>(std::lround(kSub * (x - StripCentre(s)) * base_));
      offset[x] = static_cast<size_t>(s) * strip_len_ + inner_ + d;
    }
    for (int y = 0; y < ink.rows; ++y) {
      const unsigned char* row = ink.ptr<unsigned char>(y);
      float* base = strips_.data() + static_cast<size_t>(kSub) * y;
      for (int x = 0; x < width_; ++x) {
        if (row[x] == 0) continue;
        float* p = base + offset[x];
        for (int k = 0; k < kSub; ++k) p[k] += 1.0f;
      }
    }
  }

  // Sizes for a page `h` rows high; allocates the strips; returns their number.
  int Layout(int h, double base_deg, double range_deg) {
    const int nstrips = (width_ + kStripWidth - 1) / kStripWidth;
    const double tmax = std::abs(std::tan(Radians(std::abs(base_deg) + range_deg)));
    inner_ = kSub * (static_cast<int>(std::ceil(std::abs(base_) * kStripWidth)) + 2);
    margin_ = kSub * (static_cast<int>(std::ceil(tmax * width_ * 0.5)) + 2);
    strip_len_ = kSub * h + 2 * inner_;
    len_ = strip_len_ + 2 * margin_;
    strips_.assign(static_cast<size_t>(nstrips) * strip_len_, 0.0f);
    return nstrips;
  }

  double StripCentre(int s) const {
    const int x0 = s * kStripWidth, x1 = std::min(width_, (s + 1) * kStripWidth);
    return 0.5 * (x0 + x1 - 1);
  }

  int width_;
  double centre_, base_;
  int margin_ = 0, len_ = 0, inner_ = 0, strip_len_ = 0;
  std::vector<float> strips_;
};

// Least-squares parabola through (xs, ys); returns the vertex, or the middle
// x when the fit has no maximum.
double ParabolaPeak(const std::vector<double>& xs, const std::vector<double>& ys) {
  const double x0 = xs[xs.size() / 2];
  double s[5] = {0, 0, 0, 0, 0}, t[3] = {0, 0, 0};
  for (size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i] - x0;
    double p = 1;
    for (int k = 0; k < 5; ++k) {
      s[k] += p;
      if (k < 3) t[k] += p * ys[i];
      p *= x;
    }
  }
  // Normal equations for y = a + b x + c x^2.
  cv::Matx33d a(s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]);
  cv::Vec3d rhs(t[0], t[1], t[2]);
  cv::Vec3d coef;
  if (!cv::solve(a, rhs, coef, cv::DECOMP_SVD) || coef[2] >= 0) return x0;
  const double peak = -coef[1] / (2 * coef[2]);
  const double lo = xs.front() - x0, hi = xs.back() - x0;
  return x0 + std::clamp(peak, lo, hi);
}

}  // namespace

SkewEstimate FindSkew(const cv::Mat& ink_mask, const DeskewOptions& options) {
  SkewEstimate est;
  CV_Assert(ink_mask.type() == CV_8UC1);
  // Components are found at about fine_width: enough to tell text from
  // specks and pictures, and four times cheaper than full resolution.
  int factor = 1;
  cv::Mat ink, text;
  const bool large = ink_mask.total() > kWholePagePixels && ink_mask.cols / std::max(1, options.fine_width) > 1;
  if (large) {
    // A large page: reduced block by block straight from the mask, without
    // the full-size ink image and OpenCV's resize buffers (ReduceMaskByBlocks).
    factor = ink_mask.cols / std::max(1, options.fine_width);
    cv::Mat density;
    ReduceMaskByBlocks(ink_mask, factor, &ink, &density);
    text = TextComponents(ink, factor, &est.components);
    density.setTo(0, text == 0);
    text = density;
  } else {
    const cv::Mat ink_full = ink_mask == 0;  // 255 = ink
    ink = ReduceInk(ink_full, options.fine_width, &factor);
    text = TextComponents(ink, factor, &est.components);
    if (factor > 1) {
      // The reduced ink is thickened (any of its pixels); the profiles want
      // the true density, taken only where the kept components are. Thick
      // blobs blur the lines: on noisy JPEG pages that moved the peak by 0.7
      // degree.
      cv::Mat density;
      cv::resize(ink_full, density, ink.size(), 0, 0, cv::INTER_AREA);
      density.setTo(0, text == 0);
      text = density;
    }
  }
  if (est.components < kMinTextComponents) {
    est.note = "blank: " + std::to_string(est.components) + " text components";
    return est;
  }

  // Coarse sweep: about one pixel of shear across the width per step.
  cv::Mat coarse = TransposedDensity(text, options.coarse_width);
  const double step = Degrees(std::atan(1.0 / coarse.rows));
  const int n = std::max(1, static_cast<int>(std::ceil(options.max_angle / step)));
  std::vector<float> profile;
  std::vector<double> scores;
  scores.reserve(2 * n + 1);
  for (int i = -n; i <= n; ++i) scores.push_back(ProfileScore(coarse, i * step, profile));
  const int best = static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  std::vector<double> sorted = scores;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2], top = scores[best];
  est.confidence = top > 0 ? std::clamp(1.0 - median / top, 0.0, 1.0) : 0.0;
  // Candidates: the highest local maxima of the coarse sweep. At coarse
  // resolution a wrong bump (a photo edge, a rule, columns on different
  // baselines) can outscore the true peak by a little; at fine resolution
  // the true peak is much sharper and wins.
  std::vector<int> peaks;
  for (int i = 0; i < static_cast<int>(scores.size()); ++i) {
    const double left = i > 0 ? scores[i - 1] : -1, right = i + 1 < static_cast<int>(scores.size()) ? scores[i + 1] : -1;
    if (scores[i] >= left && scores[i] > right && scores[i] >= kCandidateFraction * top) peaks.push_back(i);
  }
  std::sort(peaks.begin(), peaks.end(), [&](int x, int y) { return scores[x] > scores[y]; });
  if (peaks.size() > kCandidates) peaks.resize(kCandidates);
  if (peaks.empty()) peaks.push_back(best);

  const cv::Mat fine = TransposedDensity(text, options.fine_width);
  double best_fine = -1;
  for (int peak : peaks) {
    const double coarse_angle = (peak - n) * step;
    // Refinement at a finer scale around the coarse peak.
    const StripProfiles strips(fine, coarse_angle, 1.5 * step);
    const double fstep = std::max(1e-4, options.fine_step);
    const int m = static_cast<int>(std::ceil(1.5 * step / fstep));
    std::vector<double> angles, fine_scores;
    for (int i = -m; i <= m; ++i) {
      angles.push_back(coarse_angle + i * fstep);
      fine_scores.push_back(strips.Score(angles.back(), profile));
    }
    // Smooth the (slightly jagged) curve, then fit a parabola around its peak.
    const int r = 2;
    std::vector<double> smooth(fine_scores.size());
    for (size_t i = 0; i < fine_scores.size(); ++i) {
      double sum = 0;
      int cnt = 0;
      for (int k = -r; k <= r; ++k) {
        const long j = static_cast<long>(i) + k;
        if (j < 0 || j >= static_cast<long>(fine_scores.size())) continue;
        sum += fine_scores[j];
        ++cnt;
      }
      smooth[i] = sum / cnt;
    }
    const int fbest = static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
    if (smooth[fbest] <= best_fine) continue;
    best_fine = smooth[fbest];
    const int half = std::max(2, static_cast<int>(std::lround(0.5 * step / fstep)));
    const int lo = std::max(0, fbest - half), hi = std::min<int>(smooth.size() - 1, fbest + half);
    std::vector<double> xs(angles.begin() + lo, angles.begin() + hi + 1);
    std::vector<double> ys(fine_scores.begin() + lo, fine_scores.begin() + hi + 1);
    est.degrees = ParabolaPeak(xs, ys);
  }

  // Final pass at full resolution (up to final_width) over +-final_range
  // around the refined angle: at fine_width a noisy page's peak can be
  // flat and off by 0.1-0.2 degree, and the refinement window can stop
  // short of the true angle.
  if (options.final_range > 0) {
    auto final_strips = [&]() {
      if (large) {
        // Full resolution would cost the page again three times over (the
        // kept ink, its upscaled mask, the strips); kLargePageFinalWidth
        // already resolves 0.015 degree.
        const int f = (ink_mask.cols + kLargePageFinalWidth - 1) / kLargePageFinalWidth;
        const cv::Mat kept = KeptInkByBlocks(ink_mask, text, factor, f);
        return StripProfiles(TransposedDensity(kept, kept.cols), est.degrees, options.final_range);
      }
      cv::Mat kept;
      if (factor > 1) {
        const cv::Mat ink_full = ink_mask == 0;
        cv::resize(text > 0, kept, ink_full.size(), 0, 0, cv::INTER_NEAREST);
        kept &= ink_full;
      } else {
        kept = text;
      }
      return options.final_width > 0 && options.final_width < kept.cols
                 ? StripProfiles(TransposedDensity(kept, options.final_width), est.degrees, options.final_range)
                 : StripProfiles::FromInk(kept, est.degrees, options.final_range);
    };
    const double fstep = std::max(1e-4, options.fine_step);
    const StripProfiles strips = final_strips();
    const int m = static_cast<int>(std::ceil(options.final_range / fstep));
    std::vector<double> angles, scores_f;
    for (int i = -m; i <= m; ++i) {
      angles.push_back(est.degrees + i * fstep);
      scores_f.push_back(strips.Score(angles.back(), profile));
    }
    const int fbest = static_cast<int>(std::max_element(scores_f.begin(), scores_f.end()) - scores_f.begin());
    const int half = kFinalFitSteps;
    const int lo = std::max(0, fbest - half), hi = std::min<int>(scores_f.size() - 1, fbest + half);
    est.degrees = ParabolaPeak(std::vector<double>(angles.begin() + lo, angles.begin() + hi + 1),
                               std::vector<double>(scores_f.begin() + lo, scores_f.begin() + hi + 1));
  }
  est.found = true;
  return est;
}

SkewEstimate FindSkewGray(const cv::Mat& gray, const DeskewOptions& options) {
  cv::Mat g = gray, mask;
  if (g.channels() == 3) cv::cvtColor(gray, g, cv::COLOR_BGR2GRAY);
  cv::threshold(g, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return FindSkew(mask, options);
}

namespace {
cv::Mat RotationMatrix(cv::Size in, double degrees_to_undo, bool expand, cv::Size* out_size) {
  const cv::Point2f centre(0.5f * (in.width - 1), 0.5f * (in.height - 1));
  cv::Mat m = cv::getRotationMatrix2D(centre, -degrees_to_undo, 1.0);
  cv::Size size = in;
  if (expand) {
    const double c = std::abs(std::cos(Radians(degrees_to_undo))), s = std::abs(std::sin(Radians(degrees_to_undo)));
    size = cv::Size(static_cast<int>(std::ceil(in.width * c + in.height * s)),
                    static_cast<int>(std::ceil(in.width * s + in.height * c)));
    m.at<double>(0, 2) += 0.5 * (size.width - in.width);
    m.at<double>(1, 2) += 0.5 * (size.height - in.height);
  }
  if (out_size) *out_size = size;
  return m;
}
}  // namespace

cv::Mat RotatePage(const cv::Mat& image, double degrees_to_undo, int interpolation, bool expand, int fill) {
  cv::Mat out;
  RotatePageInto(image, &out, degrees_to_undo, interpolation, expand, fill);
  return out;
}

void RotatePageInto(const cv::Mat& image, cv::Mat* out, double degrees_to_undo, int interpolation, bool expand,
                    int fill) {
  cv::Size size;
  const cv::Mat m = RotationMatrix(image.size(), degrees_to_undo, expand, &size);
  cv::warpAffine(image, *out, m, size, interpolation, cv::BORDER_CONSTANT, cv::Scalar::all(fill));
}

namespace {

// See DeskewPage: where a photo box found on the skewed page lands.
Box DeskewedPhotoBox(const Box& b, double degrees, const cv::Mat& m) {
  std::vector<cv::Point2f> corners = {{float(b.x), float(b.y)}, {float(b.right()), float(b.y)},
                                      {float(b.x), float(b.bottom())}, {float(b.right()), float(b.bottom())}};
  std::vector<cv::Point2f> moved;
  cv::transform(corners, moved, m);
  const cv::Rect bound = cv::boundingRect(moved);
  const double t = std::abs(degrees) * CV_PI / 180, c = std::cos(t), s = std::sin(t), det = c * c - s * s;
  if (det <= 0.5) return Box{bound.x, bound.y, bound.width, bound.height};
  const double w = (c * b.w - s * b.h) / det, h = (c * b.h - s * b.w) / det;
  if (w < 0.5 * b.w || h < 0.5 * b.h) return Box{bound.x, bound.y, bound.width, bound.height};
  std::vector<cv::Point2f> centre = {{float(b.x + b.w / 2.0), float(b.y + b.h / 2.0)}};
  cv::transform(centre, centre, m);
  return Box{static_cast<int>(std::lround(centre[0].x - w / 2)), static_cast<int>(std::lround(centre[0].y - h / 2)),
             static_cast<int>(std::lround(w)), static_cast<int>(std::lround(h))};
}

}  // namespace

Status DeskewPage(Page& page, const DeskewOptions& options, const RunContext& ctx) {
  if (ctx.cancelled()) return Status(Code::kCancelled, "deskew: cancelled");
  if (page.image.empty()) return Status(Code::kBadInput, "deskew: the page has no image");
  ImageInfo& info = page.info;
  try {
    const cv::Mat gray = View(page.image);
    SkewEstimate est = page.text_mask.empty() ? FindSkewGray(gray, options) : FindSkew(View(page.text_mask), options);
    info.skew_degrees = est.degrees;
    info.skew_confidence = est.confidence;
    info.deskewed = false;
    if (!est.found) {
      info.skew_note = "declined: " + est.note;
      return Status::Ok();
    }
    if (est.confidence < options.min_confidence) {
      info.skew_note = Format("declined: confidence %.3f < %.3f", est.confidence, options.min_confidence);
      return Status::Ok();
    }
    if (std::abs(est.degrees) > options.max_angle - 0.05) {
      info.skew_note = Format("declined: angle %.2f at the edge of the search range (%.1f)", est.degrees,
                              options.max_angle);
      return Status::Ok();
    }
    info.deskewed = true;
    if (std::abs(est.degrees) < options.min_angle) {
      info.skew_note = Format("level: |%.3f| < %.3f degrees, not rotated", est.degrees, options.min_angle);
      return Status::Ok();
    }
    info.skew_note.clear();
    // Photo boxes found before (binarize) move with the page. A box found on
    // the skewed page bounds a photo turned by the skew; deskewed, that photo
    // stands upright, W x H = the solution of
    //   box_w = w cos + h sin,  box_h = w sin + h cos,
    // around the box's moved centre. (The box of the rotated box would grow
    // by the skew twice over and swallow the byline above a photo and the
    // caption below it.) A box that is no such photo keeps the plain bound.
    const cv::Mat m = RotationMatrix(gray.size(), est.degrees, options.expand, nullptr);
    for (Box& b : info.photos) b = DeskewedPhotoBox(b, est.degrees, m);
    // Each rotation writes straight into the page's new buffer (no
    // page-sized temporary to copy from: 200 MB at 200 Mpixel).
    cv::Size size;
    RotationMatrix(gray.size(), est.degrees, options.expand, &size);
    info.steps.push_back(WarpStep(m.ptr<double>(), size.width, size.height));
    Raster image = NewRaster(size, gray.channels());
    cv::Mat image_view = View(image);
    RotatePageInto(gray, &image_view, est.degrees, cv::INTER_CUBIC, options.expand, 255);
    page.image = std::move(image);
    if (!page.text_mask.empty()) {
      Raster mask = NewRaster(size, 1);
      cv::Mat rotated = View(mask);
      RotatePageInto(View(page.text_mask), &rotated, est.degrees, cv::INTER_LINEAR, options.expand, 255);
      cv::threshold(rotated, rotated, 127, 255, cv::THRESH_BINARY);
      page.text_mask = std::move(mask);
    }
    if (ctx.debugging()) ctx.debug_image("20-deskewed", page.image);
  } catch (const cv::Exception& e) {
    return StatusFromCv("deskew", e);
  }
  return Status::Ok();
}

namespace {
std::vector<OptionField<DeskewOptions>> DeskewFields() {
  return {
      {"max_angle", &DeskewOptions::max_angle, "largest skew searched, either side of level", "degrees"},
      {"min_confidence", &DeskewOptions::min_confidence, "below this confidence the page is left as it was", "0..1"},
      {"min_angle", &DeskewOptions::min_angle, "a smaller skew is recorded but not rotated away", "degrees"},
      {"coarse_width", &DeskewOptions::coarse_width, "image width for the coarse sweep", "pixels"},
      {"fine_width", &DeskewOptions::fine_width, "image width for the refinement", "pixels"},
      {"fine_step", &DeskewOptions::fine_step, "angle step of the refinement", "degrees"},
      {"final_range", &DeskewOptions::final_range, "final pass at full resolution: +- this around the refined angle (0: off)", "degrees"},
      {"final_width", &DeskewOptions::final_width, "image width for the final pass (0: full resolution)", "pixels"},
      {"expand", &DeskewOptions::expand, "grow the canvas so that rotation cuts off no corner", ""},
  };
}
}  // namespace

StageInfo DeskewStageInfo() {
  return MakeStageInfo<DeskewOptions>(
      "deskew", "finds the skew of the text (projection profiles) and rotates it away; declines when unsure",
      DataKind::kImage, DataKind::kImage, DeskewFields(),
      [](Page& page, const DeskewOptions& o, const RunContext& ctx) { return DeskewPage(page, o, ctx); });
}

}  // namespace ocrflow::image
