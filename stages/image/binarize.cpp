#include "stages/image/binarize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>

#include <opencv2/imgproc.hpp>

#include "stages/image/ink_components.h"
#include "stages/image/layout/geometry.h"
#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

// Below this (normalised gray, paper = 255) a pixel is ink whatever its
// neighbourhood: Sauvola alone hollows out large dark areas (bold strokes
// wider than the window's spread, borders, photos).
constexpr int kSurelyInk = 100;
// Mid-tones for the photo search, normalised gray.
constexpr int kMidtoneLow = 40, kMidtoneHigh = 215;
// Gray levels below this are near black (a dark photo's ground as scanned).
constexpr int kNearBlack = 40;
// Glyphs, for telling text on stained paper from a photo: components
// kGlyphMinInches .. kGlyphMaxInches tall give the page's glyph height (6 to
// 36 pt type); a component kGlyphLow .. kGlyphHigh times that tall and at
// most kGlyphWide times as wide is a glyph (a letter, a ligature, a CJK
// character); an area needs kTextMinGlyphs of them to be text (a few lines).
constexpr double kGlyphMinInches = 0.04, kGlyphMaxInches = 0.5;
constexpr double kGlyphLow = 0.4, kGlyphHigh = 2.5, kGlyphWide = 4.0;
constexpr int kTextMinGlyphs = 15;
// Dark grounds: the Otsu level must be at least this (a blank page has no
// dark ground), and a light hole counts as a glyph from this size (inches;
// smaller ones are JPEG noise).
constexpr double kInverseMinLevel = 40;
constexpr double kInverseMinGlyphInches = 0.02;
// Parts of a dark ground (with its glyphs) thinner than this (inches) are
// not inverted: strokes and texture that touch it, not ground.
constexpr double kInverseCoreInches = 0.04;

int OddAtLeast(double v, int lo) {
  int k = std::max(lo, static_cast<int>(std::lround(v)));
  return k | 1;
}

cv::Mat ToGray(const cv::Mat& in) {
  if (in.channels() == 1) return in;
  cv::Mat g;
  cv::cvtColor(in, g, cv::COLOR_BGR2GRAY);
  return g;
}

// Least-squares fit of a cubic polynomial in (x, y) to `b` at the points where
// `use` is set; returns the fitted surface.
cv::Mat FitCubic(const cv::Mat& b, const cv::Mat& use) {
  const int w = b.cols, h = b.rows;
  auto terms = [&](int x, int y, double* t) {
    const double u = w > 1 ? 2.0 * x / (w - 1) - 1 : 0, v = h > 1 ? 2.0 * y / (h - 1) - 1 : 0;
    t[0] = 1, t[1] = u, t[2] = v, t[3] = u * u, t[4] = u * v, t[5] = v * v;
    t[6] = u * u * u, t[7] = u * u * v, t[8] = u * v * v, t[9] = v * v * v;
  };
  cv::Matx<double, 10, 10> ata = cv::Matx<double, 10, 10>::zeros();
  cv::Matx<double, 10, 1> atb = cv::Matx<double, 10, 1>::zeros();
  double t[10];
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (!use.at<unsigned char>(y, x)) continue;
      terms(x, y, t);
      const double z = b.at<unsigned char>(y, x);
      // The upper triangle only (the same sums, in the same order, as the
      // full square): A^T A is symmetric.
      for (int i = 0; i < 10; ++i) {
        atb(i) += t[i] * z;
        for (int j = i; j < 10; ++j) ata(i, j) += t[i] * t[j];
      }
    }
  }
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < i; ++j) ata(i, j) = ata(j, i);
  cv::Matx<double, 10, 1> coef;
  cv::solve(ata, atb, coef, cv::DECOMP_SVD);
  cv::Mat fit(h, w, CV_32F);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      terms(x, y, t);
      double z = 0;
      for (int i = 0; i < 10; ++i) z += coef(i) * t[i];
      fit.at<float>(y, x) = static_cast<float>(z);
    }
  }
  return fit;
}

// The gray level below which `q` of the `total` counts of `hist` lie.
int Quantile(const int* hist, long total, double q) {
  long acc = 0;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (acc >= q * total) return v;
  }
  return 255;
}

}  // namespace

