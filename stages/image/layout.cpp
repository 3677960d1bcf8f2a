#include "stages/image/layout.h"
#include "stages/image/tables.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

enum class Kind { kText, kSpeck, kRule, kPicture };

struct Comp {
  cv::Rect r;
  int area = 0;
  Kind kind = Kind::kText;
};

struct TextLine {
  cv::Rect r;
  std::vector<int> comps;
  double size = 0;  // text size: height of the core (below), or of the tallest pieces of a short line
  // The line's core: median top and bottom of its components (x-height band
  // and baseline for Latin, the character box for CJK). Gaps between cores
  // do not depend on which ascenders and descenders a line happens to have.
  int core_top = 0, core_bottom = 0;
  bool large = false;
};

struct Blk {
  cv::Rect r;
  std::vector<int> lines;  // indices into the line list, top to bottom
  bool large = false;
  bool open = true;
  Role role = Role::kBody;
  int column = -1;
  int article = -1;
  bool dead = false;  // merged into another block
};

int Right(const cv::Rect& r) { return r.x + r.width; }
int Bottom(const cv::Rect& r) { return r.y + r.height; }
int OverlapX(const cv::Rect& a, const cv::Rect& b) { return std::min(Right(a), Right(b)) - std::max(a.x, b.x); }
int OverlapY(const cv::Rect& a, const cv::Rect& b) { return std::min(Bottom(a), Bottom(b)) - std::max(a.y, b.y); }
cv::Rect Hull(const cv::Rect& a, const cv::Rect& b) {
  if (a.area() == 0) return b;
  if (b.area() == 0) return a;
  return a | b;
}
cv::Rect ToRect(const Box& b) { return {b.x, b.y, b.w, b.h}; }

