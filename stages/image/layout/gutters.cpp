#include "stages/image/layout/gutters.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

constexpr double kLeadingFillEm = 0.75;  // em: text grown up and down when looking for gutters
constexpr double kMaxGutterEm = 6;      // em: white wider than this is open space, not a gutter
constexpr double kGutterEdgeEm = 0.3;    // em: a gutter's straight edge wanders at most this much
constexpr double kGutterAlignedShare = 0.7;  // share of a gutter's rows on its straight edge
constexpr double kSureGutterEm = 12;     // em: white this tall is a gutter whatever its edges
constexpr double kGutterWidthShare = 0.85;  // short white between lines narrower than this x the page's gutters is a word gap
constexpr double kEdgeReachEm = 1.5;     // em: farthest first word of a line from a gutter's edge
constexpr double kGutterBridgeEm = 0.5;  // em: longest break in a gutter's white bridged
constexpr double kNoiseClearEm = 0.6;    // em: no larger ink this near makes a component under kNoiseEm alone
constexpr double kMinColumnEm = 4;       // em: narrowest text beside a short gutter (less is a word gap near a column's edge)
// em: half the height of the vertical closing that mends a gutter broken by a
// speck of noise (breaks up to twice this tall are closed), so the speck
// opens no passage through it. Text across a gutter is wider than that.
constexpr double kGutterCloseEm = 2.0;
// em: the glyphs whose edges tell a gutter from a river are between these
// heights: not dots and commas, not headline type or pictures.
constexpr double kEdgeGlyphMinEm = 0.25, kEdgeGlyphMaxEm = 2;
// em: widest glyph; ink that overlaps a gap starts at most this far left of it.
constexpr double kWidestGlyphEm = 2;
// A slim gutter (LayoutOptions::slim_gutter_em): lines seen on each side,
// and the share of them on that side's straight edge.
constexpr size_t kSlimGutterLines = 6;
constexpr double kSlimAlignedShare = 0.8;

}  // namespace

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