std::vector<cv::Rect> InvertDarkAreas(cv::Mat& gray, const BinarizeOptions& options, double dpi) {
  cv::Mat out = gray;
  std::vector<cv::Rect> found = InvertDarkAreas(gray, &out, options, dpi);
  if (out.data != gray.data) out.copyTo(gray);
  return found;
}

std::vector<cv::Rect> InvertDarkAreas(const cv::Mat& gray, cv::Mat* out, const BinarizeOptions& options, double dpi) {
  std::vector<cv::Rect> found;
  // One global level splits the page into dark and light: Otsu on a
  // lightly smoothed copy (JPEG noise would punch holes in a dark ground).
  cv::Mat smooth;
  cv::GaussianBlur(gray, smooth, cv::Size(3, 3), 0);
  double level = 0;
  {
    cv::Mat dark;  // only for the level: the components come from smooth itself
    level = cv::threshold(smooth, dark, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  }
  // A uniform page has no dark ground; Otsu then splits noise.
  if (level < kInverseMinLevel) return found;
  const double min_side = options.inverse_min_inches * dpi;
  const double max_hole = options.inverse_max_glyph_inches * dpi;
  const double min_hole_area = kInverseMinGlyphInches * dpi * kInverseMinGlyphInches * dpi;
  // Dark: smooth <= level (what THRESH_BINARY_INV marks). Its components
  // without a full label image (ink_components.h); only the candidates big
  // and solid enough to be a ground get a mask of their own.
  cv::Mat stats, centroids;
  auto candidate = [&](int i) {
    const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    return r.width >= min_side && r.height >= min_side &&
           stats.at<int>(i, cv::CC_STAT_AREA) >= options.inverse_ground_fraction * r.area();
  };
  std::map<int, cv::Mat> masks;  // candidate label -> 255 where the component is, over its box
  const int n = InkComponents(smooth, static_cast<int>(level) + 1, &stats, &centroids,
                              [&](int first_row, const cv::Mat& labels) {
                                if (first_row == 0)
                                  for (int i = 1; i < stats.rows; ++i)
                                    if (candidate(i))
                                      masks[i] = cv::Mat::zeros(stats.at<int>(i, cv::CC_STAT_HEIGHT),
                                                                stats.at<int>(i, cv::CC_STAT_WIDTH), CV_8U);
                                const cv::Rect band(0, first_row, labels.cols, labels.rows);
                                for (auto& [i, mask] : masks) {
                                  const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                                                   mask.cols, mask.rows);
                                  const cv::Rect part = r & band;
                                  if (part.empty()) continue;
                                  const cv::Mat in_band = labels(part - band.tl()) == i;
                                  in_band.copyTo(mask(part - r.tl()));
                                }
                              });
  for (int i = 1; i < n; ++i) {
    if (!candidate(i)) continue;
    const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const int ground = stats.at<int>(i, cv::CC_STAT_AREA);
    // The glyph-sized holes of this dark ground: what is not the ground
    // inside its box, in pieces that do not reach the box edge (a dark
    // speck inside a light glyph belongs to the glyph's hole).
    const cv::Mat comp = masks[i];
    masks.erase(i);  // freed with comp at the end of this ground
    cv::Mat light = ~comp, hl, hs, hc;
    const int hn = cv::connectedComponentsWithStats(light, hl, hs, hc, 4, CV_32S);
    std::vector<unsigned char> hole(hn, 0);
    int glyphs = 0, hole_area = 0;
    for (int j = 1; j < hn; ++j) {
      const int x = hs.at<int>(j, cv::CC_STAT_LEFT), y = hs.at<int>(j, cv::CC_STAT_TOP);
      const int w = hs.at<int>(j, cv::CC_STAT_WIDTH), h = hs.at<int>(j, cv::CC_STAT_HEIGHT);
      if (x == 0 || y == 0 || x + w == r.width || y + h == r.height) continue;
      if (w > max_hole || h > max_hole) continue;
      hole[j] = 1;
      hole_area += hs.at<int>(j, cv::CC_STAT_AREA);
      if (hs.at<int>(j, cv::CC_STAT_AREA) >= min_hole_area) ++glyphs;
    }
    // A printed ground is flat; a dark photo spreads over many levels.
    int hist[256] = {0};
    for (int y = 0; y < r.height; ++y) {
      const unsigned char* c = comp.ptr<unsigned char>(y);
      const unsigned char* g = smooth.ptr<unsigned char>(r.y + y) + r.x;
      for (int x = 0; x < r.width; ++x)
        if (c[x]) ++hist[g[x]];
    }
    if (Quantile(hist, ground, 0.75) - Quantile(hist, ground, 0.25) > options.inverse_max_spread) continue;
    // Text on the ground: many glyph holes, and the ground is most of the
    // filled area (a big bold letter has a few holes; a dark photo is
    // handled by the photo search either way).
    if (glyphs < options.inverse_min_glyphs) continue;
    if (ground < options.inverse_ground_fraction * (ground + hole_area)) continue;
    cv::Mat area = comp.clone();
    for (int y = 0; y < r.height; ++y) {
      const int* l = hl.ptr<int>(y);
      unsigned char* a = area.ptr<unsigned char>(y);
      for (int x = 0; x < r.width; ++x)
        if (hole[l[x]]) a[x] = 255;
    }
    // Only its solid body: dark print on a light band next to it may hang
    // on to the ground through texture or a frame, and must stay as it is.
    const int core = OddAtLeast(kInverseCoreInches * dpi, 3);
    cv::morphologyEx(area, area, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(core, core)));
    // Written to a copy of the page, made at the first ground found.
    if (out->data == gray.data) *out = gray.clone();
    cv::Mat roi = (*out)(r), inverted = 255 - roi;
    inverted.copyTo(roi, area);
    found.push_back(r);
  }
  return found;
}

