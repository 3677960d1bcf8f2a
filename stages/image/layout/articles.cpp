#include "stages/image/layout/articles.h"

#include <algorithm>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// A headline that starts this near under another (give or take kBelowSlackEm)
// and overlaps at least kDeckOverlapShare of its own width with it is that
// headline's second deck.
constexpr double kDeckGapEm = 1.5;
constexpr double kDeckOverlapShare = 0.5;
// em: a headline may end this far below a block's top and still stand above it.
constexpr double kAboveSlackEm = 0.5;
// em: distance added to a headline beside a block rather than over it, so
// that of two headlines as near, the one over the block wins.
constexpr double kBesidePenaltyEm = 1.0;
// em: a caption may start this far above its photo's bottom.
constexpr double kCaptionAboveEm = 1.0;

void MergeInto(const std::vector<TextLine>& lines, TextBlock& dst, const TextBlock& src) {
  dst.lines.insert(dst.lines.end(), src.lines.begin(), src.lines.end());
  std::sort(dst.lines.begin(), dst.lines.end(), [&](int x, int y) { return lines[x].r.y < lines[y].r.y; });
  dst.r = Hull(dst.r, src.r);
}

// Body blocks of one article in one column with nothing between them are one
// column chunk (a paragraph gap or a stray short line split them).
void MergeColumnChunks(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t xi = 0; xi < blocks.size(); ++xi) {
      TextBlock& x = blocks[xi];
      if (x.role != Role::kBody || x.column < 0) continue;
      int below = -1;
      for (size_t yi = 0; yi < blocks.size(); ++yi) {
        const TextBlock& y = blocks[yi];
        if (yi == xi || y.role != Role::kBody || y.column != x.column || y.article != x.article) continue;
        if (y.r.y < Bottom(x.r) - kBelowSlackEm * ink.em) continue;
        if (below < 0 || y.r.y < blocks[below].r.y) below = static_cast<int>(yi);
      }
      if (below < 0) continue;
      const TextBlock& b = blocks[below];
      int x0 = std::min(x.r.x, b.r.x), x1 = std::max(Right(x.r), Right(b.r));
      bool between = ink.ObstacleBetween(x0, x1, Bottom(x.r), b.r.y);
      for (size_t zi = 0; zi < blocks.size(); ++zi) {
        const TextBlock& z = blocks[zi];
        if (zi == xi || static_cast<int>(zi) == below) continue;
        if (OverlapX(z.r, cv::Rect(x0, 0, x1 - x0, 1)) > 0 && z.r.y < b.r.y && Bottom(z.r) > Bottom(x.r))
          between = true;
      }
      if (between) continue;
      MergeInto(lines, x, b);
      blocks.erase(blocks.begin() + below);
      changed = true;
      break;
    }
  }
}

}  // namespace

int ArticleAbove(const std::vector<const TextBlock*>& heads, const cv::Rect& r, const Ink& ink) {
  int best = -1;
  double best_score = 1e18;
  for (size_t i = 0; i < heads.size(); ++i) {
    const cv::Rect& h = heads[i]->r;
    if (Bottom(h) > r.y + kAboveSlackEm * ink.em) continue;
    bool ruled_off = false;
    for (const cv::Rect& v : ink.rules.vertical) {
      int vx = v.x + v.width / 2;
      bool between = (vx > Right(h) && vx < r.x) || (vx < h.x && vx > Right(r));
      if (between && v.y < Bottom(r) && Bottom(v) > h.y) ruled_off = true;
    }
    if (ruled_off) continue;
    double score = (r.y - Bottom(h)) + (OverlapX(h, r) > 0 ? 0 : kBesidePenaltyEm * ink.em);
    if (score < best_score) {
      best_score = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

int AssignArticles(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Columns& columns,
                   const Ink& ink, const LayoutOptions& o) {
  const double em = ink.em;
  std::vector<TextBlock*> heads;
  for (TextBlock& b : blocks)
    if (b.role == Role::kHeadline) heads.push_back(&b);
  std::sort(heads.begin(), heads.end(), [](const TextBlock* x, const TextBlock* y) { return x->r.y < y->r.y; });
  const std::vector<const TextBlock*> const_heads(heads.begin(), heads.end());
  // A headline directly above another (a two-deck headline split by size)
  // opens one article.
  std::vector<int> head_article(heads.size());
  int articles = 0;
  for (size_t i = 0; i < heads.size(); ++i) {
    head_article[i] = -1;
    for (size_t j = 0; j < i; ++j) {
      int gap = heads[i]->r.y - Bottom(heads[j]->r);
      if (gap >= -kBelowSlackEm * em && gap <= kDeckGapEm * em &&
          OverlapX(heads[i]->r, heads[j]->r) > kDeckOverlapShare * heads[i]->r.width)
        head_article[i] = head_article[j];
    }
    if (head_article[i] < 0) head_article[i] = articles++;
    heads[i]->article = head_article[i];
  }
  // Photos belong to the article above them; their captions follow.
  std::vector<int> photo_article;
  for (const cv::Rect& p : ink.photos) {
    int h = ArticleAbove(const_heads, p, ink);
    photo_article.push_back(h < 0 ? -1 : heads[h]->article);
  }
  for (TextBlock& b : blocks) {
    if (!IsPageText(b) || b.role == Role::kHeadline) continue;
    int h = ArticleAbove(const_heads, b.r, ink);
    b.article = h < 0 ? -1 : heads[h]->article;
    if (b.role == Role::kCaption)
      for (size_t p = 0; p < ink.photos.size(); ++p) {
        int gap = b.r.y - Bottom(ink.photos[p]);
        if (gap >= -kCaptionAboveEm * em && gap <= o.caption_gap_em * em && OverlapX(b.r, ink.photos[p]) > 0)
          b.article = photo_article[p];
      }
  }
  for (TextBlock& b : blocks) b.column = IsPageText(b) ? ColumnOf(columns, b.r, em) : -1;
  MergeColumnChunks(blocks, lines, ink);
  return articles;
}

}  // namespace ocrflow::image::layout