struct Dsu {
  std::vector<int> p;
  explicit Dsu(size_t n) : p(n) { std::iota(p.begin(), p.end(), 0); }
  int Find(int x) {
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
  }
  void Unite(int a, int b) { p[Find(a)] = Find(b); }
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// Median of values with integer weights.
double WeightedMedian(std::vector<std::pair<double, double>> vw) {
  if (vw.empty()) return 0;
  std::sort(vw.begin(), vw.end());
  double total = 0;
  for (auto& [v, w] : vw) total += w;
  double acc = 0;
  for (auto& [v, w] : vw) {
    acc += w;
    if (acc >= total / 2) return v;
  }
  return vw.back().first;
}

constexpr double kHeadlineLeading = 1.0;   // x line height: widest gap between the lines of a headline
constexpr double kSizeStep = 1.2;           // glyph height ratio of two lines that are not one block
constexpr double kSubheadlineRatio = 1.15;  // glyph height / body glyph height of a sub-headline
constexpr double kLeadingFillEm = 0.75;  // em: text grown up and down when looking for gutters
constexpr double kGutterReachEm = 1.0;  // em: a gutter this far above or below a gap parts body text
constexpr double kMaxGutterEm = 6;      // em: white wider than this is open space, not a gutter
constexpr double kGutterEdgeEm = 0.3;    // em: a gutter's straight edge wanders at most this much
constexpr double kGutterAlignedShare = 0.7;  // share of a gutter's rows on its straight edge
constexpr double kSureGutterEm = 12;     // em: white this tall is a gutter whatever its edges
constexpr double kGutterWidthShare = 0.85;  // short white between lines narrower than this x the page's gutters is a word gap
constexpr double kEdgeReachEm = 1.5;     // em: farthest first word of a line from a gutter's edge
constexpr double kGutterBridgeEm = 0.5;  // em: longest break in a gutter's white bridged
constexpr double kNoiseEm = 0.3;         // em: text components smaller than this, alone, are noise to the gutter map
constexpr double kNoiseClearEm = 0.6;    // em: no larger ink this near makes such a component alone
constexpr double kMinColumnEm = 4;       // em: narrowest text beside a short gutter (less is a word gap near a column's edge)

// The cells of `cells` (CV_8U, nonzero = set) that lie in a vertical run
// of set cells at least `min_run` tall, as 0/1.
cv::Mat TallRuns(const cv::Mat& cells, int min_run) {
  cv::Mat out(cells.rows, cells.cols, CV_8U, cv::Scalar(0));
  for (int x = 0; x < cells.cols; ++x) {
    int y = 0;
    while (y < cells.rows) {
      if (!cells.at<uchar>(y, x)) {
        ++y;
        continue;
      }
      const int y0 = y;
      while (y < cells.rows && cells.at<uchar>(y, x)) ++y;
      if (y - y0 >= min_run)
        for (int k = y0; k < y; ++k) out.at<uchar>(k, x) = 1;
    }
  }
  return out;
}

// Gutter map: cells of whitespace that is both tall and wide (see layout.h).
// Queried through an integral image: does a rectangle touch a gutter?
class GutterMap {
 public:
  GutterMap(const std::vector<Comp>& comps, const std::vector<cv::Rect>& obstacles,
            const std::vector<cv::Rect>& vertical_rules, cv::Size page, double em, const LayoutOptions& o) {
    cell_ = std::max(1, static_cast<int>(std::lround(em / 8)));
    gw_ = (page.width + cell_ - 1) / cell_;
    gh_ = (page.height + cell_ - 1) / cell_;
    cv::Mat occ(gh_, gw_, CV_8U, cv::Scalar(0));
    auto mark = [&](const cv::Rect& r, cv::Mat& m) {
      int x0 = std::max(0, r.x / cell_), y0 = std::max(0, r.y / cell_);
      int x1 = std::min(gw_ - 1, (Right(r) - 1) / cell_), y1 = std::min(gh_ - 1, (Bottom(r) - 1) / cell_);
      if (x1 >= x0 && y1 >= y0) m(cv::Range(y0, y1 + 1), cv::Range(x0, x1 + 1)).setTo(1);
    };
    // Text is grown vertically by kLeadingFillEm so the leading between the
    // lines of a column is ink: a column becomes a solid slab and the white
    // between two columns a narrow channel, while the white between the
    // words or after the punctuation of one line stays a short hole.
    // Noise that passed for text (a blot just over speck_em) is left out
    // when no larger ink lies near it: grown to leading height, a few such
    // blots in the open space around a headline cut it into narrow white
    // that stood as a gutter through the white after its 。. A comma, the
    // dot of an i, a stroke of 二 lie beside the glyphs of their line.
    const int pad = static_cast<int>(std::lround(kLeadingFillEm * em));
    const double small = kNoiseEm * em;
    cv::Mat large(gh_, gw_, CV_8U, cv::Scalar(0)), large_sum;
    for (const Comp& c : comps)
      if (c.kind == Kind::kText && std::max(c.r.width, c.r.height) >= small) mark(c.r, large);
    cv::integral(large, large_sum, CV_32S);
    const int near = static_cast<int>(std::lround(kNoiseClearEm * em));
    auto alone = [&](const Comp& c) {
      return std::max(c.r.width, c.r.height) < small &&
             !Touches(cv::Rect(c.r.x - near, c.r.y - near, c.r.width + 2 * near, c.r.height + 2 * near), large_sum);
    };
    for (const Comp& c : comps) {
      if (c.kind == Kind::kText && !alone(c)) mark(cv::Rect(c.r.x, c.r.y - pad, c.r.width, c.r.height + 2 * pad), occ);
      // A vertical rule stands in the middle of a gutter: it must not cut the
      // white into two halves narrower than a gutter (it is added below).
      if (c.kind == Kind::kRule && c.r.width >= c.r.height) mark(c.r, occ);
    }
    for (const cv::Rect& r : obstacles) mark(r, occ);

    // Narrow white: a horizontal run of white between gutter_em and
    // kMaxGutterEm wide (open space between articles or around a short line
    // is wider). A gutter is narrow white that runs gutter_height_em tall.
    const int min_w = std::max(1, static_cast<int>(std::floor(o.gutter_em * em / cell_)) - 1);
    const int max_w = std::max(min_w + 1, static_cast<int>(std::ceil(kMaxGutterEm * em / cell_)));
    const int min_h = std::max(2, static_cast<int>(std::ceil(o.gutter_height_em * em / cell_)));
    cv::Mat narrow(gh_, gw_, CV_8U, cv::Scalar(0)), open(gh_, gw_, CV_8U, cv::Scalar(0));
    cv::Mat margin(gh_, gw_, CV_8U, cv::Scalar(0));  // white that reaches the page's edge
    for (int y = 0; y < gh_; ++y) {
      const uchar* oc = occ.ptr<uchar>(y);
      uchar* nw = narrow.ptr<uchar>(y);
      int x = 0;
      while (x < gw_) {
        if (oc[x]) {
          ++x;
          continue;
        }
        int x0 = x;
        while (x < gw_ && !oc[x]) ++x;
        if (x0 == 0 || x == gw_) std::fill(margin.ptr<uchar>(y) + x0, margin.ptr<uchar>(y) + x, 1);
        if (x - x0 >= min_w && x - x0 <= max_w) {
          std::fill(nw + x0, nw + x, 1);
        } else if (x - x0 > max_w) {
          std::fill(open.ptr<uchar>(y) + x0, open.ptr<uchar>(y) + x, 1);
          // Open space beside a short line (a paragraph's last line, a
          // byline): the gutter runs on along the edges of the text on either
          // side, so the cells next to them count as narrow white.
          // Only a gutter's width: wider bands would join the word gaps of
          // the lines above and below into a false gutter.
          const int band = min_w + 1;
          if (x < gw_) std::fill(nw + x - band, nw + x, 1);
          if (x0 > 0) std::fill(nw + x0, nw + x0 + band, 1);
        }
      }
    }
    // Where a paragraph's short last line in one column meets an indented
    // first line in the next, the white of that row is open space and the
    // gutter breaks for a row or two. A tall run of narrow white goes on
    // through such a break, over open space only and only in its own cell
    // columns (bridging anywhere would join the word gaps of Latin lines).
    {
      const int k = std::max(1, static_cast<int>(std::ceil(kGutterBridgeEm * em / cell_)));
      const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 2 * k + 1));
      cv::Mat closed, ends;
      cv::morphologyEx(narrow, closed, cv::MORPH_CLOSE, kernel);
      cv::dilate(TallRuns(narrow, min_h), ends, kernel);
      narrow |= closed & ends & open;
    }
    cv::Mat gut = TallRuns(narrow, min_h);
    DropRivers(gut, comps, em);
    // A speck of noise in a gutter must not open a passage through it: close
    // short vertical interruptions.
    int close = std::max(1, static_cast<int>(std::lround(2.0 * em / cell_)));
    cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 2 * close + 1));
    cv::morphologyEx(gut, gut, cv::MORPH_CLOSE, kernel);
    for (const cv::Rect& r : vertical_rules) mark(r, gut);
    gutter_ = gut;
    cv::integral(gut, integral_, CV_32S);
    cv::integral(gut & (margin == 0), inner_integral_, CV_32S);
  }

  // A river of word gaps in a narrow justified column runs several lines tall
  // like a gutter, but the words beside it start and end wherever the line
  // breaks put them. A real gutter has a straight edge on at least one side:
  // the lines right of it start at one x (the column's left edge), or the
  // lines left of it end at one x (a justified column). For each white region
  // the first word right of it in each line (the first ink after its edge in
  // that line, at most kEdgeReachEm away) and the last word left of it are
  // collected; the region is a river, and dropped, when fewer than
  // kGutterAlignedShare of them on either side lie within kGutterEdgeEm of
  // that side's median. Regions kSureGutterEm tall are kept unexamined.
  void DropRivers(cv::Mat& gut, const std::vector<Comp>& comps, double em) const {
    // Cells in a vertical run kSureGutterEm tall are sure; the rest is judged
    // region by region (a river may touch a real gutter through the white
    // beside a short line, so the regions are the unsure cells alone).
    const int sure_h = static_cast<int>(std::ceil(kSureGutterEm * em / cell_));
    cv::Mat sure = TallRuns(gut, sure_h);
    cv::Mat unsure = gut & (sure == 0);
    cv::Mat labels, labels2, stats, stats2, centroids;
    const int n_sure = cv::connectedComponentsWithStats(sure, labels, stats, centroids, 8, CV_32S);
    const int n_unsure = cv::connectedComponentsWithStats(unsure, labels2, stats2, centroids, 8, CV_32S);
    if (n_unsure <= 1) return;
    // One label image: sure regions 1..n_sure-1, unsure ones after them.
    for (int y = 0; y < gh_; ++y) {
      int* lab = labels.ptr<int>(y);
      const int* lab2 = labels2.ptr<int>(y);
      for (int x = 0; x < gw_; ++x)
        if (lab2[x] > 0) lab[x] = lab2[x] + n_sure - 1;
    }
    stats.push_back(stats2.rowRange(1, n_unsure));
    const int n = n_sure + n_unsure - 1;
    auto is_sure = [&](int id) { return id < n_sure; };
    std::vector<int> judged;  // region ids, all of them
    std::vector<int> slot(n, -1);
    for (int id = 1; id < n; ++id) {
      slot[id] = static_cast<int>(judged.size());
      judged.push_back(id);
    }
    // Per examined region and cell row: first and one-past-last cell.
    std::vector<std::vector<std::pair<int, int>>> span(judged.size(), std::vector<std::pair<int, int>>(gh_, {-1, -1}));
    for (int y = 0; y < gh_; ++y) {
      const int* lab = labels.ptr<int>(y);
      for (int x = 0; x < gw_; ++x) {
        int k = slot[lab[x]];
        if (k < 0) continue;
        auto& sp = span[k][y];
        if (sp.first < 0) sp.first = x;
        sp.second = x + 1;
      }
    }
    std::vector<int> text;
    for (int i = 0; i < static_cast<int>(comps.size()); ++i)
      if (comps[i].kind == Kind::kText) text.push_back(i);
    std::sort(text.begin(), text.end(), [&](int x, int y) { return comps[x].r.x < comps[y].r.x; });
    std::vector<int> rights_sorted = text;
    std::sort(rights_sorted.begin(), rights_sorted.end(), [&](int x, int y) { return Right(comps[x].r) < Right(comps[y].r); });
    const double reach = kEdgeReachEm * em;
    // Any text ink in the row of `c` with horizontal extent overlapping (x0, x1)?
    auto ink_between = [&](const cv::Rect& c, int x0, int x1) {
      auto it = std::lower_bound(text.begin(), text.end(), x0 - static_cast<int>(2 * em),
                                 [&](int i, int v) { return comps[i].r.x < v; });
      for (; it != text.end() && comps[*it].r.x < x1; ++it) {
        const cv::Rect& d = comps[*it].r;
        if (d == c || Right(d) <= x0) continue;
        if (OverlapY(d, c) * 2 >= std::min(d.height, c.height)) return true;
      }
      return false;
    };
    // Per row of `sure`: the sure gutter cells, to bound the text beside a
    // region (the text between it and the next sure gutter, or the page edge).
    std::vector<std::vector<int>> sure_x(gh_);
    for (int y = 0; y < gh_; ++y) {
      const uchar* s = sure.ptr<uchar>(y);
      for (int x = 0; x < gw_; ++x)
        if (s[x]) sure_x[y].push_back(x);
    }
    std::vector<std::vector<double>> starts(judged.size()), ends(judged.size());
    // Per region and cell row: how far the text runs right of it and left of
    // it before the next sure gutter (-1: no text there).
    std::vector<std::vector<int>> reach_r(judged.size(), std::vector<int>(gh_, -1));
    std::vector<std::vector<int>> reach_l(judged.size(), std::vector<int>(gh_, -1));
    for (int i : text) {
      const cv::Rect& c = comps[i].r;
      if (c.height < 0.25 * em || c.height > 2 * em) continue;
      int cy = std::clamp((c.y + c.height / 2) / cell_, 0, gh_ - 1);
      const auto& sx = sure_x[cy];
      for (size_t k = 0; k < judged.size(); ++k) {
        auto [l, r] = span[k][cy];
        if (l < 0) continue;
        int right_edge = r * cell_, left_edge = l * cell_;
        if (c.x >= right_edge - cell_ && c.x <= right_edge + reach && !ink_between(c, right_edge - cell_, c.x))
          starts[k].push_back(c.x);
        if (Right(c) <= left_edge + cell_ && Right(c) >= left_edge - reach &&
            !ink_between(c, Right(c), left_edge + cell_))
          ends[k].push_back(Right(c));
        if (c.x >= right_edge - cell_) {
          auto it = std::lower_bound(sx.begin(), sx.end(), r);
          int bound = it == sx.end() ? gw_ * cell_ : *it * cell_;
          if (Right(c) <= bound) reach_r[k][cy] = std::max(reach_r[k][cy], Right(c) - right_edge);
        } else if (Right(c) <= left_edge + cell_) {
          auto it = std::lower_bound(sx.begin(), sx.end(), l);
          int bound = it == sx.begin() ? 0 : (*std::prev(it) + 1) * cell_;
          if (c.x >= bound) reach_l[k][cy] = std::max(reach_l[k][cy], left_edge - c.x);
        }
      }
    }
    // The median reach over the rows with text on that side (0: none).
    auto median_reach = [&](const std::vector<int>& v) {
      std::vector<double> w;
      for (int x : v)
        if (x >= 0) w.push_back(x);
      return Percentile(w, 0.5);
    };
    const double tol = kGutterEdgeEm * em;
    auto aligned = [&](const std::vector<double>& v) {
      if (v.size() < 2) return 1.0;  // too few lines to judge
      double med = Percentile(v, 0.5);
      size_t k = 0;
      for (double x : v) k += std::abs(x - med) <= tol;
      return static_cast<double>(k) / v.size();
    };
    // Width of a region: the median width of its rows. The page's gutter
    // width: the median width of tall regions with lines on both sides.
    std::vector<double> width(judged.size(), 0), tall_widths;
    for (size_t k = 0; k < judged.size(); ++k) {
      std::vector<double> w;
      for (auto [l, r] : span[k])
        if (l >= 0) w.push_back((r - l) * cell_);
      width[k] = Percentile(w, 0.5);
      if (is_sure(judged[k]) && starts[k].size() >= 3 && ends[k].size() >= 3)
        tall_widths.push_back(width[k]);
    }
    const double page_gutter = Percentile(tall_widths, 0.5);  // 0 = none
    std::vector<uchar> keep(n, 1);
    for (size_t k = 0; k < judged.size(); ++k) {
      int id = judged[k];
      if (is_sure(id)) continue;
      // The end of a sure gutter (cut short where the white narrows) runs on
      // in its line, above or below it.
      bool continues = false;
      const cv::Rect u(stats.at<int>(id, 0), stats.at<int>(id, 1), stats.at<int>(id, 2), stats.at<int>(id, 3));
      for (int sid = 1; sid < n_sure && !continues; ++sid) {
        const cv::Rect sr(stats.at<int>(sid, 0), stats.at<int>(sid, 1) - 1, stats.at<int>(sid, 2), stats.at<int>(sid, 3) + 2);
        continues = OverlapY(u, sr) > 0 && 2 * OverlapX(u, sr) >= u.width;
      }
      if (continues) continue;
      double share = std::max(aligned(starts[k]), aligned(ends[k]));
      // Between lines on both sides, white narrower than the page's gutters
      // (a gutter narrowed by a photo, or a word gap) must have the straight
      // left edge of a column on its right, in at least three lines.
      bool inside_text = !starts[k].empty() && !ends[k].empty();
      bool narrow = page_gutter > 0 && width[k] < kGutterWidthShare * page_gutter;
      if (inside_text && narrow) share = starts[k].size() >= 3 ? aligned(starts[k]) : 0;
      // A gap with only a word or two between it and a column's edge is a
      // river of a justified column, however straight its sides.
      if (inside_text && std::min(median_reach(reach_r[k]), median_reach(reach_l[k])) < kMinColumnEm * em) share = 0;
      if (share < kGutterAlignedShare) keep[id] = 0;
    }
    for (int y = 0; y < gh_; ++y) {
      const int* lab = labels.ptr<int>(y);
      uchar* g = gut.ptr<uchar>(y);
      for (int x = 0; x < gw_; ++x)
        if (!keep[lab[x]]) g[x] = 0;
    }
  }

  // True if any gutter cell lies strictly inside the pixel rectangle.
  bool Touches(const cv::Rect& r) const { return Touches(r, integral_); }

  // Whether the horizontal gap between a (left) and b (right) crosses a
  // gutter, looked for up to `reach` pixels above and below the gap too:
  // there only gutters between text count, not the page's margins. The white
  // after the short lines of a ragged column runs on into the margin; found
  // above or below, it parted a longer line's last word from the rest.
  bool Between(const cv::Rect& a, const cv::Rect& b, int reach = 0) const {
    int y0 = std::max(a.y, b.y), y1 = std::min(Bottom(a), Bottom(b));
    if (y1 <= y0) {
      y0 = std::min(a.y, b.y);
      y1 = std::max(Bottom(a), Bottom(b));
    }
    const cv::Rect& l = a.x <= b.x ? a : b;
    const cv::Rect& r = a.x <= b.x ? b : a;
    const cv::Rect gap(Right(l), y0, r.x - Right(l), y1 - y0);
    return Touches(gap, integral_) ||
           (reach > 0 && Touches(cv::Rect(gap.x, gap.y - reach, gap.width, gap.height + 2 * reach), inner_integral_));
  }

  const cv::Mat& cells() const { return gutter_; }
  std::vector<Box> Boxes() const {
    cv::Mat labels, stats, centroids;
    int n = cv::connectedComponentsWithStats(gutter_, labels, stats, centroids, 8, CV_32S);
    std::vector<Box> out;
    for (int i = 1; i < n; ++i)
      out.push_back({stats.at<int>(i, cv::CC_STAT_LEFT) * cell_, stats.at<int>(i, cv::CC_STAT_TOP) * cell_,
                     stats.at<int>(i, cv::CC_STAT_WIDTH) * cell_, stats.at<int>(i, cv::CC_STAT_HEIGHT) * cell_});
    return out;
  }
  int cell() const { return cell_; }

 private:
  bool Touches(const cv::Rect& r, const cv::Mat& integral) const {
    if (r.width <= 0 || r.height <= 0) return false;
    int x0 = std::clamp((r.x + cell_ - 1) / cell_, 0, gw_), x1 = std::clamp(Right(r) / cell_, 0, gw_);
    int y0 = std::clamp(r.y / cell_, 0, gh_), y1 = std::clamp((Bottom(r) + cell_ - 1) / cell_, 0, gh_);
    if (x1 <= x0 || y1 <= y0) return false;
    int s = integral.at<int>(y1, x1) - integral.at<int>(y0, x1) - integral.at<int>(y1, x0) + integral.at<int>(y0, x0);
    return s > 0;
  }

  int cell_ = 1, gw_ = 0, gh_ = 0;
  cv::Mat gutter_, integral_, inner_integral_;  // inner: without the margins
};