// The same sample positions as OpenCV (pixel centres, edges clamped), float
// arithmetic, rounded to the nearest level. Used only on pages over
// kWholePagePixels, where OpenCV's float image would be 4 bytes a pixel
// (800 MB at 200 Mpixel).
cv::Mat UpscaleLinearTo8U(const cv::Mat& small, cv::Size size) {
  CV_Assert(small.type() == CV_32FC1);
  const double sx = static_cast<double>(small.cols) / size.width, sy = static_cast<double>(small.rows) / size.height;
  // Output index `k` at scale `s` over `n` source cells: the source cell it
  // starts in and the weight of the next one (0 at the edges).
  auto tap = [](int k, double s, int n, int& i, float& a) {
    const double f = (k + 0.5) * s - 0.5;
    i = static_cast<int>(std::floor(f));
    a = static_cast<float>(f - i);
    if (i < 0) i = 0, a = 0;
    if (i >= n - 1) i = n - 1, a = 0;
  };
  std::vector<int> x0(size.width);
  std::vector<float> ax(size.width);
  for (int x = 0; x < size.width; ++x) tap(x, sx, small.cols, x0[x], ax[x]);
  cv::Mat out(size, CV_8U);
  std::vector<float> r0(size.width), r1(size.width);
  auto horizontal = [&](int row, std::vector<float>& dst) {
    const float* s = small.ptr<float>(row);
    for (int x = 0; x < size.width; ++x) {
      const int i = x0[x];
      dst[x] = ax[x] == 0 ? s[i] : s[i] * (1 - ax[x]) + s[i + 1] * ax[x];
    }
  };
  int have0 = -1, have1 = -1;
  for (int y = 0; y < size.height; ++y) {
    int j;
    float a;
    tap(y, sy, small.rows, j, a);
    const int j1 = std::min(j + 1, small.rows - 1);
    if (have0 != j) {
      if (have1 == j) std::swap(r0, r1), have0 = j, have1 = -1;
      else horizontal(j, r0), have0 = j;
    }
    if (have1 != j1) horizontal(j1, r1), have1 = j1;
    unsigned char* o = out.ptr<unsigned char>(y);
    for (int x = 0; x < size.width; ++x) o[x] = cv::saturate_cast<unsigned char>(r0[x] * (1 - a) + r1[x] * a);
  }
  return out;
}

