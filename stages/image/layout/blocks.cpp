#include "stages/image/layout/blocks.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <utility>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// The usual leading is measured between lines of at least this many
// components (not a headline word or a page number), to the next line below
// within kMaxLeadingEm; kDefaultLeadingEm when no line qualifies.
constexpr size_t kLeadingLineMinComps = 4;
constexpr double kMaxLeadingEm = 2;
constexpr double kDefaultLeadingEm = 0.5;
// Share of the unit (em, or a headline line's height) by which a line may
// reach up into the block above it and still stack under it.
constexpr double kStackOverlapShare = 0.4;
// Components in each of two lines, at least, for a change of core size
// between them (kSizeStep) to end a block: short lines' sizes are unsure.
constexpr size_t kSizeChangeComps = 8;
// Lines in a block that can be a fragment of another (a piece of a glyph
// that made a line of its own, or two stacked).
constexpr size_t kFragmentMaxLines = 2;
constexpr size_t kHeadlinePieceComps = 3;  // strokes of one glyph
// x the taller line's height: widest white above a centred headline line
// that lines up with the lines above it by its middle only.
constexpr double kCentredLeading = 0.5;
// em: a block of one component smaller than this is noise (a blot that passed
// for text; a lone glyph is about an em).
constexpr double kNoiseBlockEm = 0.6;

// Whether another line, beyond a gutter from `l`, sits in `l`'s row under
// block `b`: then `b` spans columns that `l` is only one of.
bool SharesRowUnder(const std::vector<TextLine>& lines, const GutterMap& g, const TextBlock& b, int li) {
  const TextLine& l = lines[li];
  for (size_t m = 0; m < lines.size(); ++m) {
    if (static_cast<int>(m) == li) continue;
    const TextLine& o = lines[m];
    if (o.r.y > Bottom(l.r) || Bottom(o.r) < l.r.y) continue;
    if (OverlapY(o.r, l.r) * 2 < std::min(o.r.height, l.r.height)) continue;
    if (OverlapX(o.r, b.r) <= 0 || OverlapX(o.r, l.r) > 0) continue;
    if (g.Between(o.r, l.r)) return true;
  }
  return false;
}

// Typical white between the cores of two lines of a column: the median gap
// from each line to the next one below it that overlaps it well.
double TypicalLeading(const std::vector<TextLine>& lines, double em) {
  std::vector<double> gaps;
  for (const TextLine& l : lines) {
    if (l.large || l.comps.size() < kLeadingLineMinComps) continue;
    int best = INT32_MAX;
    for (const TextLine& m : lines) {
      if (m.r.y < Bottom(l.r) - kBelowSlackEm * em) continue;
      int gap = m.core_top - l.core_bottom;
      if (gap < 0 || gap >= best || m.large) continue;
      if (OverlapX(l.r, m.r) * 2 < std::min(l.r.width, m.r.width)) continue;
      best = gap;
    }
    if (best < kMaxLeadingEm * em) gaps.push_back(best);
  }
  return gaps.empty() ? kDefaultLeadingEm * em : Percentile(gaps, 0.5);
}