// A component that touches glyphs of two stacked lines (on a tight or blurred
// scan a descender runs into the ascender of the line below) would join the
// two lines into one, which then passes for a two-line-high headline. Such a
// bridge
// - is at least kBridgeTallness x as tall as two glyphs it touches, which are
//   whole glyphs (at least kBridgeGlyphShare of the median component height:
//   not dots, not the strokes of 二) with centres at least kBridgeRowApart x
//   their height apart;
// - has no peer: no neighbour at least kBridgePeer x as tall that is not of
//   that shape itself (a headline's glyphs, a CJK character beside the others
//   of its line, all have one; two descenders run into the next line side by
//   side are not each other's peers);
// - and those two glyphs lie on two lines of their own, one above the other,
//   once the candidates are left out: lines of at least kBridgeLineComps
//   components. Not the stacked parts of a CJK character beside it, which the
//   rest of their row holds together.
constexpr double kBridgeTallness = 1.5;
constexpr double kBridgeGlyphShare = 0.4;
constexpr double kBridgeRowApart = 1.2;
constexpr double kBridgePeer = 0.7;
constexpr int kBridgeLineComps = 3;

// Candidate bridges among the text components `idx` (the first two points
// above), given the neighbour pairs that would join: for each, the two
// touched glyphs (or -1).
std::vector<std::pair<int, int>> BridgeCandidates(const std::vector<Comp>& comps, const std::vector<int>& idx,
                                                  const std::vector<std::pair<int, int>>& pairs) {
  std::vector<std::pair<int, int>> cand(comps.size(), {-1, -1});
  std::vector<double> hs;
  for (int i : idx) hs.push_back(comps[i].r.height);
  if (hs.empty()) return cand;
  const double min_glyph = kBridgeGlyphShare * Percentile(hs, 0.5);
  std::vector<std::vector<int>> touched(comps.size());
  for (auto [a, b] : pairs)
    for (auto [c, n] : {std::pair(a, b), std::pair(b, a)}) {
      const double h = comps[n].r.height;
      if (h >= min_glyph && comps[c].r.height >= kBridgeTallness * h) touched[c].push_back(n);
    }
  // By shape.
  auto centre = [&](int i) { return comps[i].r.y + comps[i].r.height / 2.0; };
  for (int c : idx) {
    const std::vector<int>& t = touched[c];
    for (size_t i = 0; i < t.size() && cand[c].first < 0; ++i)
      for (size_t j = i + 1; j < t.size() && cand[c].first < 0; ++j) {
        const double h = std::max(comps[t[i]].r.height, comps[t[j]].r.height);
        if (std::abs(centre(t[i]) - centre(t[j])) >= kBridgeRowApart * h) cand[c] = {t[i], t[j]};
      }
  }
  // Without a peer.
  std::vector<bool> has_peer(comps.size(), false);
  for (auto [a, b] : pairs)
    for (auto [c, n] : {std::pair(a, b), std::pair(b, a)})
      if (cand[n].first < 0 && comps[n].r.height >= kBridgePeer * comps[c].r.height) has_peer[c] = true;
  for (int c : idx)
    if (has_peer[c]) cand[c] = {-1, -1};
  return cand;
}

// Groups text components into lines: neighbours that overlap vertically by
// half the smaller height and are at most gap_factor x the taller height (at
// least min_h) apart. With a gutter map, a gap that crosses a gutter joins only large
// components (a headline's word gap) and only if it is short for them. A
// bridge between two lines (above) belongs to neither line's geometry: it is
// left out of the lines.
std::vector<TextLine> BuildLines(const std::vector<Comp>& comps, double gap_factor, const GutterMap* gutters,
                                 double min_h, double large_h, double large_gap) {
  std::vector<int> idx;
  int max_h = 0;
  for (int i = 0; i < static_cast<int>(comps.size()); ++i)
    if (comps[i].kind == Kind::kText) {
      idx.push_back(i);
      max_h = std::max(max_h, comps[i].r.height);
    }
  std::sort(idx.begin(), idx.end(), [&](int a, int b) { return comps[a].r.x < comps[b].r.x; });
  Dsu dsu(comps.size());
  std::vector<std::pair<int, int>> pairs;  // neighbours that would join
  const double max_gap = gap_factor * std::max<double>(max_h, min_h);
  // A gutter that stops just short of a row (beside a photo, under a
  // column's last line) still parts body text.
  const int reach = gutters != nullptr ? static_cast<int>(std::lround(kGutterReachEm * min_h)) : 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    const cv::Rect& a = comps[idx[i]].r;
    for (size_t j = i + 1; j < idx.size(); ++j) {
      const cv::Rect& b = comps[idx[j]].r;
      if (b.x > Right(a) + max_gap) break;
      int mh = std::min(a.height, b.height);
      if (OverlapY(a, b) * 2 < mh) continue;
      int gap = b.x - Right(a);
      int hmax = std::max(a.height, b.height);
      // Pieces of a glyph (the dots of 点, a comma) are short: the gap is
      // measured against the text height, not theirs.
      if (gap > gap_factor * std::max<double>(hmax, min_h)) continue;
      // Across a gutter only large text joins (a headline's word gap, or the
      // gap after its punctuation, may sit above a gutter); body text never.
      if (gutters != nullptr && gap > 0 && gutters->Between(a, b, reach)) {
        if (!(mh >= large_h && gap <= large_gap * hmax)) continue;
      }
      pairs.push_back({idx[i], idx[j]});
    }
  }
  // Lines without the candidate bridges first; a candidate whose two glyphs
  // then lie on two lines of their own, one above the other, is a bridge.
  const std::vector<std::pair<int, int>> cand = BridgeCandidates(comps, idx, pairs);
  for (auto [a, b] : pairs)
    if (cand[a].first < 0 && cand[b].first < 0) dsu.Unite(a, b);
  std::vector<int> group_size(comps.size(), 0);
  std::vector<cv::Rect> group_box(comps.size());
  for (int i : idx) {
    const int g = dsu.Find(i);
    ++group_size[g];
    group_box[g] = Hull(group_box[g], comps[i].r);
  }
  std::vector<bool> bridge(comps.size(), false);
  for (int c : idx) {
    if (cand[c].first < 0) continue;
    const int g1 = dsu.Find(cand[c].first), g2 = dsu.Find(cand[c].second);
    const cv::Rect &r1 = group_box[g1], &r2 = group_box[g2];
    bridge[c] = g1 != g2 && group_size[g1] >= kBridgeLineComps && group_size[g2] >= kBridgeLineComps &&
                OverlapY(r1, r2) * 2 < std::min(r1.height, r2.height);
  }
  for (auto [a, b] : pairs)
    if ((cand[a].first >= 0 || cand[b].first >= 0) && !bridge[a] && !bridge[b]) dsu.Unite(a, b);
  std::vector<int> line_of(comps.size(), -1);
  std::vector<TextLine> lines;
  for (int i : idx) {
    if (bridge[i]) continue;  // half of it is in the way of each line: left out (the OCR still sees it)
    int root = dsu.Find(i);
    if (line_of[root] < 0) {
      line_of[root] = static_cast<int>(lines.size());
      lines.emplace_back();
    }
    TextLine& l = lines[line_of[root]];
    l.comps.push_back(i);
    l.r = Hull(l.r, comps[i].r);
  }
  for (TextLine& l : lines) {
    std::vector<double> hs, tops, bottoms;
    for (int c : l.comps) {
      hs.push_back(comps[c].r.height);
      if (comps[c].r.height * 3 >= l.r.height) {  // not a dot or a comma
        tops.push_back(comps[c].r.y);
        bottoms.push_back(Bottom(comps[c].r));
      }
    }
    l.core_top = tops.empty() ? l.r.y : static_cast<int>(Percentile(tops, 0.5));
    l.core_bottom = tops.empty() ? Bottom(l.r) : static_cast<int>(Percentile(bottoms, 0.5));
    // Core height: x-height for Latin (whatever share of ascenders the line
    // has), the character height for CJK.
    l.size = tops.size() >= 3 ? std::max(1, l.core_bottom - l.core_top) : Percentile(hs, 0.8);
  }
  return lines;
}

// Pieces of one line that BuildLines left apart: a wide word gap of a
// justified line, the white after punctuation. Within a column nothing else
// shares a line's row, so two pieces on one row with no gutter or rule
// between them, at most kRowJoinEm apart and of one size class, are one line.
constexpr double kRowJoinEm = 3.5;  // em: widest gap joined inside a line
// A narrow justified Latin column spreads a short line's words far apart
// ("City" 3.6 em from "planners" in an indented first line). Latin text
// is told by its core: the x-height band is well under the line's whole
// height, where a CJK glyph fills it. One piece tells (a short word such as
// "the" is mostly ascenders). Not for CJK: the cells of a report's table
// stand that far apart.
constexpr double kRowJoinLatinEm = 5;
constexpr double kRowPieceShare = 0.6;  // a piece of a row is under this share of the other's height
constexpr double kLatinCoreShare = 0.75;  // core / whole height below this: Latin

void RecomputeLine(const std::vector<Comp>& comps, TextLine& l) {
  std::vector<double> hs, tops, bottoms;
  l.r = cv::Rect();
  for (int c : l.comps) l.r = Hull(l.r, comps[c].r);
  for (int c : l.comps) {
    hs.push_back(comps[c].r.height);
    if (comps[c].r.height * 3 >= l.r.height) {
      tops.push_back(comps[c].r.y);
      bottoms.push_back(Bottom(comps[c].r));
    }
  }
  l.core_top = tops.empty() ? l.r.y : static_cast<int>(Percentile(tops, 0.5));
  l.core_bottom = tops.empty() ? Bottom(l.r) : static_cast<int>(Percentile(bottoms, 0.5));
  l.size = tops.size() >= 3 ? std::max(1, l.core_bottom - l.core_top) : Percentile(hs, 0.8);
}

struct Analysis {
  Analysis(const LayoutOptions& options, cv::Size size) : o(options), page(size) {}
  const LayoutOptions& o;
  cv::Size page;
  double em = 0;
  double body_size = 0;
  std::vector<Comp> comps;
  std::vector<TextLine> lines;
  std::vector<Blk> blocks;
  std::vector<cv::Rect> hrules, vrules, photos, pictures;
  double column_width = 0;
  std::vector<std::pair<int, int>> columns;  // page columns [x0, x1), left to right

  // Rules and photos lying between y0 and y1 over the x-range [x0, x1).
  bool ObstacleBetween(int x0, int x1, int y0, int y1) const {
    if (y1 <= y0) return false;
    cv::Rect gap(x0, y0, x1 - x0, y1 - y0);
    for (const auto* list : {&hrules, &photos, &pictures})
      for (const cv::Rect& r : *list)
        if (OverlapX(r, gap) > 0 && OverlapY(r, gap) > 0) return true;
    return false;
  }
};