cv::Mat EstimateBackground(const cv::Mat& gray_in, double dpi, double background_inches) {
  const cv::Mat gray = ToGray(gray_in);
  const double f = std::max(1.0, dpi / kBackgroundDpi);
  cv::Mat small;
  cv::resize(gray, small,
             cv::Size(std::max(1, static_cast<int>(std::lround(gray.cols / f))),
                      std::max(1, static_cast<int>(std::lround(gray.rows / f)))),
             0, 0, cv::INTER_AREA);
  const int k = OddAtLeast(background_inches * dpi / f, 3);
  cv::Mat local;
  cv::dilate(small, local, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));

  // Robust smooth fit: leave out what is much darker than the fit (photos,
  // borders, dense text with no paper in reach) and fit again.
  cv::Mat use(local.size(), CV_8U, cv::Scalar(1));
  cv::Mat fit, local_f;
  local.convertTo(local_f, CV_32F);
  double tol = 8;
  for (int iter = 0; iter < 4; ++iter) {
    fit = FitCubic(local, use);
    cv::Mat resid = local_f - fit;
    std::vector<float> r;
    for (int y = 0; y < resid.rows; ++y)
      for (int x = 0; x < resid.cols; ++x)
        if (use.at<unsigned char>(y, x)) r.push_back(std::abs(resid.at<float>(y, x)));
    if (r.empty()) break;
    std::nth_element(r.begin(), r.begin() + r.size() / 2, r.end());
    tol = std::max(6.0, 3.0 * 1.4826 * r[r.size() / 2]);
    use = resid > -tol;
    use /= 255;
  }
  // The local estimate where it is plausible paper, the fit elsewhere.
  cv::Mat combined = local_f.clone();
  cv::Mat dark = (local_f - fit) < -tol;
  fit.copyTo(combined, dark);
  cv::GaussianBlur(combined, combined, cv::Size(0, 0), std::max(1.0, k / 2.0));
  cv::Mat out;
  if (gray.total() > kWholePagePixels) {
    out = UpscaleLinearTo8U(combined, gray.size());  // without the 4-byte full-size image
  } else {
    cv::Mat full;
    cv::resize(combined, full, gray.size(), 0, 0, cv::INTER_LINEAR);
    full.convertTo(out, CV_8U);
  }
  cv::max(out, 1, out);
  return out;
}

cv::Mat NormalizeIllumination(const cv::Mat& gray_in, double dpi, double background_inches) {
  const cv::Mat gray = ToGray(gray_in);
  cv::Mat bg = EstimateBackground(gray, dpi, background_inches);
  cv::Mat out;
  cv::divide(gray, bg, out, 255.0);
  return out;
}

cv::Mat Sauvola(const cv::Mat& gray_in, int window, double k, double dynamic_range) {
  cv::Mat out;
  Sauvola2(gray_in, window, k, -1, dynamic_range, &out, nullptr);
  return out;
}

