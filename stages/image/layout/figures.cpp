#include "stages/image/layout/figures.h"

#include <algorithm>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// Where a block lies around a photo: beside it (its centre level with the
// photo: left or right of it), or above or below it.
enum class Side { kLeft, kRight, kAbove, kBelow };

Side SideOf(const cv::Rect& b, const cv::Rect& p) {
  const int cy = b.y + b.height / 2, cx = b.x + b.width / 2;
  if (cy >= p.y && cy < Bottom(p)) return cx < p.x + p.width / 2 ? Side::kLeft : Side::kRight;
  return cy < p.y ? Side::kAbove : Side::kBelow;
}

// Small enough for a label, and close enough to `p` (see figures.h).
bool LabelSized(const TextBlock& b, const std::vector<TextLine>& lines, const cv::Rect& p, double em) {
  if (b.large || !IsPageText(b) || (b.role != Role::kBody && b.role != Role::kCaption)) return false;
  if (b.lines.size() > kLabelMaxLines || b.r.height > kLabelMaxHeightEm * em) return false;
  for (int li : b.lines)
    if (lines[li].r.width > kLabelMaxWidthEm * em) return false;
  const int reach = static_cast<int>(kLabelReachEm * em);
  return -OverlapX(b.r, p) <= reach && -OverlapY(b.r, p) <= reach;
}

// A photo from one edge of the page to the opposite one (within an em) is
// the dark border of a scan or the next page's edge, no figure: the noise
// beside it is no label (and what it is, is not the figure's to say).
bool AcrossThePage(const cv::Rect& p, cv::Size page, double em) {
  const int e = static_cast<int>(em);
  return (p.y <= e && Bottom(p) >= page.height - e) || (p.x <= e && Right(p) >= page.width - e);
}

}  // namespace

std::vector<Figure> FindFigures(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink) {
  const double em = ink.em;
  // Boxes that touch (a descender, a trace of skew) are not in one row.
  const int slack = static_cast<int>(kBelowSlackEm * em);
  std::vector<Figure> figures;
  std::vector<bool> label(blocks.size(), false);
  for (size_t pi = 0; pi < ink.photos.size(); ++pi) {
    const cv::Rect& p = ink.photos[pi];
    if (AcrossThePage(p, ink.page, em)) continue;
    std::vector<bool> cand(blocks.size(), false);
    for (size_t bi = 0; bi < blocks.size(); ++bi) cand[bi] = !label[bi] && LabelSized(blocks[bi], lines, p, em);
    Figure fig;
    fig.photo = pi;
    fig.box = p;
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      if (!cand[bi]) continue;
      const TextBlock& b = blocks[bi];
      const Side side = SideOf(b.r, p);
      bool is_label = false;
      if (side == Side::kLeft || side == Side::kRight) {
        // Between the photo and the margin: no other page text on that side
        // of the photo in its rows (the text beyond it or between).
        is_label = true;
        for (size_t oi = 0; oi < blocks.size() && is_label; ++oi) {
          const TextBlock& o = blocks[oi];
          if (oi == bi || cand[oi] || label[oi] || !IsPageText(o) || OverlapY(o.r, b.r) <= slack) continue;
          const bool same_side = side == Side::kLeft ? o.r.x < p.x : Right(o.r) > Right(p);
          if (same_side) is_label = false;
        }
      } else {
        // Between the photo and its caption, or reaching into the photo's
        // box (and not a caption: the outermost block stays one).
        const bool below = side == Side::kBelow;
        is_label = b.role != Role::kCaption && OverlapY(b.r, p) > 0;
        for (size_t oi = 0; oi < blocks.size() && !is_label; ++oi) {
          const TextBlock& o = blocks[oi];
          if (oi == bi || o.role != Role::kCaption || OverlapX(o.r, p) <= 0) continue;
          const int beyond = below ? o.r.y - Bottom(b.r) : b.r.y - Bottom(o.r);
          is_label = beyond >= -kBelowSlackEm * em && beyond <= kLabelReachEm * em;
        }
      }
      if (!is_label) continue;
      label[bi] = true;
      fig.labels.push_back(b.r);
      fig.box = Hull(fig.box, b.r);
    }
    if (!fig.labels.empty()) figures.push_back(std::move(fig));
  }
  std::vector<TextBlock> kept;
  for (size_t bi = 0; bi < blocks.size(); ++bi)
    if (!label[bi]) kept.push_back(std::move(blocks[bi]));
  blocks = std::move(kept);
  return figures;
}

}  // namespace ocrflow::image::layout