// Blots that passed for text make "lines" of their own, one or two stacked
// blots. Beside a column they would join its block, in a margin run into a
// header or pass for a footer. A line of at most kNoiseLineComps components,
// each smaller than kNoiseEm, is noise. (A lone 。 or ， does not end a CJK
// line: it is kept with the glyph before it.)
constexpr size_t kNoiseLineComps = 2;

void DropNoiseLines(Analysis& a) {
  const double small = kNoiseEm * a.em;
  std::erase_if(a.lines, [&](const TextLine& l) {
    if (l.comps.size() > kNoiseLineComps) return false;
    for (int c : l.comps)
      if (std::max(a.comps[c].r.width, a.comps[c].r.height) >= small) return false;
    return true;
  });
}

void FindComponents(const cv::Mat& mask, const std::vector<Box>& photos, Analysis& a) {
  cv::Mat ink = mask < 128;
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  a.comps.reserve(n);
  for (int i = 1; i < n; ++i) {
    Comp c;
    c.r = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                   stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    c.area = stats.at<int>(i, cv::CC_STAT_AREA);
    cv::Point center(c.r.x + c.r.width / 2, c.r.y + c.r.height / 2);
    bool in_photo = false;
    for (const Box& p : photos)
      if (ToRect(p).contains(center)) in_photo = true;
    if (in_photo) continue;
    a.comps.push_back(c);
  }
  for (const Box& p : photos) a.photos.push_back(ToRect(p));
}

// Specks, rules and pictures, in units of `em`.
void ClassifyComponents(Analysis& a, double em) {
  const LayoutOptions& o = a.o;
  for (Comp& c : a.comps) {
    int w = c.r.width, h = c.r.height;
    int longer = std::max(w, h), shorter = std::max(1, std::min(w, h));
    c.kind = Kind::kText;
    if (longer < o.speck_em * em) {
      c.kind = Kind::kSpeck;
    } else if (longer >= o.rule_min_em * em && longer >= o.rule_aspect * shorter) {
      c.kind = Kind::kRule;
    } else if (w >= 5 * em && h >= 5 * em) {
      c.kind = Kind::kPicture;  // a photo left in the mask, a frame, a box around text
    }
  }
}

// Rules printed thin come out of a noisy scan broken into pieces (and the
// pieces pass for text: they join the lines of two columns). Long thin runs
// of ink are found with morphology: the mask is closed along the rule's
// direction by a quarter em (repairing breaks, but never bridging the leading
// between two text lines, about half an em) and opened with a kernel
// kRuleRunEm long. What survives and is thinner than kRuleThickEm is a rule;
// every component that lies inside it (widened a little) is a piece of it.
constexpr double kRuleBridgeEm = 0.25;  // em: longest break repaired in a rule
constexpr double kRuleRunEm = 4.0;      // em: shortest rule found by morphology
constexpr double kRuleThickEm = 0.25;   // em: thickest rule

// Underlined text (a textbook's answer lines, a headline run into the rule
// under it) is one component with its underline: long and flat, so it passes
// for a rule and its words are lost to the text. Such a "rule" is too thick
// for one, and its ink lies mostly above (or below) a thin band of rows that
// the ink crosses nearly from end to end. The band is the rule; the ink off
// it, labelled again, is text.
constexpr double kUnderlineRowShare = 0.6;  // share of a band row's width that is ink
constexpr double kUnderlineEdgeShare = 0.35;  // band lies within this share of the box's top or bottom

void SplitUnderlinedText(const cv::Mat& mask, Analysis& a) {
  const double thick = kRuleThickEm * a.em;
  const size_t n = a.comps.size();
  for (size_t i = 0; i < n; ++i) {
    const Comp c = a.comps[i];
    if (c.kind != Kind::kRule || c.r.width < c.r.height || c.r.height <= 2 * thick + 2) continue;
    // This component's own pixels: the box may hold other glyphs of the line.
    cv::Mat roi_labels, roi_stats, roi_centroids;
    const cv::Mat ink = mask(c.r) < 128;
    const int m = cv::connectedComponentsWithStats(ink, roi_labels, roi_stats, roi_centroids, 8, CV_32S);
    int own = -1;
    for (int k = 1; k < m; ++k)
      if (roi_stats.at<int>(k, cv::CC_STAT_WIDTH) == c.r.width && roi_stats.at<int>(k, cv::CC_STAT_HEIGHT) == c.r.height &&
          (own < 0 || roi_stats.at<int>(k, cv::CC_STAT_AREA) > roi_stats.at<int>(own, cv::CC_STAT_AREA)))
        own = k;
    if (own < 0) continue;
    cv::Mat comp = roi_labels == own;
    int y0 = -1, y1 = -1;  // band rows [y0, y1)
    for (int y = 0; y < comp.rows; ++y) {
      if (cv::countNonZero(comp.row(y)) < kUnderlineRowShare * comp.cols) continue;
      if (y0 < 0) y0 = y;
      else if (y > y1 + 1) { y0 = -1; break; }  // two bands: a frame, not an underline
      y1 = y + 1;
    }
    if (y0 < 0 || y1 - y0 > thick + 2) continue;
    const bool bottom = y0 >= (1 - kUnderlineEdgeShare) * comp.rows, top = y1 <= kUnderlineEdgeShare * comp.rows;
    if (!bottom && !top) continue;
    comp.rowRange(y0, y1).setTo(0);
    cv::Mat labels, stats, centroids;
    const int k = cv::connectedComponentsWithStats(comp, labels, stats, centroids, 8, CV_32S);
    if (k <= 1) continue;
    a.comps[i].r = cv::Rect(c.r.x, c.r.y + y0, c.r.width, y1 - y0);
    a.comps[i].area = c.r.width * (y1 - y0);
    for (int j = 1; j < k; ++j) {
      Comp t;
      t.r = cv::Rect(c.r.x + stats.at<int>(j, cv::CC_STAT_LEFT), c.r.y + stats.at<int>(j, cv::CC_STAT_TOP),
                     stats.at<int>(j, cv::CC_STAT_WIDTH), stats.at<int>(j, cv::CC_STAT_HEIGHT));
      t.area = stats.at<int>(j, cv::CC_STAT_AREA);
      a.comps.push_back(t);
    }
  }
}

void EstimateScale(const cv::Mat& mask, double dpi, Analysis& a) {
  // First guess from component heights, then the median of strict lines.
  std::vector<double> hs;
  for (const Comp& c : a.comps)
    if (c.r.height >= 3 && c.r.width >= 2 && c.r.height < mask.rows / 8) hs.push_back(c.r.height);
  double em0 = hs.empty() ? 10 : Percentile(hs, 0.5);
  if (dpi > 0) em0 = std::max(em0, dpi * 0.02);
  ClassifyComponents(a, em0);
  // Long thin pieces would join neighbouring lines: leave them out here.
  std::vector<Comp> strict = a.comps;
  for (Comp& c : strict)
    if (c.kind == Kind::kText && std::max(c.r.width, c.r.height) > 8 * std::min(c.r.width, c.r.height))
      c.kind = Kind::kRule;
  std::vector<TextLine> lines = BuildLines(strict, 0.8, nullptr, 0, 0, 0);
  std::vector<std::pair<double, double>> line_h, glyph_h;
  for (const TextLine& l : lines) {
    if (l.comps.size() < 4) continue;
    line_h.push_back({static_cast<double>(l.r.height), static_cast<double>(l.comps.size())});
    glyph_h.push_back({l.size, static_cast<double>(l.comps.size())});
  }
  a.em = line_h.empty() ? em0 / 0.8 : WeightedMedian(line_h);
  a.body_size = glyph_h.empty() ? em0 : WeightedMedian(glyph_h);
  ClassifyComponents(a, a.em);
  const size_t before = a.comps.size();
  SplitUnderlinedText(mask, a);
  if (a.comps.size() > before) ClassifyComponents(a, a.em);  // the band stays a rule: long and thin
  for (const Comp& c : a.comps) {
    if (c.kind == Kind::kRule) (c.r.width >= c.r.height ? a.hrules : a.vrules).push_back(c.r);
    if (c.kind == Kind::kPicture) a.pictures.push_back(c.r);
  }
}

constexpr double kRuleClearEm = 0.5;          // em: white looked for beside a vertical rule
constexpr double kRuleTextBesideShare = 0.5;  // share of a rule's rows with ink on both sides that makes it text

// Share of the rows of the vertical strip `r` that have ink within `reach`
// pixels on both its left and its right.
double InkBesideShare(const cv::Mat& ink, const cv::Rect& r, double reach) {
  const int d = std::max(1, static_cast<int>(std::lround(reach)));
  const int lx0 = std::max(0, r.x - d), rx1 = std::min(ink.cols, Right(r) + d);
  int both = 0, rows = 0;
  for (int y = std::max(0, r.y); y < std::min(ink.rows, Bottom(r)); ++y, ++rows) {
    const uchar* p = ink.ptr<uchar>(y);
    bool left = false, right = false;
    for (int x = lx0; x < r.x && !left; ++x) left = p[x] != 0;
    for (int x = Right(r); x < rx1 && !right; ++x) right = p[x] != 0;
    both += left && right;
  }
  return rows == 0 ? 0 : static_cast<double>(both) / rows;
}

// Rules are looked for at half resolution first (any ink in a 2 x 2 cell
// counts as ink) when body text has at least this many pixels per em: the
// morphology and labelling on the whole page were the largest share of
// layout's time. The reduced pass bridges a little more and asks a little
// less length, so it finds every place a rule can be; the full-resolution
// morphology then runs on those places only and decides, as it did on the
// whole page.
constexpr double kRuleHalfResEm = 24;

// Components of `ink` (a region of the page at `origin`) that survive a
// closing with `close_k` and an opening with `open_k`: their boxes in page
// coordinates and their pixel counts.
std::vector<std::pair<cv::Rect, int>> RuleRuns(const cv::Mat& ink, cv::Point origin, cv::Size close_k,
                                               cv::Size open_k) {
  cv::Mat m, labels, stats, centroids;
  cv::morphologyEx(ink, m, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, close_k));
  cv::morphologyEx(m, m, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, open_k));
  const int n = cv::connectedComponentsWithStats(m, labels, stats, centroids, 8, CV_32S);
  std::vector<std::pair<cv::Rect, int>> out;
  for (int i = 1; i < n; ++i)
    out.push_back({cv::Rect(origin.x + stats.at<int>(i, cv::CC_STAT_LEFT), origin.y + stats.at<int>(i, cv::CC_STAT_TOP),
                            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)),
                   stats.at<int>(i, cv::CC_STAT_AREA)});
  return out;
}