void Sauvola2(const cv::Mat& gray_in, int window, double k, double k2, double dynamic_range, cv::Mat* out,
              cv::Mat* out2) {
  const cv::Mat gray = ToGray(gray_in);
  const int h = gray.rows, w = gray.cols, r = std::max(1, window / 2);
  const bool second = out2 != nullptr;
  out->create(gray.size(), CV_8U);
  if (second) out2->create(gray.size(), CV_8U);
  // Window sums from exact integer sums: per column over the window's rows
  // (slid down the page one row at a time), then prefix sums along the
  // row. The same integers the integral images held, so the same doubles
  // below, in about 60 % of the time (0.10 -> 0.06 s on an A4 page at
  // 300 dpi) and without two 64-bit integral images.
  std::vector<int32_t> col(static_cast<size_t>(w), 0);
  std::vector<int64_t> col2(static_cast<size_t>(w), 0), ps(static_cast<size_t>(w) + 1, 0),
      ps2(static_cast<size_t>(w) + 1, 0);
  // With R at least the largest possible standard deviation of 8-bit
  // values (127.5) and k >= 0, the threshold never exceeds the mean: a
  // pixel at or above the mean is paper without the square root.
  const bool mean_bounds = k >= 0 && (!second || k2 >= 0) && dynamic_range >= 128;
  int top = 0, bottom = 0;  // rows [top, bottom) are in the column sums
  for (int y = 0; y < h; ++y) {
    const int y0 = std::max(0, y - r), y1 = std::min(h, y + r + 1);
    for (; bottom < y1; ++bottom) {
      const unsigned char* g = gray.ptr<unsigned char>(bottom);
      for (int x = 0; x < w; ++x) col[x] += g[x], col2[x] += g[x] * g[x];
    }
    for (; top < y0; ++top) {
      const unsigned char* g = gray.ptr<unsigned char>(top);
      for (int x = 0; x < w; ++x) col[x] -= g[x], col2[x] -= g[x] * g[x];
    }
    for (int x = 0; x < w; ++x) ps[x + 1] = ps[x] + col[x], ps2[x + 1] = ps2[x] + col2[x];
    const unsigned char* g = gray.ptr<unsigned char>(y);
    unsigned char* o = out->ptr<unsigned char>(y);
    unsigned char* o2 = second ? out2->ptr<unsigned char>(y) : nullptr;
    for (int x = 0; x < w; ++x) {
      if (g[x] < kSurelyInk) {
        o[x] = 0;
        if (second) o2[x] = 0;
        continue;
      }
      const int x0 = std::max(0, x - r), x1 = std::min(w, x + r + 1);
      const double area = static_cast<double>(y1 - y0) * (x1 - x0);
      const double m = static_cast<double>(ps[x1] - ps[x0]) / area;
      if (mean_bounds && g[x] >= m) {
        o[x] = 255;
        if (second) o2[x] = 255;
        continue;
      }
      const double s2v = static_cast<double>(ps2[x1] - ps2[x0]);
      const double sd = std::sqrt(std::max(0.0, s2v / area - m * m));
      o[x] = g[x] < m * (1.0 + k * (sd / dynamic_range - 1.0)) ? 0 : 255;
      if (second) o2[x] = g[x] < m * (1.0 + k2 * (sd / dynamic_range - 1.0)) ? 0 : 255;
    }
  }
}

