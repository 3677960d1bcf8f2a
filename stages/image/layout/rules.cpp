#include "stages/image/layout/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "stages/image/ink_components.h"
#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// Underlined text (a textbook's answer lines, a headline run into the rule
// under it) is one component with its underline: long and flat, so it passes
// for a rule and its words are lost to the text. Such a "rule" is too thick
// for one, and its ink lies mostly above (or below) a thin band of rows that
// the ink crosses nearly from end to end. The band is the rule; the ink off
// it, labelled again, is text.
constexpr double kUnderlineRowShare = 0.6;    // share of a band row's width that is ink
constexpr double kUnderlineEdgeShare = 0.35;  // band lies within this share of the box's top or bottom

// Rules printed thin come out of a noisy scan broken into pieces (and the
// pieces pass for text: they join the lines of two columns). Long thin runs
// of ink are found with morphology: the mask is closed along the rule's
// direction by a quarter em (repairing breaks, but never bridging the leading
// between two text lines, about half an em) and opened with a kernel
// kRuleRunEm long. What survives and is thinner than kRuleThickEm is a rule;
// every component that lies inside it (widened a little) is a piece of it.
constexpr double kRuleBridgeEm = 0.25;  // em: longest break repaired in a rule
constexpr double kRuleRunEm = 4.0;      // em: shortest rule found by morphology
constexpr int kRuleRunMinPx = 8;        // pixels: shortest opening kernel, whatever em
// em, at least kRulePadMinPx pixels: the breaks closed along a horizontal
// rule (closing a quarter em along a row would run the letters of a line of
// text together), and how far across a rule its pieces may lie.
constexpr double kRulePadEm = 0.08;
constexpr int kRulePadMinPx = 2;
// A run found by morphology that covers at least this share of the length
// of a component rule inside it is that rule, already listed.
constexpr double kRuleKnownShare = 0.8;

constexpr double kRuleClearEm = 0.5;          // em: white looked for beside a vertical rule
constexpr double kRuleTextBesideShare = 0.5;  // share of a rule's rows with ink on both sides that makes it text

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
  cv::Mat m, stats, centroids;
  cv::morphologyEx(ink, m, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, close_k));
  cv::morphologyEx(m, m, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, open_k));
  // Components of m's nonzero pixels without a label image
  // (ink_components.h): inverted in place, they are the pixels under 128.
  cv::bitwise_not(m, m);
  const int n = InkComponents(m, 128, &stats, &centroids);
  std::vector<std::pair<cv::Rect, int>> out;
  for (int i = 1; i < n; ++i)
    out.push_back({cv::Rect(origin.x + stats.at<int>(i, cv::CC_STAT_LEFT), origin.y + stats.at<int>(i, cv::CC_STAT_TOP),
                            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)),
                   stats.at<int>(i, cv::CC_STAT_AREA)});
  return out;
}

// The morphology pass (see above): appends the runs that are rules and no
// component rule covers to `rules`, and marks the components inside them.
void FindRuleLines(const cv::Mat& mask, const std::vector<cv::Rect>& photos, double em, std::vector<Component>& comps,
                   Rules& rules) {
  cv::Mat ink = mask < 128;
  for (const cv::Rect& p : photos) ink(p & cv::Rect(0, 0, ink.cols, ink.rows)).setTo(0);
  const int bridge = std::max(1, static_cast<int>(std::lround(kRuleBridgeEm * em)));
  const int run = std::max(kRuleRunMinPx, static_cast<int>(std::lround(kRuleRunEm * em)));
  const int pad = std::max(kRulePadMinPx, static_cast<int>(std::lround(kRulePadEm * em)));
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
      for (Component& c : comps) {
        if ((c.r & grown) != c.r) continue;
        if (c.kind == Kind::kRule) known |= (vertical ? c.r.height : c.r.width) >= kRuleKnownShare * length;
        c.kind = Kind::kRule;
      }
      if (!known) (vertical ? rules.vertical : rules.horizontal).push_back(r);
    }
  }
}

}  // namespace