void FindRuleLines(const cv::Mat& mask, Analysis& a) {
  const double em = a.em;
  cv::Mat ink = mask < 128;
  for (const cv::Rect& p : a.photos) ink(p & cv::Rect(0, 0, ink.cols, ink.rows)).setTo(0);
  const int bridge = std::max(1, static_cast<int>(std::lround(kRuleBridgeEm * em)));
  const int run = std::max(8, static_cast<int>(std::lround(kRuleRunEm * em)));
  const int pad = std::max(2, static_cast<int>(std::lround(0.08 * em)));
  const cv::Rect page(0, 0, ink.cols, ink.rows);
  const bool reduce = em >= kRuleHalfResEm;
  cv::Mat small;
  if (reduce) {
    cv::resize(ink, small, cv::Size((ink.cols + 1) / 2, (ink.rows + 1) / 2), 0, 0, cv::INTER_AREA);
    small = small > 0;
  }
  for (int vertical = 0; vertical < 2; ++vertical) {
    const cv::Size close_k = vertical ? cv::Size(1, 2 * bridge + 1) : cv::Size(2 * pad + 1, 1);
    const cv::Size open_k = vertical ? cv::Size(1, run) : cv::Size(run, 1);
    std::vector<std::pair<cv::Rect, int>> runs;
    if (!reduce) {
      runs = RuleRuns(ink, {0, 0}, close_k, open_k);
    } else {
      // A break of g pixels is at most ceil(g / 2) cells wide when reduced,
      // and a run of n pixels at least n / 2 - 1 cells long.
      const cv::Size sclose = vertical ? cv::Size(1, bridge + 1) : cv::Size(pad + 1, 1);
      const cv::Size sopen = vertical ? cv::Size(1, run / 2 - 1) : cv::Size(run / 2 - 1, 1);
      // Margins that make the morphology on a crop the same as on the page
      // inside the place found.
      const int along = run + 2 * (vertical ? bridge : pad) + 2, across = 2 * (vertical ? pad : bridge) + 2;
      for (const auto& [c, area] : RuleRuns(small, {0, 0}, sclose, sopen)) {
        const cv::Rect place(2 * c.x, 2 * c.y, 2 * c.width, 2 * c.height);
        const cv::Rect crop = (vertical ? cv::Rect(place.x - across, place.y - along, place.width + 2 * across,
                                                   place.height + 2 * along)
                                        : cv::Rect(place.x - along, place.y - across, place.width + 2 * along,
                                                   place.height + 2 * across)) &
                              page;
        for (const auto& found : RuleRuns(ink(crop), crop.tl(), close_k, open_k))
          if ((found.first & place).area() > 0 &&
              std::find(runs.begin(), runs.end(), found) == runs.end())
            runs.push_back(found);
      }
      // In the order the page-wide labelling gives.
      std::sort(runs.begin(), runs.end(), [](const auto& x, const auto& y) {
        return std::pair(x.first.y, x.first.x) < std::pair(y.first.y, y.first.x);
      });
    }
    for (const auto& [r, area] : runs) {
      int thick = vertical ? r.width : r.height;
      int length = vertical ? r.height : r.width;
      // Thickness from the area, so a slightly tilted rule still counts.
      double mean_thick = static_cast<double>(area) / std::max(1, length);
      if (mean_thick > kRuleThickEm * em || thick > 2 * kRuleThickEm * em + 2) continue;
      // Strokes of letters stacked over a few lines of a column (the stems
      // of l, d, b) survive the morphology too, but a rule stands in white:
      // text lies beside it in few of its rows.
      if (vertical && InkBesideShare(ink, r, kRuleClearEm * em) > kRuleTextBesideShare) continue;
      cv::Rect grown = vertical ? cv::Rect(r.x - pad, r.y - bridge, r.width + 2 * pad, r.height + 2 * bridge)
                                : cv::Rect(r.x - bridge, r.y - pad, r.width + 2 * bridge, r.height + 2 * pad);
      bool known = false;
      for (Comp& c : a.comps) {
        if ((c.r & grown) != c.r) continue;
        if (c.kind == Kind::kRule) known |= (vertical ? c.r.height : c.r.width) >= 0.8 * length;
        c.kind = Kind::kRule;
      }
      if (!known) (vertical ? a.vrules : a.hrules).push_back(r);
    }
  }
}

void MergeRowFragments(Analysis& a, const GutterMap& g) {
  const double em = a.em;
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<int> order(a.lines.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return a.lines[x].r.x < a.lines[y].r.x; });
    std::vector<bool> gone(a.lines.size(), false);
    for (size_t oi = 0; oi < order.size(); ++oi) {
      int i = order[oi];
      if (gone[i]) continue;
      TextLine& l = a.lines[i];
      // Nearest piece to the right in l's row.
      int best = -1, best_gap = INT32_MAX;
      for (size_t oj = 0; oj < order.size(); ++oj) {
        int j = order[oj];
        if (j == i || gone[j]) continue;
        const TextLine& m = a.lines[j];
        // Size class from the whole height: a short word of Latin body text
        // (mostly ascenders) can pass for large text by its core alone.
        double hr = static_cast<double>(std::max(l.r.height, m.r.height)) / std::max(1, std::min(l.r.height, m.r.height));
        if (m.large != l.large && hr > kSizeStep) continue;
        int ov = OverlapY(l.r, m.r);
        if (ov * 2 < std::min(l.r.height, m.r.height)) continue;
        int gap = m.r.x - Right(l.r);
        const bool latin = l.size < kLatinCoreShare * l.r.height || m.size < kLatinCoreShare * m.r.height;
        if (m.r.x < l.r.x || gap > (latin ? kRowJoinLatinEm : kRowJoinEm) * em) continue;
        if (gap < best_gap) {
          best_gap = gap;
          best = j;
        }
      }
      if (best < 0) continue;
      TextLine& m = a.lines[best];
      // A piece much shorter than its neighbour has no size of its own to
      // compare: the “ and the roof of 企 left over after a ：, or a
      // word of x-height letters.
      const bool piece = std::min(l.r.height, m.r.height) < kRowPieceShare * std::max(l.r.height, m.r.height);
      if (l.large == m.large && l.comps.size() >= 3 && m.comps.size() >= 3 && !piece) {
        // A short Latin word's core is unsure (in "still" most letters reach
        // up to the ascender, in "was" none does): it needs a bigger step.
        double step = std::min(l.comps.size(), m.comps.size()) >= 8 ? kSizeStep : kSizeStep * kSizeStep;
        double ratio = m.size / std::max(1.0, l.size);
        if (ratio > step || ratio < 1 / step) continue;
      }
      if (best_gap > 0) {
        if (g.Between(l.r, m.r)) continue;
        // A gutter that stops a line short of this row (where a photo beside
        // it narrowed the white, or under a column's last line) still parts
        // body text.
        if (!l.large && !m.large) {
          if (g.Between(l.r, m.r, static_cast<int>(std::lround(kGutterReachEm * em)))) continue;
        }
        cv::Rect gap(Right(l.r), std::min(l.r.y, m.r.y), best_gap, std::max(Bottom(l.r), Bottom(m.r)) - std::min(l.r.y, m.r.y));
        bool ruled = false;
        for (const cv::Rect& v : a.vrules) ruled |= (v & gap).area() > 0;
        if (ruled) continue;
      }
      l.comps.insert(l.comps.end(), m.comps.begin(), m.comps.end());
      RecomputeLine(a.comps, l);
      gone[best] = true;
      changed = true;
    }
    std::vector<TextLine> kept;
    for (size_t i = 0; i < a.lines.size(); ++i)
      if (!gone[i]) kept.push_back(std::move(a.lines[i]));
    a.lines = std::move(kept);
  }
}

// Whether another line, beyond a gutter from `l`, sits in `l`'s row under
// block `b`: then `b` spans columns that `l` is only one of.
bool SharesRowUnder(const Analysis& a, const GutterMap& g, const Blk& b, int li) {
  const TextLine& l = a.lines[li];
  for (size_t m = 0; m < a.lines.size(); ++m) {
    if (static_cast<int>(m) == li) continue;
    const TextLine& o = a.lines[m];
    if (o.r.y > Bottom(l.r) || Bottom(o.r) < l.r.y) continue;
    if (OverlapY(o.r, l.r) * 2 < std::min(o.r.height, l.r.height)) continue;
    if (OverlapX(o.r, b.r) <= 0 || OverlapX(o.r, l.r) > 0) continue;
    if (g.Between(o.r, l.r)) return true;
  }
  return false;
}

// Typical white between the cores of two lines of a column: the median gap
// from each line to the next one below it that overlaps it well.
double TypicalLeading(const Analysis& a) {
  std::vector<double> gaps;
  for (const TextLine& l : a.lines) {
    if (l.large || l.comps.size() < 4) continue;
    int best = INT32_MAX;
    for (const TextLine& m : a.lines) {
      if (m.r.y < Bottom(l.r) - 0.3 * a.em) continue;
      int gap = m.core_top - l.core_bottom;
      if (gap < 0 || gap >= best || m.large) continue;
      if (OverlapX(l.r, m.r) * 2 < std::min(l.r.width, m.r.width)) continue;
      best = gap;
    }
    if (best < 2 * a.em) gaps.push_back(best);
  }
  return gaps.empty() ? 0.5 * a.em : Percentile(gaps, 0.5);
}

void BuildBlocks(Analysis& a, const GutterMap& g) {
  const double em = a.em;
  // A gap wider than the leading by block_gap_em ends a block: the extra
  // white under a byline, a caption or a sub-headline.
  const double max_gap = TypicalLeading(a) + a.o.block_gap_em * em;
  std::vector<int> order(a.lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    return a.lines[x].r.y != a.lines[y].r.y ? a.lines[x].r.y < a.lines[y].r.y : a.lines[x].r.x < a.lines[y].r.x;
  });
  for (int li : order) {
    const TextLine& l = a.lines[li];
    int best = -1;
    double best_gap = 1e18;
    for (size_t bi = 0; bi < a.blocks.size(); ++bi) {
      Blk& b = a.blocks[bi];
      if (!b.open) continue;
      const TextLine& last = a.lines[b.lines.back()];
      // A headline's second line may fall just short of "large" by its
      // height (no tall glyph in it) while its glyphs are the first line's size.
      const bool headline_rest = b.large && !l.large && l.comps.size() >= 2 && l.size * kSizeStep >= last.size;
      // Likewise its first line ("Fairhaven" over "Approves New"), a block of
      // one line so far.
      const bool headline_head = !b.large && l.large && b.lines.size() == 1 && last.comps.size() >= 2 &&
                                 last.size * kSizeStep >= l.size;
      if (b.large != l.large && !headline_rest && !headline_head) continue;
      const bool large = l.large || headline_rest;
      double unit = large ? std::max(last.r.height, l.r.height) : em;
      int gap = l.r.y - Bottom(b.r);
      if (gap < -0.4 * unit) continue;
      if (large ? gap > kHeadlineLeading * unit : l.core_top - last.core_bottom > max_gap) continue;
      int ov = OverlapX(l.r, b.r);
      if (ov * 2 < std::min(l.r.width, b.r.width)) continue;
      // A headline's lines differ in length by whole words of big letters
      // (in a narrow column "Breaks Ground" under "Expansion"): one edge in
      // line is enough for them.
      double tol = 2.5 * em;
      if (!large && (l.r.x < b.r.x - tol || Right(l.r) > Right(b.r) + tol)) continue;
      if (std::max(l.r.x, b.r.x) - std::min(l.r.x, b.r.x) > tol &&
          std::max(Right(l.r), Right(b.r)) - std::min(Right(l.r), Right(b.r)) > tol)
        continue;
      // Size change (a caption in a smaller face, a sub-headline).
      if (l.comps.size() >= 8 && last.comps.size() >= 8) {
        double ratio = l.size / std::max(1.0, last.size);
        if (ratio > kSizeStep || ratio < 1 / kSizeStep) continue;
      }
      if (a.ObstacleBetween(std::max(l.r.x, b.r.x), std::min(Right(l.r), Right(b.r)), Bottom(last.r), l.r.y)) continue;
      if (b.r.width > l.r.width + tol && SharesRowUnder(a, g, b, li)) continue;
      if (gap < best_gap) {
        best_gap = gap;
        best = static_cast<int>(bi);
      }
    }
    // Lines below an open block in its span end it.
    for (size_t bi = 0; bi < a.blocks.size(); ++bi) {
      Blk& b = a.blocks[bi];
      if (!b.open || static_cast<int>(bi) == best) continue;
      if (OverlapX(b.r, l.r) > 0 && l.r.y >= Bottom(b.r) - 0.3 * em) b.open = false;
    }
    if (best >= 0) {
      if (a.blocks[best].large) a.lines[li].large = true;
      if (l.large && !a.blocks[best].large) {  // a headline's first line joined
        a.blocks[best].large = true;
        a.blocks[best].role = Role::kHeadline;
        for (int k : a.blocks[best].lines) a.lines[k].large = true;
      }
      a.blocks[best].lines.push_back(li);
      a.blocks[best].r = Hull(a.blocks[best].r, l.r);
    } else {
      Blk b;
      b.r = l.r;
      b.lines.push_back(li);
      b.large = l.large;
      b.role = l.large ? Role::kHeadline : Role::kBody;
      a.blocks.push_back(b);
    }
  }
}

