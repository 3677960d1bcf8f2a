#include "stages/image/layout/lines.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <utility>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

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
std::vector<std::pair<int, int>> BridgeCandidates(const std::vector<Component>& comps, const std::vector<int>& idx,
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

// A line's core (see TextLine) is measured on its glyph cells: components
// stacked over one another (overlapping by kCellOverlapShare of the
// narrower's width) are one cell, so that a CJK glyph drawn in pieces (云
// is 二 over 厶, 实 a roof over its body, each piece shorter than the
// glyph: common in a Song or Kai face) measures as the whole glyph, not the
// pieces' middle. Latin letters stand side by side and stay one cell each,
// and an i's dot stays apart (kCellMaxAspect over a lone i,
// DotOnShortPiece over letters that touch), so a Latin line's core stays
// its x-height band.
constexpr double kCellOverlapShare = 0.5;
// A glyph is about as wide as tall: a merge wider or taller than this
// times the other would take in a rule, an underline or a table's border, or
// an i's dot (whose stem stays an x-height piece), and is not made.
constexpr double kCellMaxAspect = 1.6;
// The pieces of one glyph lie close over one another: white between them
// of at most this share of the taller (not two rows of a table's cells),
// and side by side in height by at most kCellStackOverlapShare of the
// shorter (not two slanted letters of an italic word, which overlap in x),
// unless one lies inside the other's box (这, 国, 问: an enclosing piece
// and what it encloses; the cell does not grow).
constexpr double kCellGapShare = 0.35;
constexpr double kCellStackOverlapShare = 0.25;
// Of those cells, the ones at least 1/kCorePieceRatio of the line's height:
// not dots, commas or a lone stroke.
constexpr int kCorePieceRatio = 3;
// Cells of a line's core, at least, to measure it; a shorter line's size
// is taken at kShortLineSizeQuantile of its cells' heights (its tallest
// cells: a word of two letters).
constexpr size_t kCoreMinComps = 3;
constexpr double kShortLineSizeQuantile = 0.8;

// x the line's height: a piece under this is short (a Latin letter's
// x-height; not most of a CJK glyph).
constexpr double kCellShortShare = 0.6;

// `dot` is a dot (no core piece: smaller than 1/kCorePieceRatio of the
// line's height both ways) and `piece` is not, but is short.
bool DotOnShortPiece(const cv::Rect& dot, const cv::Rect& piece, int line_height) {
  const auto is_dot = [&](const cv::Rect& r) { return std::max(r.width, r.height) * kCorePieceRatio < line_height; };
  return is_dot(dot) && !is_dot(piece) && piece.height < kCellShortShare * line_height;
}

// Core and size of `l` from its components; `l.r` is set.
void MeasureCore(const std::vector<Component>& comps, TextLine& l) {
  std::vector<cv::Rect> cells;
  cells.reserve(l.comps.size());
  for (int c : l.comps) cells.push_back(comps[c].r);
  std::sort(cells.begin(), cells.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  // Merge left to right: a cell takes every later one that overlaps it
  // enough, until none does.
  for (size_t i = 0; i < cells.size(); ++i) {
    bool merged = true;
    while (merged) {
      merged = false;
      for (size_t j = i + 1; j < cells.size() && cells[j].x < Right(cells[i]); ++j) {
        if (OverlapX(cells[i], cells[j]) < kCellOverlapShare * std::min(cells[i].width, cells[j].width)) continue;
        const cv::Rect hull = Hull(cells[i], cells[j]);
        if (hull.width > kCellMaxAspect * hull.height || hull.height > kCellMaxAspect * hull.width) continue;
        const int gap = std::max(cells[j].y - Bottom(cells[i]), cells[i].y - Bottom(cells[j]));
        if (gap > kCellGapShare * std::max(cells[i].height, cells[j].height)) continue;
        // Nor a dot on a short piece (an i's dot on a letter it touches,
        // "ri"): it would lift an x-height letter to an ascender's height.
        // A dot on a glyph's tall piece (主) or on another dot (氵) joins.
        if (DotOnShortPiece(cells[i], cells[j], l.r.height) || DotOnShortPiece(cells[j], cells[i], l.r.height)) continue;
        const bool inside = hull == cells[i] || hull == cells[j];
        if (!inside && OverlapY(cells[i], cells[j]) > kCellStackOverlapShare * std::min(cells[i].height, cells[j].height))
          continue;
        cells[i] = hull;
        cells.erase(cells.begin() + j);
        merged = true;
        break;
      }
    }
  }
  std::vector<double> hs, tops, bottoms;
  for (const cv::Rect& r : cells) {
    hs.push_back(r.height);
    if (r.height * kCorePieceRatio >= l.r.height) {  // not a dot or a comma
      tops.push_back(r.y);
      bottoms.push_back(Bottom(r));
    }
  }
  l.core_top = tops.empty() ? l.r.y : static_cast<int>(Percentile(tops, 0.5));
  l.core_bottom = tops.empty() ? Bottom(l.r) : static_cast<int>(Percentile(bottoms, 0.5));
  // Core height: x-height for Latin (whatever share of ascenders the line
  // has), the character height for CJK.
  l.size = tops.size() >= kCoreMinComps ? std::max(1, l.core_bottom - l.core_top) : Percentile(hs, kShortLineSizeQuantile);
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

// Blots that passed for text make "lines" of their own, one or two stacked
// blots. Beside a column they would join its block, in a margin run into a
// header or pass for a footer. A line of at most kNoiseLineComps components,
// each smaller than kNoiseEm, is noise. (A lone 。 or ， does not end a CJK
// line: it is kept with the glyph before it.)
constexpr size_t kNoiseLineComps = 2;

void DropNoiseLines(std::vector<TextLine>& lines, const std::vector<Component>& comps, double em) {
  const double small = kNoiseEm * em;
  std::erase_if(lines, [&](const TextLine& l) {
    if (l.comps.size() > kNoiseLineComps) return false;
    for (int c : l.comps)
      if (std::max(comps[c].r.width, comps[c].r.height) >= small) return false;
    return true;
  });
}

// Components in each of two pieces of a row, at least, for their core sizes
// to be compared; with kRowSureComps each, the sizes are sure enough for one
// kSizeStep, otherwise two are allowed (a short Latin word's core is unsure).
constexpr size_t kRowSizeComps = 3;
constexpr size_t kRowSureComps = 8;
// Two pieces whose boxes start and end within this (em) of each other are
// of one size, whatever their cores measure: the core of two CJK glyphs and
// a comma (说，, four components) is pulled down to half a glyph by the
// comma and the radical's dot. Type a size step larger stands a fifth of its
// height taller, and a Latin word of other letters starts or ends elsewhere.
constexpr double kRowSameBoxEm = 0.1;

void MergeRowFragments(std::vector<TextLine>& lines, const std::vector<Component>& comps,
                       const std::vector<cv::Rect>& vrules, const std::vector<cv::Rect>& photos, const GutterMap& g,
                       double em) {
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<int> order(lines.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return lines[x].r.x < lines[y].r.x; });
    std::vector<bool> gone(lines.size(), false);
    for (size_t oi = 0; oi < order.size(); ++oi) {
      int i = order[oi];
      if (gone[i]) continue;
      TextLine& l = lines[i];
      // Nearest piece to the right in l's row.
      int best = -1, best_gap = INT32_MAX;
      for (size_t oj = 0; oj < order.size(); ++oj) {
        int j = order[oj];
        if (j == i || gone[j]) continue;
        const TextLine& m = lines[j];
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
      TextLine& m = lines[best];
      // A piece much shorter than its neighbour has no size of its own to
      // compare: the “ and the roof of 企 left over after a ：, or a
      // word of x-height letters.
      const bool piece = std::min(l.r.height, m.r.height) < kRowPieceShare * std::max(l.r.height, m.r.height);
      const int same_box = static_cast<int>(std::lround(kRowSameBoxEm * em));
      const bool level = std::abs(l.r.y - m.r.y) <= same_box && std::abs(Bottom(l.r) - Bottom(m.r)) <= same_box;
      if (l.large == m.large && l.comps.size() >= kRowSizeComps && m.comps.size() >= kRowSizeComps && !piece &&
          !level) {
        // A short Latin word's core is unsure (in "still" most letters reach
        // up to the ascender, in "was" none does): it needs a bigger step.
        double step = std::min(l.comps.size(), m.comps.size()) >= kRowSureComps ? kSizeStep : kSizeStep * kSizeStep;
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
        for (const cv::Rect& v : vrules) ruled |= (v & gap).area() > 0;
        if (ruled) continue;
        // Nor across a photo (a chart's label and the text beside the chart).
        bool crossed = false;
        for (const cv::Rect& p : photos) crossed |= (p & gap).area() > 0;
        if (crossed) continue;
      }
      l.comps.insert(l.comps.end(), m.comps.begin(), m.comps.end());
      RecomputeLine(comps, l);
      gone[best] = true;
      changed = true;
    }
    std::vector<TextLine> kept;
    for (size_t i = 0; i < lines.size(); ++i)
      if (!gone[i]) kept.push_back(std::move(lines[i]));
    lines = std::move(kept);
  }
}

}  // namespace

// See lines.h. Bridges: see BridgeCandidates above.
std::vector<TextLine> BuildLines(const std::vector<Component>& comps, double gap_factor, const GutterMap* gutters,
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
      if (gutters != nullptr && gap > 0 && gutters->RuleBetween(a, b)) continue;
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
  for (TextLine& l : lines) MeasureCore(comps, l);
  return lines;
}

void RecomputeLine(const std::vector<Component>& comps, TextLine& l) {
  l.r = cv::Rect();
  for (int c : l.comps) l.r = Hull(l.r, comps[c].r);
  MeasureCore(comps, l);
}

void MarkHeadlineRows(std::vector<TextLine>& lines, const Ink& ink, const LayoutOptions& o) {
  std::vector<size_t> row;
  for (size_t i = 0; i < lines.size(); ++i) {
    const TextLine& l = lines[i];
    if (l.large || l.size < kSizeStep * ink.body_size || l.comps.size() < kHeadlineMinComps ||
        l.r.height < o.headline_height_em * ink.em)
      continue;
    for (const TextLine& h : lines)
      if (h.large && std::abs(h.r.y - l.r.y) <= kHeadlineRowEm * ink.em &&
          l.size >= kHeadlineRowSizeShare * h.size && OverlapX(h.r, l.r) <= 0) {
        row.push_back(i);
        break;
      }
  }
  for (size_t i : row) lines[i].large = true;
}

std::vector<TextLine> FindLines(const Ink& ink, const GutterMap& gutters, const LayoutOptions& o) {
  std::vector<TextLine> lines =
      BuildLines(ink.comps, o.line_gap, &gutters, ink.em, o.headline_ratio * ink.em, o.headline_gap);
  DropNoiseLines(lines, ink.comps, ink.em);
  for (TextLine& l : lines) l.large = l.size >= o.headline_ratio * ink.body_size && l.comps.size() >= kHeadlineMinComps;
  MergeRowFragments(lines, ink.comps, ink.rules.vertical, ink.photos, gutters, ink.em);
  // Large text is tall as a whole too (a body line is about one em): a line
  // of short body glyphs whose core merely measures large is not.
  for (TextLine& l : lines)
    l.large = l.size >= o.headline_ratio * ink.body_size && l.comps.size() >= kHeadlineMinComps &&
              l.r.height >= o.headline_height_em * ink.em;
  MarkHeadlineRows(lines, ink, o);
  return lines;
}

}  // namespace ocrflow::image::layout