BinarizeResult Binarize(const cv::Mat& input, const BinarizeOptions& options, double dpi) {
  if (dpi <= 0) dpi = kDefaultDpi;
  BinarizeResult res;
  cv::Mat gray = ToGray(input);
  const cv::Mat scanned = gray;  // before any inversion: dark photos are found on it (step 4)
  if (options.invert_dark_areas) {
    // The input is copied only when a dark ground is inverted.
    cv::Mat inverted = gray;
    res.inverted = InvertDarkAreas(gray, &inverted, options, dpi);
    gray = inverted;
  }
  res.gray = options.normalize_light ? NormalizeIllumination(gray, dpi, options.background_inches) : gray.clone();
  const int window = std::max(3, static_cast<int>(std::lround(options.window_inches * dpi)));
  cv::Mat faint;
  const bool check_faint = options.faint_k > 0 && options.faint_k < options.k;
  Sauvola2(res.gray, window, options.k, options.faint_k, options.dynamic_range, &res.mask,
           check_faint ? &faint : nullptr);
  if (check_faint) {
    // Both masks are 0 or 255: ink = the pixels that are not 255 (no temporary masks).
    const int total = static_cast<int>(res.mask.total());
    const int ink = total - cv::countNonZero(res.mask), faint_ink = total - cv::countNonZero(faint);
    if (faint_ink > 0) res.ink_share = static_cast<double>(ink) / faint_ink;
    if (res.ink_share < options.faint_ink_share) {
      res.mask = faint;
      res.faint = true;
    }
    faint.release();  // one page-sized mask less while the components are labelled
  }

  // Borders and specks: one pass over the ink components, painted band by
  // band on large pages (no full label image: ink_components.h).
  const double scale2 = (dpi / kDefaultDpi) * (dpi / kDefaultDpi);
  const double speck = options.speckle_area * scale2;  // not rounded: 1.25 at 150 dpi still removes single pixels
  const int W = res.mask.cols, H = res.mask.rows;
  cv::Mat stats, centroids, border_mask;
  std::vector<unsigned char> drop, border;
  bool any_border = false;
  // Called once the stats are known, before the first band is painted.
  auto decide = [&](int n) {
    drop.assign(n, 0);
    border.assign(n, 0);
    for (int i = 1; i < n; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (stats.at<int>(i, cv::CC_STAT_AREA) < speck) {
        drop[i] = 1;
        ++res.specks_removed;
        continue;
      }
      const bool touches = x == 0 || y == 0 || x + w == W || y + h == H;
      // A border is a band, not a rule: its mean thickness (area / length)
      // is at least border_min_inches.
      const double thickness = stats.at<int>(i, cv::CC_STAT_AREA) / static_cast<double>(std::max(w, h));
      if (options.remove_borders && touches &&
          (w >= options.border_fraction * W || h >= options.border_fraction * H) &&
          thickness >= options.border_min_inches * dpi) {
        drop[i] = border[i] = 1;
        any_border = true;
        res.borders.emplace_back(x, y, w, h);
      }
    }
    if (any_border) border_mask = cv::Mat::zeros(res.mask.size(), CV_8U);
  };
  // The bands only change their own rows of the mask (dropped ink turns
  // white); the next band is labelled from rows not yet painted.
  const int n = InkComponents(res.mask, 1, &stats, &centroids, [&](int first_row, const cv::Mat& labels) {
    if (first_row == 0) decide(stats.rows);
    for (int y = 0; y < labels.rows; ++y) {
      const int* l = labels.ptr<int>(y);
      unsigned char* m = res.mask.ptr<unsigned char>(first_row + y);
      unsigned char* b = any_border ? border_mask.ptr<unsigned char>(first_row + y) : nullptr;
      for (int x = 0; x < W; ++x) {
        if (drop[l[x]]) m[x] = 255;
        if (b && border[l[x]]) b[x] = 255;
      }
    }
  });
  if (any_border) {
    const int d = OddAtLeast(dpi / 100.0, 3);
    cv::dilate(border_mask, border_mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(d, d)));
    res.gray.setTo(255, border_mask);
  }

  if (options.find_photos) {
    const double f = std::max(1.0, dpi / kPhotoDpi);
    const cv::Size small(std::max(1, static_cast<int>(std::lround(W / f))),
                         std::max(1, static_cast<int>(std::lround(H / f))));
    // Each page-sized temporary is reduced and freed before the next.
    cv::Mat mid_s, ink_s;
    {
      cv::Mat mid;  // 255 where kMidtoneLow <= gray <= kMidtoneHigh
      cv::inRange(res.gray, kMidtoneLow, kMidtoneHigh, mid);
      cv::resize(mid, mid_s, small, 0, 0, cv::INTER_AREA);
    }
    cv::resize(res.mask == 0, ink_s, small, 0, 0, cv::INTER_AREA);
    const int box = OddAtLeast(0.2 * dpi / f, 3);
    cv::blur(mid_s, mid_s, cv::Size(box, box));
    cv::blur(ink_s, ink_s, cv::Size(box, box));
    cv::Mat cand = (mid_s > options.photo_midtone_fraction * 255) | (ink_s > options.photo_ink_fraction * 255);
    if (options.photo_dark_fraction > 0) {
      // On the page as scanned: a dark photo with light specks passes for
      // a dark ground with text and is inverted (step 0). Text on a dark
      // ground is a candidate too, and stays text by photo_text_share.
      // Scanner borders are near black too: they are gone already (step 3).
      cv::Mat dark = scanned < kNearBlack, dark_s;
      if (any_border) dark.setTo(0, border_mask);
      cv::resize(dark, dark_s, small, 0, 0, cv::INTER_AREA);
      cv::blur(dark_s, dark_s, cv::Size(box, box));
      cand |= dark_s > options.photo_dark_fraction * 255;
    }
    const int e = OddAtLeast(0.1 * dpi / f, 3);
    const cv::Mat se = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(e, e));
    cv::morphologyEx(cand, cand, cv::MORPH_OPEN, se);
    cv::morphologyEx(cand, cand, cv::MORPH_CLOSE, se);
    cv::Mat plabels, pstats, pcent;
    const int pn = cv::connectedComponentsWithStats(cand, plabels, pstats, pcent, 8, CV_32S);
    const double min_side = options.photo_min_inches * dpi / f;
    // Text on dark or stained paper is mid-tone too: an area whose ink is
    // mostly glyph-sized components (photo_text_share of it, and many of
    // them) is text, not a photo. A photo's ink is large solid areas, or
    // halftone dots far smaller than glyphs. One pass over the ink
    // components: each counts for the area its centre lies in.
    struct AreaInk {
      double all = 0, glyphs = 0;
      int count = 0;
    };
    std::vector<AreaInk> area_ink(pn);
    if (options.photo_text_share > 0 && pn > 1) {
      // The page's glyph height: the median height of its ink components of
      // glyph size (kGlyphMinInches .. kGlyphMaxInches tall).
      std::vector<double> heights;
      for (int c = 1; c < n; ++c) {
        const int h = stats.at<int>(c, cv::CC_STAT_HEIGHT);
        if (!drop[c] && h >= kGlyphMinInches * dpi && h <= kGlyphMaxInches * dpi) heights.push_back(h);
      }
      const double glyph_h = layout::Percentile(heights, 0.5);
      for (int c = 1; glyph_h > 0 && c < n; ++c) {
        if (drop[c]) continue;
        const int cx = std::min(plabels.cols - 1, static_cast<int>(centroids.at<double>(c, 0) / f));
        const int cy = std::min(plabels.rows - 1, static_cast<int>(centroids.at<double>(c, 1) / f));
        const int area_label = plabels.at<int>(cy, cx);
        if (area_label <= 0) continue;
        AreaInk& ai = area_ink[area_label];
        const double area = stats.at<int>(c, cv::CC_STAT_AREA);
        const int ch = stats.at<int>(c, cv::CC_STAT_HEIGHT), cw = stats.at<int>(c, cv::CC_STAT_WIDTH);
        ai.all += area;
        if (ch >= kGlyphLow * glyph_h && ch <= kGlyphHigh * glyph_h && cw <= kGlyphWide * glyph_h) {
          ai.glyphs += area;
          ++ai.count;
        }
      }
    }
    for (int i = 1; i < pn; ++i) {
      const int w = pstats.at<int>(i, cv::CC_STAT_WIDTH), h = pstats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (w < min_side || h < min_side) continue;
      const int x = pstats.at<int>(i, cv::CC_STAT_LEFT), y = pstats.at<int>(i, cv::CC_STAT_TOP);
      const AreaInk& ai = area_ink[i];
      if (ai.all > 0 && ai.glyphs >= options.photo_text_share * ai.all && ai.count >= kTextMinGlyphs) continue;
      cv::Rect r(static_cast<int>(std::floor(x * f)), static_cast<int>(std::floor(y * f)),
                 static_cast<int>(std::ceil(w * f)), static_cast<int>(std::ceil(h * f)));
      r &= cv::Rect(0, 0, W, H);
      // Only the blob itself is cleared: on a skewed page the box of a
      // photo overlaps the text beside it.
      cv::Mat blob = plabels(cv::Rect(x, y, w, h)) == i, blob_full;
      const cv::Rect rs(static_cast<int>(std::lround(x * f)), static_cast<int>(std::lround(y * f)), 0, 0);
      cv::resize(blob, blob_full, cv::Size(std::max(1, static_cast<int>(std::lround((x + w) * f)) - rs.x),
                                           std::max(1, static_cast<int>(std::lround((y + h) * f)) - rs.y)),
                 0, 0, cv::INTER_NEAREST);
      const cv::Rect placed = cv::Rect(rs.x, rs.y, blob_full.cols, blob_full.rows) & cv::Rect(0, 0, W, H);
      res.mask(placed).setTo(255, blob_full(cv::Rect(0, 0, placed.width, placed.height)));
      res.photos.push_back(r);
    }
  }
  return res;
}