std::vector<Blk*> Alive(Analysis& a) {
  std::vector<Blk*> v;
  for (Blk& b : a.blocks)
    if (!b.dead) v.push_back(&b);
  return v;
}

constexpr size_t kHeadlinePieceComps = 3;  // strokes of one glyph

// Pieces of a line that did not join it (a stroke of a glyph that touches no
// neighbour, a dot) end up as tiny blocks inside or on the edge of a real
// one: they belong to it. That holds for a one-line block too, a headline,
// when the piece lies inside its row and is shorter than it: the top of 贞
// between a 。 and a ， touches no glyph of its row and is a line of its own.
void AbsorbFragments(Analysis& a) {
  for (Blk& f : a.blocks) {
    if (f.dead || f.lines.size() > 2) continue;
    size_t f_comps = 0;
    for (int li : f.lines) f_comps += a.lines[li].comps.size();
    for (Blk& b : a.blocks) {
      if (&b == &f || b.dead) continue;
      const bool piece_of_row = b.lines.size() == 1 && f.r.height < b.r.height &&
                                (b.r & f.r).area() * 10 >= f.r.area() * 9;
      // The strokes of a headline's first or last glyph beyond a gutter
      // (青 as 龶 over 月, each a "line"): within the headline's row, as
      // close to it as BuildLines lets headline type cross a gutter.
      const int tol = b.r.height / 10;
      const int gap = std::max(f.r.x - Right(b.r), b.r.x - Right(f.r));
      const bool headline_piece = b.lines.size() == 1 && b.large && !f.large && f_comps <= kHeadlinePieceComps &&
                                  f.r.y >= b.r.y - tol && Bottom(f.r) <= Bottom(b.r) + tol &&
                                  gap <= a.o.headline_gap * b.r.height;
      if (f.lines.size() > 1 && !headline_piece) continue;
      if (!piece_of_row && !headline_piece && (b.lines.size() < 2 || b.large != f.large)) continue;
      cv::Rect grown(b.r.x - a.em / 2, b.r.y, b.r.width + a.em, b.r.height);
      if (piece_of_row || headline_piece) {  // part of the row's one line, not a line below it
        TextLine& row = a.lines[b.lines.front()];
        for (int li : f.lines) row.comps.insert(row.comps.end(), a.lines[li].comps.begin(), a.lines[li].comps.end());
        RecomputeLine(a.comps, row);
        b.r = Hull(b.r, f.r);
        f.dead = true;
        break;
      }
      if ((grown & f.r).area() * 2 >= f.r.area()) {
        b.lines.push_back(f.lines.front());
        std::sort(b.lines.begin(), b.lines.end(), [&](int x, int y) { return a.lines[x].r.y < a.lines[y].r.y; });
        b.r = Hull(b.r, f.r);
        f.dead = true;
        break;
      }
    }
  }
}

// Noise that survived as text: a block of one small component.
void DropNoiseBlocks(Analysis& a) {
  for (Blk& b : a.blocks) {
    size_t comps = 0;
    for (int li : b.lines) comps += a.lines[li].comps.size();
    if (comps <= 1 && std::max(b.r.width, b.r.height) < 0.6 * a.em) b.dead = true;
  }
}

void MergeInto(Analysis& a, Blk& dst, Blk& src) {
  dst.lines.insert(dst.lines.end(), src.lines.begin(), src.lines.end());
  std::sort(dst.lines.begin(), dst.lines.end(), [&](int x, int y) { return a.lines[x].r.y < a.lines[y].r.y; });
  dst.r = Hull(dst.r, src.r);
  src.dead = true;
}

void MarkHeaderFooter(Analysis& a) {
  auto blocks = Alive(a);
  if (blocks.size() < 2) return;
  cv::Rect content;
  for (Blk* b : blocks) content = Hull(content, b->r);
  for (const cv::Rect& r : a.hrules) content = Hull(content, r);
  const double band = a.o.header_band * content.height;

  for (int pass = 0; pass < 2; ++pass) {
    const bool top = pass == 0;
    // A wide rule in the band: everything beyond it is the header/footer.
    std::optional<int> cut;
    for (const cv::Rect& r : a.hrules) {
      if (r.width < 0.5 * content.width) continue;
      bool in_band = top ? r.y <= content.y + band : Bottom(r) >= Bottom(content) - band;
      if (!in_band) continue;
      int y = top ? r.y : Bottom(r);
      bool text_beyond = false;
      for (Blk* b : blocks) text_beyond |= top ? Bottom(b->r) <= y : b->r.y >= y;
      if (!text_beyond) continue;
      if (!cut || (top ? y < *cut : y > *cut)) cut = y;
    }
    std::vector<Blk*> marked;
    if (cut) {
      for (Blk* b : blocks)
        if (top ? Bottom(b->r) <= *cut + 0.2 * a.em : b->r.y >= *cut - 0.2 * a.em) marked.push_back(b);
    } else {
      // A lone line of ordinary size in the band, with a gap to the text beyond.
      int edge = top ? content.y : Bottom(content);
      std::vector<Blk*> cand;
      for (Blk* b : blocks) {
        bool in_band = top ? Bottom(b->r) <= edge + band : b->r.y >= edge - band;
        bool at_edge = top ? b->r.y <= edge + a.em : Bottom(b->r) >= edge - a.em;
        if (in_band && at_edge && !b->large && b->lines.size() <= 2) cand.push_back(b);
      }
      if (!cand.empty()) {
        int inner = top ? 0 : INT32_MAX;
        for (Blk* c : cand) inner = top ? std::max(inner, Bottom(c->r)) : std::min(inner, c->r.y);
        int nearest = top ? INT32_MAX : 0;
        bool others = false;
        for (Blk* b : blocks) {
          if (std::find(cand.begin(), cand.end(), b) != cand.end()) continue;
          others = true;
          nearest = top ? std::min(nearest, b->r.y) : std::max(nearest, Bottom(b->r));
        }
        int gap = top ? nearest - inner : inner - nearest;
        if (others && gap >= 1.0 * a.em) marked = cand;
      }
    }
    // The pieces (paper name, date, page number) stay blocks of their own.
    for (Blk* b : marked) {
      b->role = top ? Role::kRunningHeader : Role::kRunningFooter;
      b->large = false;
    }
  }
}

bool IsPageText(const Blk& b) { return b.role != Role::kRunningHeader && b.role != Role::kRunningFooter; }

void FindColumns(Analysis& a) {
  struct Col {
    int x0, x1;
    double weight;
  };
  std::vector<Col> cols;
  std::vector<Blk*> body;
  for (Blk* b : Alive(a))
    if (IsPageText(*b) && !b->large) body.push_back(b);
  std::sort(body.begin(), body.end(), [](Blk* x, Blk* y) { return x->lines.size() > y->lines.size(); });
  std::vector<std::pair<double, double>> widths;
  for (Blk* b : body) {
    if (b->lines.size() < 3) continue;
    widths.push_back({static_cast<double>(b->r.width), static_cast<double>(b->lines.size())});
    bool joined = false;
    for (Col& c : cols) {
      int ov = std::min(c.x1, Right(b->r)) - std::max(c.x0, b->r.x);
      if (ov >= 0.7 * std::max(c.x1 - c.x0, b->r.width)) {
        c.weight += b->lines.size();
        joined = true;
        break;
      }
    }
    if (!joined) cols.push_back({b->r.x, Right(b->r), static_cast<double>(b->lines.size())});
  }
  a.column_width = widths.empty() ? 0 : WeightedMedian(widths);
  // Columns of a page do not overlap: of two overlapping ranges the one
  // holding more lines is the column (a wide range is a block spanning
  // columns; a narrow one is a column's piece cut off by a word gap).
  std::sort(cols.begin(), cols.end(), [](const Col& x, const Col& y) { return x.weight > y.weight; });
  std::vector<Col> kept;
  for (const Col& c : cols) {
    bool overlaps = false;
    for (const Col& k : kept) overlaps |= std::min(k.x1, c.x1) - std::max(k.x0, c.x0) > 0;
    if (!overlaps) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(), [](const Col& x, const Col& y) { return x.x0 < y.x0; });
  for (const Col& c : kept) a.columns.push_back({c.x0, c.x1});
}

int ColumnOf(const Analysis& a, const cv::Rect& r) {
  int cx = r.x + r.width / 2;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    auto [x0, x1] = a.columns[i];
    int w = x1 - x0;
    if (cx >= x0 - a.em && cx < x1 + a.em && r.width <= 1.3 * w + a.em) return static_cast<int>(i);
  }
  return -1;
}

double BlockGlyphSize(const Analysis& a, const Blk& b) {
  std::vector<double> v;
  for (int li : b.lines) v.push_back(a.lines[li].size);
  return Percentile(v, 0.5);
}

// The block right under a headline (or sub-headline), leftmost if several.
int BlockUnder(const Analysis& a, const Blk& h) {
  int left = -1;
  for (size_t bi = 0; bi < a.blocks.size(); ++bi) {
    const Blk& b = a.blocks[bi];
    if (b.dead || b.large || !IsPageText(b) || b.role != Role::kBody) continue;
    int gap = b.r.y - Bottom(h.r);
    if (gap < -0.3 * a.em || gap > 2.5 * a.em) continue;
    if (OverlapX(b.r, h.r) <= 0) continue;
    if (left < 0 || b.r.x < a.blocks[left].r.x) left = static_cast<int>(bi);
  }
  return left;
}

// A line or two of mid-size text right under a headline is its sub-headline.
void FindSubheadlines(Analysis& a) {
  for (size_t hi = 0; hi < a.blocks.size(); ++hi) {
    if (a.blocks[hi].dead || !a.blocks[hi].large || !IsPageText(a.blocks[hi])) continue;
    int u = BlockUnder(a, a.blocks[hi]);
    if (u < 0) continue;
    Blk& b = a.blocks[u];
    if (b.lines.size() <= 2 && BlockGlyphSize(a, b) >= kSubheadlineRatio * a.body_size) b.role = Role::kSubheadline;
  }
}

