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
// A rule parts two blocks one above the other when it is at least this
// share of the wider one's width (not a short rule under a heading).
constexpr double kRuleAcrossShare = 0.9;
// A rule that ends the reach of the headline above it runs across more
// than the block's own column: at least this share of the wider of the
// block and the page's column width (a table's rule over a sidebar's narrow
// cells ends nothing).
constexpr double kArticleEndWidthShare = 1.5;
// A frame: two rules overlapping by this share of the wider, at most
// kFrameMaxEm apart, with a block between them.
constexpr double kFrameOverlapShare = 0.8;
constexpr double kFrameMaxEm = 6.0;
// em: two such rules both between two blocks and at least this far apart
// enclose a box (an inset) between them, which the column flows past.
constexpr double kBoxMinEm = 1.0;
// A headline beside a block opens its article only when it is at least this
// share of the block's width (a column's worth): a small section heading in
// the next column does not take a sidebar's rows that happen to stand level
// with it.
constexpr double kBesideWidthShare = 0.9;
// A block no headline over it and nothing above it claims may take a
// narrower headline beside it, down to this share of its width (a short
// headline set over the first of its article's columns only).
constexpr double kBesideOrphanWidthShare = 0.5;
// em: an article's columns start together, within this of the highest.
constexpr double kColumnsStartEm = 2.5;
// em: a vertical rule parts a headline from a block beside it when it
// reaches up to within this of the block's top.
constexpr double kBesideRuleEm = 2.0;
// em: of the blocks right above a block, those ending within this of the
// lowest of them decide its article (blocks higher up beside them are
// farther from it).
constexpr double kAboveLevelEm = 2.0;
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
      // The text beside a figure is a column chunk of its own.
      if (ink.JoinCrossesPhoto(x.r, b.r, static_cast<int>(kBelowSlackEm * ink.em))) between = true;
      if (between) continue;
      MergeInto(lines, x, b);
      blocks.erase(blocks.begin() + below);
      changed = true;
      break;
    }
  }
}

// Whether a vertical rule stands between headline `h` and block `r`, from
// the headline's top down to `bottom` (default: the block's bottom).
bool RuledOff(const cv::Rect& h, const cv::Rect& r, const Ink& ink, int bottom = -1) {
  if (bottom < 0) bottom = Bottom(r);
  for (const cv::Rect& v : ink.rules.vertical) {
    int vx = v.x + v.width / 2;
    bool between = (vx > Right(h) && vx < r.x) || (vx < h.x && vx > Right(r));
    if (between && v.y < bottom && Bottom(v) > h.y) return true;
  }
  return false;
}

// Whether a horizontal rule runs between `a` (above) and `b` across both
// (kRuleAcrossShare of the wider). The rules of a frame do not count: a
// rule with another of about its extent within kFrameMaxEm on the far side
// of `a` or `b`, with that block between them (a pull quote or a boxed
// item inside a column, which the column's article flows past).
bool RuleBetween(const cv::Rect& a, const cv::Rect& b, const Ink& ink) {
  const double em = ink.em;
  for (const cv::Rect& h : ink.rules.horizontal) {
    int y = h.y + h.height / 2;
    if (y < Bottom(a) - 1 || y > b.y + 1 || OverlapX(h, a) <= 0 || OverlapX(h, b) <= 0 ||
        h.width < kRuleAcrossShare * std::max(a.width, b.width))
      continue;
    bool frame = false;
    for (const cv::Rect& g : ink.rules.horizontal) {
      if (&g == &h || OverlapX(g, h) < kFrameOverlapShare * std::max(g.width, h.width)) continue;
      const int gy = g.y + g.height / 2;
      const bool below_b = gy >= Bottom(b) - 1 && gy - y <= kFrameMaxEm * em;
      const bool above_a = gy <= a.y + 1 && y - gy <= kFrameMaxEm * em;
      const bool box_between = gy >= Bottom(a) - 1 && gy <= b.y + 1 && std::abs(gy - y) >= kBoxMinEm * em;
      if (below_b || above_a || box_between) frame = true;
    }
    if (!frame) return true;
  }
  return false;
}