Status BinarizePage(Page& page, const BinarizeOptions& options, const RunContext& ctx) {
  if (ctx.cancelled()) return Status(Code::kCancelled, "binarize: cancelled");
  if (page.image.empty()) return Status(Code::kBadInput, "binarize: the page has no image");
  try {
    BinarizeResult res = Binarize(View(page.image), options, page.info.dpi > 0 ? page.info.dpi : kDefaultDpi);
    page.image = FromMat(res.gray);
    page.text_mask = FromMat(res.mask);
    if (res.faint) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "faint text: Sauvola k=%.2g keeps %.0f %% of the ink k=%.2g finds; text mask made with k=%.2g",
                    options.k, 100 * res.ink_share, options.faint_k, options.faint_k);
      page.warnings.push_back(buf);
    }
    page.info.photos.clear();
    for (const cv::Rect& r : res.photos) page.info.photos.push_back(Box{r.x, r.y, r.width, r.height});
    if (ctx.debugging()) ctx.debug_image("10-binarized", page.text_mask);
  } catch (const cv::Exception& e) {
    return StatusFromCv("binarize", e);
  }
  return Status::Ok();
}

namespace {
std::vector<OptionField<BinarizeOptions>> BinarizeFields() {
  return {
      {"normalize_light", &BinarizeOptions::normalize_light, "divide by the estimated paper brightness", ""},
      {"background_inches", &BinarizeOptions::background_inches, "max-filter size of the paper estimate", "inches"},
      {"window_inches", &BinarizeOptions::window_inches, "Sauvola window side (2-3 body text heights)", "inches"},
      {"k", &BinarizeOptions::k, "Sauvola k: higher gives thinner strokes", ""},
      {"dynamic_range", &BinarizeOptions::dynamic_range, "Sauvola R: range of the local standard deviation", "gray levels"},
      {"faint_k", &BinarizeOptions::faint_k, "Sauvola k for faint text (0 = never switch)", ""},
      {"faint_ink_share", &BinarizeOptions::faint_ink_share, "faint text: k keeps less than this share of faint_k's ink", "fraction"},
      {"speckle_area", &BinarizeOptions::speckle_area, "smaller components are removed (scaled by (dpi/300)^2)", "pixels at 300 dpi"},
      {"remove_borders", &BinarizeOptions::remove_borders, "remove dark scanner borders touching the edge", ""},
      {"border_fraction", &BinarizeOptions::border_fraction, "a border spans at least this part of its side", "fraction"},
      {"border_min_inches", &BinarizeOptions::border_min_inches, "a border is at least this thick on average", "inches"},
      {"invert_dark_areas", &BinarizeOptions::invert_dark_areas, "light text on dark ground is inverted first", ""},
      {"inverse_min_inches", &BinarizeOptions::inverse_min_inches, "smallest side of a dark ground", "inches"},
      {"inverse_max_glyph_inches", &BinarizeOptions::inverse_max_glyph_inches, "largest side of a light glyph on it", "inches"},
      {"inverse_min_glyphs", &BinarizeOptions::inverse_min_glyphs, "light glyphs a dark ground needs", "count"},
      {"inverse_ground_fraction", &BinarizeOptions::inverse_ground_fraction, "dark part of the ground with its glyphs and of its box", "fraction"},
      {"inverse_max_spread", &BinarizeOptions::inverse_max_spread, "interquartile range of a ground's gray (photos spread)", "gray levels"},
      {"find_photos", &BinarizeOptions::find_photos, "take photo and halftone areas out of the text mask", ""},
      {"photo_min_inches", &BinarizeOptions::photo_min_inches, "smallest side of a photo", "inches"},
      {"photo_midtone_fraction", &BinarizeOptions::photo_midtone_fraction, "photo: part of pixels that are mid-tones", "fraction"},
      {"photo_text_share", &BinarizeOptions::photo_text_share,
       "an area whose ink is this much glyph-sized components is text on stained paper, not a photo (0: off)", "fraction"},
      {"photo_ink_fraction", &BinarizeOptions::photo_ink_fraction, "photo: or part of pixels that are ink", "fraction"},
      {"photo_dark_fraction", &BinarizeOptions::photo_dark_fraction,
       "photo: or part of pixels near black as scanned (a dark photo; 0: off)", "fraction"},
  };
}
}  // namespace

StageInfo BinarizeStageInfo() {
  return MakeStageInfo<BinarizeOptions>(
      "binarize", "evens out the lighting, Sauvola text mask, removes specks, scanner borders and photos from it",
      DataKind::kImage, DataKind::kImage, BinarizeFields(),
      [](Page& page, const BinarizeOptions& o, const RunContext& ctx) { return BinarizePage(page, o, ctx); });
}

}  // namespace ocrflow::image