// The block right under a headline (or its sub-headline), leftmost, is its
// byline when it is a line or two on its own; a short first line of a
// column block there is a byline that ran into the body.
constexpr double kIndentMin = 1.3, kIndentMax = 2.7;  // em: a paragraph's first-line indent (two glyphs)

void FindBylines(Analysis& a) {
  double colw = a.column_width > 0 ? a.column_width : a.page.width / 3.0;
  std::vector<Blk> split_off;
  for (size_t hi = 0; hi < a.blocks.size(); ++hi) {
    const Blk& h = a.blocks[hi];
    if (h.dead || !IsPageText(h)) continue;
    if (!h.large && h.role != Role::kSubheadline) continue;
    int left = BlockUnder(a, h);
    if (left < 0) continue;
    Blk& body = a.blocks[left];
    const TextLine& first = a.lines[body.lines.front()];
    if (body.lines.size() <= 2) {
      body.role = Role::kByline;
      continue;
    }
    if (first.r.width > a.o.byline_max_width * colw) continue;
    // A first line set in by a paragraph indent (two glyphs) is the body's
    // first paragraph, short because its words wrapped early.
    std::vector<double> lefts;
    for (size_t i = 1; i < body.lines.size(); ++i) lefts.push_back(a.lines[body.lines[i]].r.x);
    const double indent = (first.r.x - Percentile(lefts, 0.5)) / a.em;
    if (indent >= kIndentMin && indent <= kIndentMax) continue;
    Blk by;
    by.r = first.r;
    by.lines = {body.lines.front()};
    by.role = Role::kByline;
    by.open = false;
    body.lines.erase(body.lines.begin());
    body.r = cv::Rect();
    for (int li : body.lines) body.r = Hull(body.r, a.lines[li].r);
    split_off.push_back(by);
  }
  a.blocks.insert(a.blocks.end(), split_off.begin(), split_off.end());
}

// A short block just under a photo is its caption; when the caption ran into
// the body text below, the first lines up to a wider gap are split off.
void FindCaptions(Analysis& a) {
  for (const cv::Rect& p : a.photos) {
    size_t n = a.blocks.size();
    for (size_t bi = 0; bi < n; ++bi) {
      Blk& b = a.blocks[bi];
      if (b.dead || b.large || !IsPageText(b) || b.role != Role::kBody) continue;
      int gap = b.r.y - Bottom(p);
      if (gap < -0.5 * a.em || gap > a.o.caption_gap_em * a.em) continue;
      if (OverlapX(b.r, p) < 0.5 * std::min(b.r.width, p.width)) continue;
      if (static_cast<int>(b.lines.size()) <= a.o.caption_max_lines) {
        b.role = Role::kCaption;
        continue;
      }
      // Split at the widest gap among the first lines if it stands out.
      std::vector<int> gaps;
      for (size_t i = 1; i < b.lines.size(); ++i)
        gaps.push_back(a.lines[b.lines[i]].r.y - Bottom(a.lines[b.lines[i - 1]].r));
      std::vector<double> g2(gaps.begin(), gaps.end());
      double typical = Percentile(g2, 0.5);
      int split = -1;
      for (int i = 0; i < std::min<int>(a.o.caption_max_lines, gaps.size()); ++i)
        if (gaps[i] > typical + 0.25 * a.em && (split < 0 || gaps[i] > gaps[split])) split = i;
      if (split < 0) continue;
      Blk cap;
      cap.role = Role::kCaption;
      cap.open = false;
      cap.lines.assign(b.lines.begin(), b.lines.begin() + split + 1);
      b.lines.erase(b.lines.begin(), b.lines.begin() + split + 1);
      b.r = cv::Rect();
      for (int li : b.lines) b.r = Hull(b.r, a.lines[li].r);
      for (int li : cap.lines) cap.r = Hull(cap.r, a.lines[li].r);
      a.blocks.push_back(cap);
      break;
    }
  }
}