bool SplitUnderlinedText(const cv::Mat& mask, double em, std::vector<Component>& comps) {
  const double thick = kRuleThickEm * em;
  const size_t n = comps.size();
  for (size_t i = 0; i < n; ++i) {
    const Component c = comps[i];
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
    comps[i].r = cv::Rect(c.r.x, c.r.y + y0, c.r.width, y1 - y0);
    comps[i].area = c.r.width * (y1 - y0);
    for (int j = 1; j < k; ++j) {
      Component t;
      t.r = cv::Rect(c.r.x + stats.at<int>(j, cv::CC_STAT_LEFT), c.r.y + stats.at<int>(j, cv::CC_STAT_TOP),
                     stats.at<int>(j, cv::CC_STAT_WIDTH), stats.at<int>(j, cv::CC_STAT_HEIGHT));
      t.area = stats.at<int>(j, cv::CC_STAT_AREA);
      comps.push_back(t);
    }
  }
  return comps.size() > n;
}

Rules FindRules(const cv::Mat& mask, const std::vector<cv::Rect>& photos, double em, std::vector<Component>& comps) {
  Rules rules;
  for (const Component& c : comps)
    if (c.kind == Kind::kRule) (c.r.width >= c.r.height ? rules.horizontal : rules.vertical).push_back(c.r);
  FindRuleLines(mask, photos, em, comps, rules);
  return rules;
}

void FindFrames(Ink& ink) {
  const int reach = static_cast<int>(std::lround(kFrameSideReachEm * ink.em));
  // The share of side `side` (a thin rect along the box) covered by rules
  // lying along it, pieces summed.
  auto covered = [&](const cv::Rect& side, bool vertical) {
    const cv::Rect zone(side.x - reach, side.y - reach, side.width + 2 * reach, side.height + 2 * reach);
    const auto& rules = vertical ? ink.rules.vertical : ink.rules.horizontal;
    std::vector<std::pair<int, int>> spans;
    for (const cv::Rect& r : rules) {
      const bool along = vertical ? r.x >= zone.x && Right(r) <= Right(zone) : r.y >= zone.y && Bottom(r) <= Bottom(zone);
      if (!along) continue;
      const int a = vertical ? std::max(r.y, side.y) : std::max(r.x, side.x);
      const int b = vertical ? std::min(Bottom(r), Bottom(side)) : std::min(Right(r), Right(side));
      if (b > a) spans.emplace_back(a, b);
    }
    std::sort(spans.begin(), spans.end());
    int total = 0, end = std::numeric_limits<int>::min();
    for (const auto& [a, b] : spans) {
      if (b <= end) continue;
      total += b - std::max(a, end);
      end = b;
    }
    return static_cast<double>(total) / (vertical ? side.height : side.width);
  };
  std::vector<cv::Rect> solid;
  for (const cv::Rect& p : ink.pictures) {
    const auto c = std::find_if(ink.comps.begin(), ink.comps.end(), [&](const Component& k) { return k.r == p; });
    const bool hollow = c != ink.comps.end() && c->area <= kHollowInkShare * p.area();
    const auto sides = FrameSides(p, 1);  // top, bottom, left, right
    // A rule across the inside, beside the sides: a table's grid, whose
    // cells stay apart as they were.
    const cv::Rect inside(p.x + reach, p.y + reach, p.width - 2 * reach, p.height - 2 * reach);
    bool grid = false;
    for (const cv::Rect& r : ink.rules.horizontal)
      grid |= r.y >= inside.y && Bottom(r) <= Bottom(inside) && OverlapX(r, p) >= kFrameGridRuleShare * p.width;
    for (const cv::Rect& r : ink.rules.vertical)
      grid |= r.x >= inside.x && Right(r) <= Right(inside) && OverlapY(r, p) >= kFrameGridRuleShare * p.height;
    const bool top_and_bottom = covered(sides[0], false) >= kFrameSideCover && covered(sides[1], false) >= kFrameSideCover;
    const bool left_and_right = covered(sides[2], true) >= kFrameSideCover && covered(sides[3], true) >= kFrameSideCover;
    const bool frame = hollow && !grid && (top_and_bottom || left_and_right);
    (frame ? ink.frames : solid).push_back(p);
  }
  ink.pictures = std::move(solid);
}