std::vector<TextBlock> BuildBlocks(std::vector<TextLine>& lines, const Ink& ink, const GutterMap& g,
                               const LayoutOptions& o) {
  const double em = ink.em;
  std::vector<TextBlock> blocks;
  std::vector<bool> open;  // per block: lines may still join it
  // A gap wider than the leading by block_gap_em ends a block: the extra
  // white under a byline, a caption or a sub-headline.
  const double max_gap = TypicalLeading(lines, em) + o.block_gap_em * em;
  std::vector<int> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    return lines[x].r.y != lines[y].r.y ? lines[x].r.y < lines[y].r.y : lines[x].r.x < lines[y].r.x;
  });
  for (int li : order) {
    const TextLine& l = lines[li];
    int best = -1;
    double best_gap = 1e18;
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      TextBlock& b = blocks[bi];
      if (!open[bi]) continue;
      const TextLine& last = lines[b.lines.back()];
      // A headline's second line may fall just short of "large" by its
      // height (no tall glyph in it) while its glyphs are the first line's size.
      const bool headline_rest =
          b.large && !l.large && l.comps.size() >= kHeadlineMinComps && l.size * kSizeStep >= last.size;
      // Likewise its first line ("Fairhaven" over "Approves New"), a block of
      // one line so far.
      const bool headline_head = !b.large && l.large && b.lines.size() == 1 &&
                                 last.comps.size() >= kHeadlineMinComps && last.size * kSizeStep >= l.size;
      if (b.large != l.large && !headline_rest && !headline_head) continue;
      const bool large = l.large || headline_rest;
      double unit = large ? std::max(last.r.height, l.r.height) : em;
      int gap = l.r.y - Bottom(b.r);
      if (gap < -kStackOverlapShare * unit) continue;
      if (large ? gap > kHeadlineLeading * unit : l.core_top - last.core_bottom > max_gap) continue;
      int ov = OverlapX(l.r, b.r);
      if (ov * 2 < std::min(l.r.width, b.r.width)) continue;
      // A body line's edges stay within block_edge_em of its block's (a
      // paragraph's indent, a short last line stay inside). A headline's lines
      // differ in length by whole words of big letters (in a narrow column
      // "Breaks Ground" under "Expansion"): one edge in line is enough for
      // them, or their middles when it follows at a headline's own leading
      // (a centred headline's short last line; a centred line set farther
      // off, a volume's year under a title, is a line of its own).
      double tol = o.block_edge_em * em;
      if (!large && (l.r.x < b.r.x - tol || Right(l.r) > Right(b.r) + tol)) continue;
      const bool centred = large && gap <= kCentredLeading * unit &&
                           std::abs((l.r.x + Right(l.r)) - (b.r.x + Right(b.r))) <= 2 * tol;
      if (!centred && std::abs(l.r.x - b.r.x) > tol && std::abs(Right(l.r) - Right(b.r)) > tol) continue;
      // Size change (a caption in a smaller face, a sub-headline).
      if (l.comps.size() >= kSizeChangeComps && last.comps.size() >= kSizeChangeComps) {
        double ratio = l.size / std::max(1.0, last.size);
        if (ratio > kSizeStep || ratio < 1 / kSizeStep) continue;
      }
      if (ink.ObstacleBetween(std::max(l.r.x, b.r.x), std::min(Right(l.r), Right(b.r)), Bottom(last.r), l.r.y)) continue;
      // Nor across a photo: a line beside a figure is not of the block over
      // it, which would then run over the figure.
      if (ink.JoinCrossesPhoto(b.r, l.r, static_cast<int>(kBelowSlackEm * em))) continue;
      if (b.r.width > l.r.width + tol && SharesRowUnder(lines, g, b, li)) continue;
      if (gap < best_gap) {
        best_gap = gap;
        best = static_cast<int>(bi);
      }
    }
    // Lines below an open block in its span end it; not a stray mark under
    // half the height of a headline block's last line (the closing quote
    // after a headline's last glyph, a line of its own by a hair). Under
    // body text such a mark is a word of its own (a lone "a") and ends it.
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      TextBlock& b = blocks[bi];
      if (!open[bi] || static_cast<int>(bi) == best) continue;
      const TextLine& above = lines[b.lines.back()];
      if (above.large && l.comps.size() <= kHeadlinePieceComps && 2 * l.r.height < above.r.height) continue;
      if (OverlapX(b.r, l.r) > 0 && l.r.y >= Bottom(b.r) - kBelowSlackEm * em) open[bi] = false;
    }
    if (best >= 0) {
      if (blocks[best].large) lines[li].large = true;
      if (l.large && !blocks[best].large) {  // a headline's first line joined
        blocks[best].large = true;
        blocks[best].role = Role::kHeadline;
        for (int k : blocks[best].lines) lines[k].large = true;
      }
      blocks[best].lines.push_back(li);
      blocks[best].r = Hull(blocks[best].r, l.r);
    } else {
      TextBlock b;
      b.r = l.r;
      b.lines.push_back(li);
      b.large = l.large;
      b.role = l.large ? Role::kHeadline : Role::kBody;
      blocks.push_back(b);
      open.push_back(true);
    }
  }
  return blocks;
}