// The article a block at `r` belongs to: the nearest headline above it (the
// band model: an article runs down from its headline to the next one), ties
// going to the headline over it. A headline beyond a vertical rule is not in
// the same stack.
int ArticleAbove(const Analysis& a, const std::vector<Blk*>& heads, const cv::Rect& r) {
  int best = -1;
  double best_score = 1e18;
  for (size_t i = 0; i < heads.size(); ++i) {
    const cv::Rect& h = heads[i]->r;
    if (Bottom(h) > r.y + 0.5 * a.em) continue;
    bool ruled_off = false;
    for (const cv::Rect& v : a.vrules) {
      int vx = v.x + v.width / 2;
      bool between = (vx > Right(h) && vx < r.x) || (vx < h.x && vx > Right(r));
      if (between && v.y < Bottom(r) && Bottom(v) > h.y) ruled_off = true;
    }
    if (ruled_off) continue;
    double score = (r.y - Bottom(h)) + (OverlapX(h, r) > 0 ? 0 : a.em);
    if (score < best_score) {
      best_score = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

// Column-major "before": above with overlapping span, or entirely to the left.
bool Before(const cv::Rect& x, const cv::Rect& y, double em) {
  if (OverlapX(x, y) > 0.3 * em) return x.y < y.y;
  return Right(x) <= y.x + 0.3 * em;
}

// Topological sort of `items` by Before(); ties go to the topmost, then
// leftmost. A cycle (non-Manhattan layouts) is broken the same way.
std::vector<int> OrderRects(const std::vector<cv::Rect>& rects, double em) {
  size_t n = rects.size();
  std::vector<int> indeg(n, 0);
  std::vector<std::vector<int>> after(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (i != j && Before(rects[i], rects[j], em) && !Before(rects[j], rects[i], em)) {
        after[i].push_back(static_cast<int>(j));
        ++indeg[j];
      }
  std::vector<int> out;
  std::vector<bool> done(n, false);
  auto key_less = [&](int i, int j) {
    return rects[i].y != rects[j].y ? rects[i].y < rects[j].y : rects[i].x < rects[j].x;
  };
  for (size_t step = 0; step < n; ++step) {
    int pick = -1;
    for (size_t i = 0; i < n; ++i)
      if (!done[i] && indeg[i] == 0 && (pick < 0 || key_less(static_cast<int>(i), pick))) pick = static_cast<int>(i);
    if (pick < 0)  // cycle
      for (size_t i = 0; i < n; ++i)
        if (!done[i] && (pick < 0 || key_less(static_cast<int>(i), pick))) pick = static_cast<int>(i);
    done[pick] = true;
    out.push_back(pick);
    for (int j : after[pick]) --indeg[j];
  }
  return out;
}

// Body blocks of one article in one column with nothing between them are one
// column chunk (a paragraph gap or a stray short line split them).
void MergeColumnChunks(Analysis& a) {
  bool changed = true;
  while (changed) {
    changed = false;
    auto blocks = Alive(a);
    for (Blk* x : blocks) {
      if (x->dead || x->role != Role::kBody || x->column < 0) continue;
      Blk* below = nullptr;
      for (Blk* y : blocks) {
        if (y == x || y->dead || y->role != Role::kBody || y->column != x->column || y->article != x->article) continue;
        if (y->r.y < Bottom(x->r) - 0.3 * a.em) continue;
        if (below == nullptr || y->r.y < below->r.y) below = y;
      }
      if (below == nullptr) continue;
      int x0 = std::min(x->r.x, below->r.x), x1 = std::max(Right(x->r), Right(below->r));
      bool between = a.ObstacleBetween(x0, x1, Bottom(x->r), below->r.y);
      for (Blk* z : blocks) {
        if (z == x || z == below || z->dead) continue;
        if (OverlapX(z->r, cv::Rect(x0, 0, x1 - x0, 1)) > 0 && z->r.y < below->r.y && Bottom(z->r) > Bottom(x->r))
          between = true;
      }
      if (between) continue;
      MergeInto(a, *x, *below);
      changed = true;
      break;
    }
  }
}

LayoutResult Finish(Analysis& a) {
  LayoutResult res;
  res.em = a.em;
  res.body_line_height = a.em;
  res.columns = static_cast<int>(a.columns.size());
  for (const cv::Rect& r : a.hrules) res.rules.push_back({r.x, r.y, r.width, r.height});
  for (const cv::Rect& r : a.vrules) res.rules.push_back({r.x, r.y, r.width, r.height});

  auto blocks = Alive(a);
  std::vector<Blk*> heads;
  for (Blk* b : blocks)
    if (b->role == Role::kHeadline) heads.push_back(b);
  std::sort(heads.begin(), heads.end(), [](Blk* x, Blk* y) { return x->r.y < y->r.y; });
  // A headline directly above another (a two-deck headline split by size)
  // opens one article.
  std::vector<int> head_article(heads.size());
  int articles = 0;
  for (size_t i = 0; i < heads.size(); ++i) {
    head_article[i] = -1;
    for (size_t j = 0; j < i; ++j) {
      int gap = heads[i]->r.y - Bottom(heads[j]->r);
      if (gap >= -0.3 * a.em && gap <= 1.5 * a.em && OverlapX(heads[i]->r, heads[j]->r) > 0.5 * heads[i]->r.width)
        head_article[i] = head_article[j];
    }
    if (head_article[i] < 0) head_article[i] = articles++;
    heads[i]->article = head_article[i];
  }
  // Photos belong to the article above them; their captions follow.
  std::vector<int> photo_article;
  for (const cv::Rect& p : a.photos) {
    int h = ArticleAbove(a, heads, p);
    photo_article.push_back(h < 0 ? -1 : heads[h]->article);
  }
  for (Blk* b : blocks) {
    if (!IsPageText(*b) || b->role == Role::kHeadline) continue;
    int h = ArticleAbove(a, heads, b->r);
    b->article = h < 0 ? -1 : heads[h]->article;
    if (b->role == Role::kCaption)
      for (size_t p = 0; p < a.photos.size(); ++p) {
        int gap = b->r.y - Bottom(a.photos[p]);
        if (gap >= -a.em && gap <= a.o.caption_gap_em * a.em && OverlapX(b->r, a.photos[p]) > 0)
          b->article = photo_article[p];
      }
  }
  for (Blk* b : blocks) b->column = IsPageText(*b) ? ColumnOf(a, b->r) : -1;
  MergeColumnChunks(a);
  blocks = Alive(a);

  // Items to order: whole articles, and stray blocks one by one.
  struct Item {
    cv::Rect r;
    std::vector<Blk*> blocks;
  };
  std::vector<Item> items(articles);
  std::vector<Blk*> header, footer;
  for (Blk* b : blocks) {
    if (b->role == Role::kRunningHeader) {
      header.push_back(b);
    } else if (b->role == Role::kRunningFooter) {
      footer.push_back(b);
    } else if (b->article >= 0) {
      items[b->article].blocks.push_back(b);
    } else {
      items.push_back({b->r, {b}});
    }
  }
  // An article's place is the hull of its blocks.
  for (Item& it : items) {
    it.r = cv::Rect();
    for (Blk* b : it.blocks) it.r = Hull(it.r, b->r);
  }
  std::vector<cv::Rect> item_rects;
  for (const Item& it : items) item_rects.push_back(it.r);
  std::vector<int> item_order = OrderRects(item_rects, a.em);

  auto in_order = [&](const std::vector<Blk*>& v) {
    std::vector<cv::Rect> rs;
    for (Blk* b : v) rs.push_back(b->r);
    std::vector<Blk*> out;
    for (int k : OrderRects(rs, a.em)) out.push_back(v[k]);
    return out;
  };
  std::vector<Blk*> ordered = in_order(header);
  int next_article = 0;
  for (int ii : item_order) {
    Item& it = items[ii];
    if (it.blocks.empty()) continue;
    auto rank = [](Role r) {
      switch (r) {
        case Role::kHeadline: return 0;
        case Role::kSubheadline: return 1;
        case Role::kByline: return 2;
        case Role::kCaption: return 4;
        default: return 3;
      }
    };
    std::vector<Blk*> group;
    for (int rk = 0; rk <= 4; ++rk) {
      std::vector<Blk*> same;
      for (Blk* b : it.blocks)
        if (rank(b->role) == rk) same.push_back(b);
      std::vector<cv::Rect> rs;
      for (Blk* b : same) rs.push_back(b->r);
      for (int k : OrderRects(rs, a.em)) group.push_back(same[k]);
    }
    // Renumber articles in reading order.
    int number = it.blocks.front()->article >= 0 ? next_article++ : -1;
    for (Blk* b : group) {
      b->article = number;
      ordered.push_back(b);
    }
  }
  for (Blk* b : in_order(footer)) ordered.push_back(b);

  const int margin = static_cast<int>(std::lround(a.o.margin_em * a.em));
  const cv::Rect page(0, 0, a.page.width, a.page.height);
  for (Blk* b : ordered) {
    cv::Rect r = b->r;
    // Specks and rules inside the block (dots, dashes) widen it.
    cv::Rect grown(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin);
    for (const Comp& c : a.comps)
      if (c.kind == Kind::kSpeck && (c.r & grown).area() == c.r.area() && OverlapY(c.r, r) > 0) r = Hull(r, c.r);
    r = cv::Rect(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin) & page;
    LayoutBlock out;
    out.box = {r.x, r.y, r.width, r.height};
    out.role = b->role;
    out.column = b->column;
    out.article = b->article;
    out.lines = static_cast<int>(b->lines.size());
    std::vector<double> hs;
    for (int li : b->lines) hs.push_back(a.lines[li].r.height);
    out.text_height = Percentile(hs, 0.5);
    res.blocks.push_back(out);
  }
  return res;
}

}  // namespace

std::vector<OptionField<LayoutOptions>> LayoutFields() {
  return {
      {"speck_em", &LayoutOptions::speck_em, "components with both sides below this are noise", "em"},
      {"rule_aspect", &LayoutOptions::rule_aspect, "length/thickness of a component that is a rule", "ratio"},
      {"rule_min_em", &LayoutOptions::rule_min_em, "shortest rule", "em"},
      {"gutter_em", &LayoutOptions::gutter_em, "narrowest column gutter", "em"},
      {"gutter_height_em", &LayoutOptions::gutter_height_em, "a gutter's whitespace runs at least this tall", "em"},
      {"line_gap", &LayoutOptions::line_gap, "widest gap between components of one line", "x line height"},
      {"headline_gap", &LayoutOptions::headline_gap, "widest gap of large text across a gutter", "x line height"},
      {"headline_ratio", &LayoutOptions::headline_ratio, "glyph height / body glyph height of headline text", "ratio"},
      {"block_gap_em", &LayoutOptions::block_gap_em, "white beyond the usual leading that ends a block", "em"},
      {"header_band", &LayoutOptions::header_band, "part of the text height searched for a running header/footer", "fraction"},
      {"byline_max_width", &LayoutOptions::byline_max_width, "longest byline", "fraction of column width"},
      {"caption_gap_em", &LayoutOptions::caption_gap_em, "farthest a caption starts below its photo", "em"},
      {"caption_max_lines", &LayoutOptions::caption_max_lines, "a longer block under a photo is body text", "lines"},
      {"margin_em", &LayoutOptions::margin_em, "margin added around every output box", "em"},
      {"tables", &LayoutOptions::tables,
       "find tables (rows of small blocks side by side) and leave them unread; listed in the JSON", ""},
  };
}

LayoutResult AnalyzeLayout(const cv::Mat& text_mask, const std::vector<Box>& photos, double dpi,
                           const LayoutOptions& options) {
  Analysis a(options, text_mask.size());
  FindComponents(text_mask, photos, a);
  if (a.comps.empty()) {
    LayoutResult r;
    r.blank = true;
    return r;
  }
  EstimateScale(text_mask, dpi, a);
  FindRuleLines(text_mask, a);
  GutterMap gutters(a.comps, [&] {
    std::vector<cv::Rect> obstacles = a.photos;
    obstacles.insert(obstacles.end(), a.pictures.begin(), a.pictures.end());
    return obstacles;
  }(), a.vrules, a.page, a.em, options);
  a.lines = BuildLines(a.comps, options.line_gap, &gutters, a.em, options.headline_ratio * a.em, options.headline_gap);
  DropNoiseLines(a);
  for (TextLine& l : a.lines) l.large = l.size >= options.headline_ratio * a.body_size && l.comps.size() >= 2;
  MergeRowFragments(a, gutters);
  // Large text is tall as a whole too (a body line is about one em).
  for (TextLine& l : a.lines)
    l.large = l.size >= options.headline_ratio * a.body_size && l.comps.size() >= 2 && l.r.height >= 1.25 * a.em;
  if (a.lines.empty()) {
    LayoutResult r = Finish(a);
    r.blank = true;
    return r;
  }
  std::vector<Box> gutter_boxes = gutters.Boxes();
  BuildBlocks(a, gutters);
  AbsorbFragments(a);
  DropNoiseBlocks(a);
  MarkHeaderFooter(a);
  FindColumns(a);
  FindSubheadlines(a);
  FindBylines(a);
  FindCaptions(a);
  LayoutResult result = Finish(a);
  result.gutters = std::move(gutter_boxes);
  return result;
}

cv::Mat DrawLayout(const cv::Mat& gray, const std::vector<Box>& photos, const LayoutResult& result) {
  cv::Mat out;
  if (gray.channels() == 1)
    cv::cvtColor(gray, out, cv::COLOR_GRAY2BGR);
  else
    out = gray.clone();
  // Fade the page so the overlay stands out.
  out = out * 0.5 + cv::Scalar(127, 127, 127);
  for (const Box& p : photos) {
    cv::Rect r = ToRect(p);
    cv::rectangle(out, r, cv::Scalar(120, 120, 120), 2);
    for (int d = 0; d < r.width + r.height; d += 40)
      cv::line(out, {r.x + std::min(d, r.width), r.y + std::max(0, d - r.width)},
               {r.x + std::max(0, d - r.height), r.y + std::min(d, r.height)}, cv::Scalar(160, 160, 160), 1);
  }
  for (const Box& r : result.rules) cv::rectangle(out, ToRect(r), cv::Scalar(128, 128, 128), cv::FILLED);
  for (const Box& g : result.gutters) cv::rectangle(out, ToRect(g), cv::Scalar(200, 200, 0), 2);
  auto colour = [](Role role) {
    switch (role) {
      case Role::kHeadline: return cv::Scalar(0, 0, 220);          // red
      case Role::kSubheadline: return cv::Scalar(0, 120, 220);     // orange
      case Role::kByline: return cv::Scalar(200, 0, 200);          // magenta
      case Role::kCaption: return cv::Scalar(0, 160, 0);           // green
      case Role::kRunningHeader:
      case Role::kRunningFooter: return cv::Scalar(100, 100, 100);  // grey
      default: return cv::Scalar(220, 90, 0);                      // blue
    }
  };
  const int thick = std::max(2, static_cast<int>(result.em / 12));
  const double scale = std::max(0.6, result.em / 22);
  for (size_t i = 0; i < result.blocks.size(); ++i) {
    const LayoutBlock& b = result.blocks[i];
    cv::Rect r = ToRect(b.box);
    cv::Scalar c = colour(b.role);
    cv::rectangle(out, r, c, thick);
    if (b.role == Role::kRunningHeader || b.role == Role::kRunningFooter) {
      cv::line(out, {r.x, r.y + r.height / 2}, {r.x + r.width, r.y + r.height / 2}, c, thick);
      cv::line(out, {r.x, r.y}, {r.x + r.width, r.y + r.height}, c, thick);
    }
    std::string label = std::to_string(i + 1);
    if (b.column >= 0) label += " c" + std::to_string(b.column);
    if (b.article >= 0) label += " a" + std::to_string(b.article);
    int base = 0;
    cv::Size ts = cv::getTextSize(label, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &base);
    cv::Point org(r.x + thick, r.y + ts.height + thick);
    cv::rectangle(out, cv::Rect(org.x - 2, org.y - ts.height - 2, ts.width + 4, ts.height + base + 4), c, cv::FILLED);
    cv::putText(out, label, org, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), thick);
  }
  return out;
}

Status LayoutPage(Page& page, const LayoutOptions& options, const RunContext& ctx) {
  try {
    cv::Mat mask;
    if (!page.text_mask.empty()) {
      mask = View(page.text_mask);
    } else if (!page.image.empty()) {
      cv::Mat gray = View(page.image);
      if (gray.channels() == 3) cv::cvtColor(gray, gray, cv::COLOR_BGR2GRAY);
      cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    } else {
      return Status(Code::kBadInput, "layout: the page has no image");
    }
    if (mask.channels() != 1) return Status(Code::kBadInput, "layout: the text mask must have one channel");
    LayoutResult res = AnalyzeLayout(mask, page.info.photos, page.info.dpi, options);
    page.blocks.clear();
    // Tables are not prose: their cells are not read; the JSON lists them.
    std::vector<bool> in_table(res.blocks.size(), false);
    page.info.tables.clear();
    if (options.tables) {
      for (const TableRegion& t : FindTables(res.blocks, res.em)) {
        page.info.tables.push_back(t.box);
        for (size_t i : t.blocks) in_table[i] = true;
      }
    }
    for (size_t i = 0; i < res.blocks.size(); ++i) {
      if (in_table[i]) continue;
      const LayoutBlock& lb = res.blocks[i];
      Block b;
      b.box = lb.box;
      b.layout_role = lb.role;
      b.column = lb.column;
      b.article = lb.article;
      page.blocks.push_back(std::move(b));
    }
    if (res.blank) page.info.blank = true;
    if (ctx.log)
      ctx.log("layout: " + std::to_string(res.blocks.size()) + " blocks, " + std::to_string(res.columns) +
              " columns, body line height " + std::to_string(static_cast<int>(res.em)) + " px");
    if (ctx.debugging()) {
      const cv::Mat base = page.image.empty() ? mask : View(page.image);
      ctx.debug_image("30-layout", FromMat(DrawLayout(base, page.info.photos, res)));
    }
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status(Code::kInternal, std::string("layout: OpenCV: ") + e.what());
  }
}

StageInfo LayoutStageInfo() {
  return MakeStageInfo<LayoutOptions>(
      "layout", "text blocks, columns, reading order and roles (header, headline, byline, body, caption, footer)",
      DataKind::kImage, DataKind::kImage, LayoutFields(),
      [](Page& page, const LayoutOptions& o, const RunContext& ctx) { return LayoutPage(page, o, ctx); });
}

}  // namespace ocrflow::image