void FindGrids(Ink& ink) {
  const double em = ink.em;
  const int align = std::max(2, static_cast<int>(std::lround(kGridAlignEm * em)));
  std::vector<cv::Rect> columns;  // vertical rules tall enough, by x
  for (const cv::Rect& v : ink.rules.vertical)
    if (v.height >= kGridMinHeightEm * em) columns.push_back(v);
  std::sort(columns.begin(), columns.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  std::vector<bool> used(columns.size(), false);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (used[i]) continue;
    // The column rules that start and end with this one.
    std::vector<size_t> members;
    for (size_t j = 0; j < columns.size(); ++j)
      if (!used[j] && std::abs(columns[j].y - columns[i].y) <= align &&
          std::abs(Bottom(columns[j]) - Bottom(columns[i])) <= align)
        members.push_back(j);
    int distinct = 0, last_right = std::numeric_limits<int>::min() / 2;
    cv::Rect box = columns[members[0]];
    for (size_t j : members) {
      if (columns[j].x - last_right > kGridColumnRuleGapEm * em) ++distinct;
      last_right = std::max(last_right, Right(columns[j]));
      box = Hull(box, columns[j]);
    }
    if (distinct < kGridMinColumnRules) continue;
    // Row rules: the horizontal pieces at one height (within `align`),
    // covering the width together.
    std::vector<const cv::Rect*> pieces;
    for (const cv::Rect& h : ink.rules.horizontal) {
      const int yc = h.y + h.height / 2;
      if (yc >= box.y - align && yc <= Bottom(box) + align && OverlapX(h, box) > 0) pieces.push_back(&h);
    }
    std::sort(pieces.begin(), pieces.end(), [](const cv::Rect* a, const cv::Rect* b) { return a->y < b->y; });
    std::vector<int> rows;      // heights of the row rules, top to bottom
    int x0 = box.x, x1 = Right(box);
    for (size_t k = 0; k < pieces.size();) {
      size_t end = k + 1;
      while (end < pieces.size() && pieces[end]->y - pieces[k]->y <= align) ++end;
      std::vector<std::pair<int, int>> spans;
      int lx0 = x0, lx1 = x1;
      for (size_t m = k; m < end; ++m) {
        spans.emplace_back(std::max(pieces[m]->x, box.x), std::min(Right(*pieces[m]), Right(box)));
        lx0 = std::min(lx0, pieces[m]->x), lx1 = std::max(lx1, Right(*pieces[m]));
      }
      std::sort(spans.begin(), spans.end());
      int covered = 0, at = box.x;
      for (const auto& [a, b] : spans) {
        covered += std::max(0, b - std::max(a, at));
        at = std::max(at, b);
      }
      if (covered >= kGridRowCover * box.width) {
        rows.push_back(pieces[k]->y);
        x0 = std::min(x0, lx0), x1 = std::max(x1, lx1);
      }
      k = end;
    }
    if (rows.size() < 3 || std::abs(rows.front() - box.y) > align || std::abs(rows.back() - Bottom(box)) > align)
      continue;
    int short_rows = 0;
    for (size_t k = 1; k < rows.size(); ++k) short_rows += rows[k] - rows[k - 1] <= kGridRowMaxEm * em ? 1 : 0;
    if (short_rows < kGridShortRowShare * static_cast<double>(rows.size() - 1)) continue;
    for (size_t j : members) used[j] = true;
    ink.grids.push_back(cv::Rect(x0, std::min(box.y, rows.front()), x1 - x0,
                                 std::max(Bottom(box), rows.back() + 1) - std::min(box.y, rows.front())));
  }
  // A grid inside another is part of it (a header row's sub-columns, ruled
  // from a lower row rule).
  std::vector<cv::Rect> outer;
  for (const cv::Rect& g : ink.grids) {
    bool inside = false;
    for (const cv::Rect& o : ink.grids) inside |= &o != &g && (g & o) == g && o != g;
    if (!inside) outer.push_back(g);
  }
  ink.grids = std::move(outer);
  // The grid's own ink, whole or in pieces, is no picture.
  std::erase_if(ink.pictures, [&](const cv::Rect& p) {
    for (const cv::Rect& g : ink.grids)
      if ((p & g).area() >= p.area() / 2) return true;
    return false;
  });
}

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

}  // namespace ocrflow::image::layout