// Pieces of a line that did not join it (a stroke of a glyph that touches no
// neighbour, a dot) end up as tiny blocks inside or on the edge of a real
// one: they belong to it. That holds for a one-line block too, a headline,
// when the piece lies inside its row and is shorter than it: the top of 贞
// between a 。 and a ， touches no glyph of its row and is a line of its own.
// Absorbed blocks are marked in `dead`.
void AbsorbFragments(std::vector<TextBlock>& blocks, std::vector<bool>& dead, std::vector<TextLine>& lines,
                     const std::vector<Component>& comps, double em, const LayoutOptions& o) {
  for (size_t fi = 0; fi < blocks.size(); ++fi) {
    TextBlock& f = blocks[fi];
    if (dead[fi] || f.lines.size() > kFragmentMaxLines) continue;
    size_t f_comps = 0;
    for (int li : f.lines) f_comps += lines[li].comps.size();
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      TextBlock& b = blocks[bi];
      if (bi == fi || dead[bi]) continue;
      // Nine tenths of the piece inside the one-line block's box.
      const bool piece_of_row = b.lines.size() == 1 && f.r.height < b.r.height &&
                                (b.r & f.r).area() * 10 >= f.r.area() * 9;
      // The strokes of a headline's first or last glyph beyond a gutter
      // (青 as 龶 over 月, each a "line"): within the headline's row (give or
      // take a tenth of its height), as close to it as BuildLines lets
      // headline type cross a gutter.
      const int tol = b.r.height / 10;
      const int gap = std::max(f.r.x - Right(b.r), b.r.x - Right(f.r));
      const bool headline_piece = b.lines.size() == 1 && b.large && !f.large && f_comps <= kHeadlinePieceComps &&
                                  f.r.y >= b.r.y - tol && Bottom(f.r) <= Bottom(b.r) + tol &&
                                  gap <= o.headline_gap * b.r.height;
      if (f.lines.size() > 1 && !headline_piece) continue;
      if (!piece_of_row && !headline_piece && (b.lines.size() < 2 || b.large != f.large)) continue;
      // The block widened by half an em on each side: a dot or a stroke on
      // its edge that lies half in it.
      cv::Rect grown(b.r.x - em / 2, b.r.y, b.r.width + em, b.r.height);
      if (piece_of_row || headline_piece) {  // part of the row's one line, not a line below it
        TextLine& row = lines[b.lines.front()];
        for (int li : f.lines) row.comps.insert(row.comps.end(), lines[li].comps.begin(), lines[li].comps.end());
        RecomputeLine(comps, row);
        b.r = Hull(b.r, f.r);
        dead[fi] = true;
        break;
      }
      if ((grown & f.r).area() * 2 >= f.r.area()) {
        b.lines.push_back(f.lines.front());
        std::sort(b.lines.begin(), b.lines.end(), [&](int x, int y) { return lines[x].r.y < lines[y].r.y; });
        b.r = Hull(b.r, f.r);
        dead[fi] = true;
        break;
      }
    }
  }
}

// Noise that survived as text: a block of one small component.
void DropNoiseBlocks(const std::vector<TextBlock>& blocks, std::vector<bool>& dead, const std::vector<TextLine>& lines,
                     double em) {
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    const TextBlock& b = blocks[bi];
    size_t comps = 0;
    for (int li : b.lines) comps += lines[li].comps.size();
    if (comps <= 1 && std::max(b.r.width, b.r.height) < kNoiseBlockEm * em) dead[bi] = true;
  }
}

}  // namespace

PageText FindBlocks(std::vector<TextLine> lines, const Ink& ink, const GutterMap& gutters, const LayoutOptions& o) {
  PageText text;
  text.lines = std::move(lines);
  std::vector<TextBlock> blocks = BuildBlocks(text.lines, ink, gutters, o);
  std::vector<bool> dead(blocks.size(), false);
  AbsorbFragments(blocks, dead, text.lines, ink.comps, ink.em, o);
  DropNoiseBlocks(blocks, dead, text.lines, ink.em);
  for (size_t bi = 0; bi < blocks.size(); ++bi)
    if (!dead[bi]) text.blocks.push_back(std::move(blocks[bi]));
  return text;
}

}  // namespace ocrflow::image::layout