// Whether an article ends between headline `h` and block `r` under it: a
// horizontal rule across `r` and beyond its column (kArticleEndWidthShare
// of the wider of `r` and the page's `column_width`) with page text between
// the headline and the rule over `r` (the rule closes the headline's
// columns; a rule right under a headline, over its columns, does not; nor
// does a table's rule inside one column), and not the lower rule of a frame
// around that text (a pull quote in the column: the block under it is still
// the article's).
bool ArticleEndsBetween(const cv::Rect& h, const cv::Rect& r, const std::vector<TextBlock>& blocks, const Ink& ink,
                        double column_width) {
  const double em = ink.em;
  for (const cv::Rect& rule : ink.rules.horizontal) {
    const int y = rule.y + rule.height / 2;
    if (y < Bottom(h) || y > r.y + 1 || OverlapX(rule, r) < kRuleAcrossShare * r.width ||
        rule.width < kArticleEndWidthShare * std::max<double>(r.width, column_width))
      continue;
    bool text_above = false;
    for (const TextBlock& o : blocks)
      if (IsPageText(o) && o.r != r && o.r != h && o.r.y >= Bottom(h) - kAboveSlackEm * em &&
          Bottom(o.r) <= y + 1 && OverlapX(o.r, r) > kAboveSlackEm * em)
        text_above = true;
    if (!text_above) continue;
    bool frame = false;
    for (const cv::Rect& g : ink.rules.horizontal) {
      const int gy = g.y + g.height / 2;
      if (&g == &rule || gy >= y || y - gy > kFrameMaxEm * em || gy < Bottom(h) ||
          OverlapX(g, rule) < kFrameOverlapShare * std::max(g.width, rule.width))
        continue;
      frame = true;
    }
    if (!frame) return true;
  }
  return false;
}

// Flow mode: a body block no article claims, standing in a column between
// two blocks of one article right above and below it (nothing between), is
// of that article. An indented first line under a paragraph's short last
// line overlaps the block above by less than the slack that "above" asks.
void FillColumnGaps(std::vector<TextBlock>& blocks, const Ink& ink) {
  auto nearest = [&](const TextBlock& x, bool down) {
    int best = -1;
    for (size_t yi = 0; yi < blocks.size(); ++yi) {
      const TextBlock& y = blocks[yi];
      if (&y == &x || y.role != Role::kBody || y.column != x.column) continue;
      const bool beyond = down ? y.r.y >= Bottom(x.r) - kAboveSlackEm * ink.em
                               : Bottom(y.r) <= x.r.y + kAboveSlackEm * ink.em;
      if (!beyond) continue;
      if (best < 0 || (down ? y.r.y < blocks[best].r.y : Bottom(y.r) > Bottom(blocks[best].r)))
        best = static_cast<int>(yi);
    }
    return best;
  };
  for (TextBlock& x : blocks) {
    if (x.role != Role::kBody || x.column < 0 || x.article >= 0) continue;
    const int up = nearest(x, false), down = nearest(x, true);
    if (up < 0 || down < 0) continue;
    const TextBlock &a = blocks[up], &b = blocks[down];
    if (a.article < 0 || a.article != b.article) continue;
    const int x0 = std::min({a.r.x, x.r.x, b.r.x}), x1 = std::max({Right(a.r), Right(x.r), Right(b.r)});
    if (ink.ObstacleBetween(x0, x1, Bottom(a.r), x.r.y) || ink.ObstacleBetween(x0, x1, Bottom(x.r), b.r.y)) continue;
    if (RuleBetween(a.r, x.r, ink) || RuleBetween(x.r, b.r, ink)) continue;
    x.article = a.article;
  }
}

}  // namespace