GutterMap::GutterMap(const std::vector<Component>& comps, const std::vector<cv::Rect>& obstacles,
                     const std::vector<cv::Rect>& vertical_rules, cv::Size page, double em, const LayoutOptions& o) {
  rules_ = vertical_rules;
  em_ = em;
  cell_ = std::max(1, static_cast<int>(std::lround(em / kCellsPerEm)));
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
  for (const Component& c : comps)
    if (c.kind == Kind::kText && std::max(c.r.width, c.r.height) >= small) mark(c.r, large);
  cv::integral(large, large_sum, CV_32S);
  const int near = static_cast<int>(std::lround(kNoiseClearEm * em));
  auto alone = [&](const Component& c) {
    return std::max(c.r.width, c.r.height) < small &&
           !Touches(cv::Rect(c.r.x - near, c.r.y - near, c.r.width + 2 * near, c.r.height + 2 * near), large_sum);
  };
  for (const Component& c : comps) {
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
  // Slim white (slim_gutter_em; see below): runs from slim_gutter_em up to
  // the widest gutter, away from the page's edges.
  const bool find_slim = o.slim_gutter_em > 0 && o.slim_gutter_em < o.gutter_em;
  const int slim_w = std::max(1, static_cast<int>(std::floor(o.slim_gutter_em * em / cell_)) - 1);
  cv::Mat slim;
  if (find_slim) slim = cv::Mat::zeros(gh_, gw_, CV_8U);
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
      else if (find_slim && x - x0 >= slim_w && x - x0 <= max_w) std::fill(slim.ptr<uchar>(y) + x0, slim.ptr<uchar>(y) + x, 1);
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
  DropRivers(gut, comps, em, 0);
  // Slim gutters (slim_gutter_em) are found apart and added: slim white
  // (a gutter that narrows to that for part of its height included) that
  // runs kSureGutterEm tall, kept only as a straight channel (DropRivers
  // with full_px). They never take away a gutter found above.
  if (find_slim) {
    cv::Mat slim_gut = TallRuns(slim, static_cast<int>(std::ceil(kSureGutterEm * em / cell_)));
    DropRivers(slim_gut, comps, em, o.gutter_em * em - 2 * cell_);
    gut |= slim_gut;
  }
  // A speck of noise in a gutter must not open a passage through it: close
  // short vertical interruptions.
  int close = std::max(1, static_cast<int>(std::lround(kGutterCloseEm * em / cell_)));
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
// that side's median. Regions kSureGutterEm tall are kept unexamined, except
// in the slim map (full_px > 0), where every region must be straight on both
// sides and nothing shorter counts.
void GutterMap::DropRivers(cv::Mat& gut, const std::vector<Component>& comps, double em, double full_px) const {
  // Cells in a vertical run kSureGutterEm tall are sure; the rest is judged
  // region by region (a river may touch a real gutter through the white
  // beside a short line, so the regions are the unsure cells alone).
  const int sure_h = static_cast<int>(std::ceil(kSureGutterEm * em / cell_));
  cv::Mat sure = TallRuns(gut, sure_h);
  cv::Mat unsure = gut & (sure == 0);
  cv::Mat labels, labels2, stats, stats2, centroids;
  const int n_sure = cv::connectedComponentsWithStats(sure, labels, stats, centroids, 8, CV_32S);
  const int n_unsure = cv::connectedComponentsWithStats(unsure, labels2, stats2, centroids, 8, CV_32S);
  if (n_unsure <= 1 && full_px <= 0) return;
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
    auto it = std::lower_bound(text.begin(), text.end(), x0 - static_cast<int>(kWidestGlyphEm * em),
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
    if (c.height < kEdgeGlyphMinEm * em || c.height > kEdgeGlyphMaxEm * em) continue;
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
    if (is_sure(id)) {
      // Slim white, however tall, is a gutter only as a straight channel:
      // the lines on both sides end and start on one x.
      const bool slim = full_px > 0;
      if (slim && (starts[k].size() < kSlimGutterLines || ends[k].size() < kSlimGutterLines ||
                   aligned(starts[k]) < kSlimAlignedShare || aligned(ends[k]) < kSlimAlignedShare))
        keep[id] = 0;
      continue;
    }
    // Slim white shorter than kSureGutterEm is no gutter: a few lines of
    // CJK text with their commas stacked leave as much.
    if (width[k] < full_px) {
      keep[id] = 0;
      continue;
    }
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

bool GutterMap::RuleBetween(const cv::Rect& a, const cv::Rect& b) const {
  const int x0 = Right(a), x1 = b.x;
  if (x1 <= x0 || std::min(Bottom(a), Bottom(b)) <= std::max(a.y, b.y)) return false;
  // The rule stands beside both glyphs and runs on past them, above or
  // below (a column rule hangs from the rule under the masthead, level with
  // a headline's top): a barcode's bars, each a rule to the rule finder,
  // stand no taller than the bars beside them.
  const int beyond = static_cast<int>(std::lround(kRuleBeyondEm * em_));
  const int top = std::min(a.y, b.y), bottom = std::max(Bottom(a), Bottom(b));
  const int y0 = std::max(a.y, b.y), y1 = std::min(Bottom(a), Bottom(b));
  for (const cv::Rect& r : rules_) {
    const int mid = r.x + r.width / 2;
    if (mid >= x0 && mid < x1 && r.y <= y0 && Bottom(r) >= y1 && (r.y <= top - beyond || Bottom(r) >= bottom + beyond))
      return true;
  }
  return false;
}

bool GutterMap::Between(const cv::Rect& a, const cv::Rect& b, int reach) const {
  int y0 = std::max(a.y, b.y), y1 = std::min(Bottom(a), Bottom(b));
  if (y1 <= y0) {
    y0 = std::min(a.y, b.y);
    y1 = std::max(Bottom(a), Bottom(b));
  }
  const cv::Rect& l = a.x <= b.x ? a : b;
  const cv::Rect& r = a.x <= b.x ? b : a;
  const cv::Rect gap(Right(l), y0, r.x - Right(l), y1 - y0);
  if (Touches(gap, integral_)) return true;
  const cv::Rect near(gap.x, gap.y - reach, gap.width, gap.height + 2 * reach);
  if (reach <= 0 || !Touches(near, inner_integral_)) return false;
  // A gutter above or below runs on through the gap only when the gap lies
  // under it: for at least half its width. Where the gap merely touches the
  // gutter's edge (the letter gap of a line running on under a short
  // gutter's end, beside a caption), the line goes across.
  const int x0 = std::clamp((gap.x + cell_ - 1) / cell_, 0, gw_), x1 = std::clamp(Right(gap) / cell_, 0, gw_);
  int under = 0;
  for (int x = x0; x < x1; ++x) under += Touches(cv::Rect(x * cell_, near.y, cell_, near.height), inner_integral_);
  return 2 * under >= x1 - x0;
}

std::vector<Box> GutterMap::Boxes() const {
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(gutter_, labels, stats, centroids, 8, CV_32S);
  std::vector<Box> out;
  for (int i = 1; i < n; ++i)
    out.push_back({stats.at<int>(i, cv::CC_STAT_LEFT) * cell_, stats.at<int>(i, cv::CC_STAT_TOP) * cell_,
                   stats.at<int>(i, cv::CC_STAT_WIDTH) * cell_, stats.at<int>(i, cv::CC_STAT_HEIGHT) * cell_});
  return out;
}

bool GutterMap::Touches(const cv::Rect& r, const cv::Mat& integral) const {
  if (r.width <= 0 || r.height <= 0) return false;
  int x0 = std::clamp((r.x + cell_ - 1) / cell_, 0, gw_), x1 = std::clamp(Right(r) / cell_, 0, gw_);
  int y0 = std::clamp(r.y / cell_, 0, gh_), y1 = std::clamp((Bottom(r) + cell_ - 1) / cell_, 0, gh_);
  if (x1 <= x0 || y1 <= y0) return false;
  int s = integral.at<int>(y1, x1) - integral.at<int>(y0, x1) - integral.at<int>(y1, x0) + integral.at<int>(y0, x0);
  return s > 0;
}

GutterMap FindGutters(const Ink& ink, const LayoutOptions& o) {
  std::vector<cv::Rect> obstacles = ink.photos;
  obstacles.insert(obstacles.end(), ink.pictures.begin(), ink.pictures.end());
  // A frame's (or a grid's) top and bottom are ink; its left and right
  // sides part the text inside from the text beside it, as vertical rules do.
  std::vector<cv::Rect> vertical = ink.rules.vertical;
  for (const auto* list : {&ink.frames, &ink.grids})
    for (const cv::Rect& f : *list) {
      const auto sides = FrameSides(f, 1);
      obstacles.push_back(sides[0]);
      obstacles.push_back(sides[1]);
      vertical.push_back(sides[2]);
      vertical.push_back(sides[3]);
    }
  return GutterMap(ink.comps, obstacles, vertical, ink.page, ink.em, o);
}

}  // namespace ocrflow::image::layout