int ArticleAbove(const std::vector<const TextBlock*>& heads, const cv::Rect& r, const Ink& ink, double beside_em) {
  int best = -1;
  double best_score = 1e18;
  for (size_t i = 0; i < heads.size(); ++i) {
    const cv::Rect& h = heads[i]->r;
    if (Bottom(h) > r.y + kAboveSlackEm * ink.em) continue;
    if (RuledOff(h, r, ink)) continue;
    double score = (r.y - Bottom(h)) + (OverlapX(h, r) > 0 ? 0 : beside_em * ink.em);
    if (score < best_score) {
      best_score = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

int HeadlineOver(const std::vector<const TextBlock*>& heads, const std::vector<TextBlock>& blocks, const cv::Rect& r,
                 const Ink& ink, double column_width) {
  int best = -1;
  for (size_t i = 0; i < heads.size(); ++i) {
    const cv::Rect& h = heads[i]->r;
    if (Bottom(h) > r.y + kAboveSlackEm * ink.em || OverlapX(h, r) <= 0 || RuledOff(h, r, ink) ||
        ArticleEndsBetween(h, r, blocks, ink, column_width))
      continue;
    if (best < 0 || Bottom(h) > Bottom(heads[best]->r)) best = static_cast<int>(i);
  }
  return best;
}

std::vector<int> BodyTops(const std::vector<const TextBlock*>& heads, const std::vector<TextBlock>& blocks,
                          const Ink& ink, double column_width) {
  std::vector<std::vector<int>> under(heads.size());
  for (const TextBlock& o : blocks) {
    if (o.role != Role::kBody) continue;
    const int h = HeadlineOver(heads, blocks, o.r, ink, column_width);
    if (h >= 0) under[h].push_back(o.r.y);
  }
  std::vector<int> tops(heads.size(), -1);
  for (size_t h = 0; h < heads.size(); ++h) {
    if (under[h].empty()) continue;
    const int highest = *std::min_element(under[h].begin(), under[h].end());
    for (int y : under[h])
      if (y <= highest + kColumnsStartEm * ink.em) tops[h] = std::max(tops[h], y);
  }
  return tops;
}

int HeadlineBeside(const std::vector<const TextBlock*>& heads, const std::vector<int>& body_tops,
                   const std::vector<TextBlock>& blocks, const cv::Rect& r, const Ink& ink, double reach_em,
                   double width_share) {
  int best = -1;
  double best_gap = 1e18;
  for (size_t i = 0; i < heads.size(); ++i) {
    const cv::Rect& h = heads[i]->r;
    double gap = r.y - Bottom(h);
    if (gap < -kAboveSlackEm * ink.em || OverlapX(h, r) > 0 ||
        RuledOff(h, r, ink, r.y + static_cast<int>(kBesideRuleEm * ink.em)))
      continue;
    if (h.width < width_share * r.width) continue;
    // The article's columns start together: at the top of the body under
    // the headline (below a byline or a deck), or right under it.
    const int level = std::max(Bottom(h), body_tops[i]);
    if (r.y > level + reach_em * ink.em) continue;
    // The white between them: from the headline's top down to the block's
    // top, across from the headline's edge to the block's. The headline's
    // own deck or byline (its article's, decided already: it stands higher)
    // may reach into it: a deck set wider than the headline over it.
    const int x0 = std::min(Right(h), Right(r)), x1 = std::max(h.x, r.x);
    const cv::Rect between(x0, h.y, std::max(1, x1 - x0), std::max(1, r.y - h.y));
    bool blocked = false;
    for (const TextBlock& o : blocks) {
      if (&o == heads[i] || o.r == r || !IsPageText(o)) continue;
      if (o.role != Role::kBody && o.article >= 0 && o.article == heads[i]->article) continue;
      if ((o.r & between).area() > 0 && OverlapX(o.r, between) > kAboveSlackEm * ink.em &&
          OverlapY(o.r, between) > kAboveSlackEm * ink.em)
        blocked = true;
    }
    if (blocked) continue;
    if (gap < best_gap) {
      best_gap = gap;
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
  // Every other block, and every photo: the nearest headline over it; else
  // one beside it that it starts level with; else the article of the blocks
  // right above it in its column (an article flows down its column past
  // photos and headlines beside it); else none. A caption goes with its
  // photo. Top to bottom, so that what lies above is decided first.
  std::vector<size_t> by_y;
  for (size_t i = 0; i < blocks.size(); ++i)
    if (IsPageText(blocks[i]) && blocks[i].role != Role::kHeadline) by_y.push_back(i);
  std::sort(by_y.begin(), by_y.end(), [&](size_t x, size_t y) { return blocks[x].r.y < blocks[y].r.y; });
  std::vector<bool> decided(blocks.size(), false);
  // The article of the decided blocks and photos right above `r` (nothing
  // between them), when they all have the same one; a block under two
  // articles (a footer line under two columns) belongs to neither. A photo
  // across columns carries its article on below it.
  std::vector<int> photo_article(ink.photos.size(), -1);
  std::vector<bool> photo_done(ink.photos.size(), false);
  struct Above {
    int article = -1;  // -1: none, or blocks of two articles (blocks of none are passed over)
    int bottom = -1;   // the lowest bottom among them; -1: no block
  };
  auto blocks_above = [&](const cv::Rect& r) {
    auto over = [&](const cv::Rect& u) {
      return Bottom(u) <= r.y + kAboveSlackEm * em && OverlapX(u, r) > kAboveSlackEm * em;
    };
    // What is decided above `r`: blocks and photos, with their articles.
    std::vector<std::pair<cv::Rect, int>> candidates;
    for (size_t ui : by_y)
      if (decided[ui] && blocks[ui].r != r && over(blocks[ui].r)) candidates.emplace_back(blocks[ui].r, blocks[ui].article);
    for (size_t p = 0; p < ink.photos.size(); ++p)
      if (photo_done[p] && ink.photos[p] != r && over(ink.photos[p])) candidates.emplace_back(ink.photos[p], photo_article[p]);
    Above a;
    bool mixed = false;
    std::vector<std::pair<int, int>> found;  // bottom, article of each block right above
    for (const auto& candidate : candidates) {
      // Named, not a structured binding: clang before 16 cannot capture one
      // in the lambda below (the fuzz build, scripts/fuzz.sh, uses clang).
      const cv::Rect& u = candidate.first;
      const int article = candidate.second;
      // Right above: no block between it and `r`, and no headline (a
      // headline under a table or another article's columns opens the
      // article below it: what lies above the headline does not flow past).
      bool direct = true;
      auto between = [&](const cv::Rect& w) {
        return w != u && w != r && over(w) && w.y >= Bottom(u) - kAboveSlackEm * em &&
               OverlapX(w, u) > kAboveSlackEm * em;
      };
      // Blocks of no article (an inset box, a stray line) do not stop the
      // flow past them.
      for (size_t wi : by_y)
        if (blocks[wi].article >= 0 && between(blocks[wi].r)) direct = false;
      for (const TextBlock* h : heads)
        if (between(h->r)) direct = false;
      if (!direct || RuleBetween(u, r, ink) || article < 0) continue;
      found.emplace_back(Bottom(u), article);
      a.bottom = std::max(a.bottom, Bottom(u));
    }
    // The nearest decide: those ending within kAboveLevelEm of the lowest.
    // Blocks of two articles ending level (two columns over a footer line)
    // leave `r` to neither; a column's short last line right above `r`
    // outweighs another article's table far up beside it.
    for (const auto& [bottom, article] : found) {
      if (bottom < a.bottom - kAboveLevelEm * em) continue;
      if (a.article >= 0 && article != a.article) mixed = true;
      a.article = article;
    }
    if (mixed) a.article = -1;
    return a;
  };
  // Of the headline over the block, a headline beside it that it starts
  // level with, and the blocks right above it, the nearest decides.
  const std::vector<int> body_tops = o.flow_articles ? BodyTops(const_heads, blocks, ink, columns.width) : std::vector<int>();
  auto article_of = [&](const cv::Rect& r) {
    if (!o.flow_articles) {
      int h = ArticleAbove(const_heads, r, ink, o.beside_headline_em);
      return h < 0 ? -1 : heads[h]->article;
    }
    const int over = HeadlineOver(const_heads, blocks, r, ink, columns.width);
    const Above above = blocks_above(r);
    // A narrow headline beside counts only for a block nothing else claims.
    const bool orphan = over < 0 && above.bottom < 0;
    const int beside = HeadlineBeside(const_heads, body_tops, blocks, r, ink, o.beside_headline_em,
                                      orphan ? kBesideOrphanWidthShare : kBesideWidthShare);
    int article = -1, nearest = -1;
    if (over >= 0) article = heads[over]->article, nearest = Bottom(heads[over]->r);
    if (beside >= 0 && Bottom(heads[beside]->r) > nearest) article = heads[beside]->article, nearest = Bottom(heads[beside]->r);
    if (above.bottom > nearest) article = above.article;
    return article;
  };
  auto decide_photos_above = [&](int y) {
    for (size_t p = 0; p < ink.photos.size(); ++p)
      if (!photo_done[p] && ink.photos[p].y <= y) {
        photo_article[p] = article_of(ink.photos[p]);
        // Flow mode: a photo nothing over, beside or above claims (a photo
        // of its own beside an article's columns) is the band model's, so
        // that its caption is read with that article, not on its own first;
        // not across a rule between that headline and the photo (a
        // thumbnail in an index strip under a rule across the page).
        if (photo_article[p] < 0 && o.flow_articles) {
          const int h = ArticleAbove(const_heads, ink.photos[p], ink, o.beside_headline_em);
          if (h >= 0 && !RuleBetween(heads[h]->r, ink.photos[p], ink)) photo_article[p] = heads[h]->article;
        }
        photo_done[p] = true;
      }
  };
  for (size_t bi : by_y) {
    TextBlock& b = blocks[bi];
    decide_photos_above(b.r.y);
    b.article = article_of(b.r);
    if (b.role == Role::kCaption)
      for (size_t p = 0; p < ink.photos.size(); ++p) {
        int gap = b.r.y - Bottom(ink.photos[p]);
        if (gap >= -kCaptionAboveEm * em && gap <= o.caption_gap_em * em && OverlapX(b.r, ink.photos[p]) > 0)
          b.article = photo_article[p];
      }
    decided[bi] = true;
  }
  for (TextBlock& b : blocks) b.column = IsPageText(b) ? ColumnOf(columns, b.r, em) : -1;
  if (o.flow_articles) FillColumnGaps(blocks, ink);
  MergeColumnChunks(blocks, lines, ink);
  return articles;
}

}  // namespace ocrflow::image::layout
