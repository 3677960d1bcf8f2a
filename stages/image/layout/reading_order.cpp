#include "stages/image/layout/reading_order.h"

#include <algorithm>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// Order of the roles inside an article.
int RoleRank(Role r) {
  switch (r) {
    case Role::kHeadline: return 0;
    case Role::kSubheadline: return 1;
    case Role::kByline: return 2;
    case Role::kCaption:
    case Role::kPullQuote:
    case Role::kInset: return 4;  // after the text they stand in
    default: return 3;
  }
}
constexpr int kLastRank = 4;

}  // namespace

bool Before(const cv::Rect& x, const cv::Rect& y, double em) {
  if (OverlapX(x, y) > kOrderSlackEm * em) return x.y < y.y;
  return Right(x) <= y.x + kOrderSlackEm * em;
}

namespace {

// Whether some box of `rects` other than x and y lies between them in
// height and overlaps both horizontally (a text block across two columns,
// such as a table's row, with x's column above it and y under it): then "x lies left of
// y" says nothing about which to read first (T. Breuel's second rule).
bool SpannedBetween(const std::vector<cv::Rect>& rects, size_t xi, size_t yi, double em) {
  const cv::Rect& x = rects[xi];
  const cv::Rect& y = rects[yi];
  const double slack = kOrderSlackEm * em;
  const cv::Rect& upper = x.y <= y.y ? x : y;
  const cv::Rect& lower = x.y <= y.y ? y : x;
  for (size_t ci = 0; ci < rects.size(); ++ci) {
    if (ci == xi || ci == yi) continue;
    const cv::Rect& c = rects[ci];
    if (c.y >= Bottom(upper) - slack && Bottom(c) <= lower.y + slack && OverlapX(c, x) > slack &&
        OverlapX(c, y) > slack)
      return true;
  }
  return false;
}

// Topological sort of `rects` by `before` (i, j); ties and cycles go to the
// topmost, then leftmost.
template <typename BeforeFn>
std::vector<int> SortBy(const std::vector<cv::Rect>& rects, BeforeFn before) {
  size_t n = rects.size();
  std::vector<int> indeg(n, 0);
  std::vector<std::vector<int>> after(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (i != j && before(i, j) && !before(j, i)) {
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

}  // namespace

std::vector<int> OrderRects(const std::vector<cv::Rect>& rects, double em, bool spans_part) {
  return SortBy(rects, [&](size_t i, size_t j) {
    if (!Before(rects[i], rects[j], em)) return false;
    return !spans_part || OverlapX(rects[i], rects[j]) > kOrderSlackEm * em || !SpannedBetween(rects, i, j, em);
  });
}

std::vector<int> OrderArticles(const std::vector<cv::Rect>& rects, const std::vector<int>& columns, double em) {
  const double slack = kOrderSlackEm * em;
  // Whether another item over `j`'s columns runs on past `j`'s top: `j`
  // starts inside a story's span (a sidebar, or a story split by a line
  // taken for a headline), not a new row of stories of its own.
  auto nested = [&](size_t j, size_t i) {
    for (size_t k = 0; k < rects.size(); ++k)
      if (k != i && k != j && OverlapX(rects[k], rects[j]) > slack && rects[k].y < rects[j].y &&
          Bottom(rects[k]) > rects[j].y + slack)
        return true;
    return false;
  };
  // `i` leads `j`: a story over two columns or more that starts well above
  // `j` beside it, where `j` opens a new row of stories.
  auto leads = [&](size_t i, size_t j) {
    return columns[i] >= 2 && rects[i].y < rects[j].y - kLeadingArticleEm * em && !nested(j, i);
  };
  return SortBy(rects, [&](size_t i, size_t j) {
    const cv::Rect &x = rects[i], &y = rects[j];
    if (OverlapX(x, y) > slack) return x.y < y.y;
    if (leads(i, j)) return true;
    if (leads(j, i)) return false;
    return Right(x) <= y.x + slack;
  });
}

std::vector<TextBlock> InReadingOrder(std::vector<TextBlock> blocks, int articles, double em, double column_width) {
  // Items to order: whole articles, and stray blocks one by one.
  struct Item {
    cv::Rect r;
    std::vector<int> blocks;  // indices into `blocks`
  };
  std::vector<Item> items(articles);
  std::vector<int> header, footer;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const TextBlock& b = blocks[i];
    const int bi = static_cast<int>(i);
    if (b.role == Role::kRunningHeader) {
      header.push_back(bi);
    } else if (b.role == Role::kRunningFooter) {
      footer.push_back(bi);
    } else if (b.article >= 0) {
      items[b.article].blocks.push_back(bi);
    } else {
      items.push_back({b.r, {bi}});
    }
  }
  // An article's place is the hull of its blocks.
  for (Item& it : items) {
    it.r = cv::Rect();
    for (int b : it.blocks) it.r = Hull(it.r, blocks[b].r);
  }
  std::vector<cv::Rect> item_rects;
  std::vector<int> item_columns;  // columns an item's body fills
  for (const Item& it : items) {
    item_rects.push_back(it.r);
    std::vector<int> cols;
    for (int b : it.blocks)
      if (blocks[b].role == Role::kBody && blocks[b].column >= 0 &&
          blocks[b].r.width >= kFullColumnShare * column_width)
        cols.push_back(blocks[b].column);
    std::sort(cols.begin(), cols.end());
    item_columns.push_back(static_cast<int>(std::unique(cols.begin(), cols.end()) - cols.begin()));
  }
  std::vector<int> item_order = OrderArticles(item_rects, item_columns, em);

  auto in_order = [&](const std::vector<int>& v) {
    std::vector<cv::Rect> rs;
    for (int b : v) rs.push_back(blocks[b].r);
    std::vector<int> out;
    for (int k : OrderRects(rs, em)) out.push_back(v[k]);
    return out;
  };
  std::vector<int> ordered = in_order(header);
  int next_article = 0;
  for (int ii : item_order) {
    Item& it = items[ii];
    if (it.blocks.empty()) continue;
    // A sub-headline with the article's body above it in its own column is
    // a section heading inside the text (a report's, a textbook's 一、…),
    // not a deck under the headline: it is read where it stands, with the
    // body.
    auto rank = [&](int b) {
      const TextBlock& x = blocks[b];
      if (x.role != Role::kSubheadline) return RoleRank(x.role);
      for (int o : it.blocks) {
        const TextBlock& y = blocks[o];
        if (y.role == Role::kBody && OverlapX(x.r, y.r) > kOrderSlackEm * em && Bottom(y.r) <= x.r.y + kOrderSlackEm * em)
          return RoleRank(Role::kBody);
      }
      return RoleRank(x.role);
    };
    std::vector<int> group;
    for (int rk = 0; rk <= kLastRank; ++rk) {
      std::vector<int> same;
      for (int b : it.blocks)
        if (rank(b) == rk) same.push_back(b);
      std::vector<cv::Rect> rs;
      for (int b : same) rs.push_back(blocks[b].r);
      for (int k : OrderRects(rs, em)) group.push_back(same[k]);
    }
    // Renumber articles in reading order.
    int number = blocks[it.blocks.front()].article >= 0 ? next_article++ : -1;
    for (int b : group) {
      blocks[b].article = number;
      ordered.push_back(b);
    }
  }
  for (int b : in_order(footer)) ordered.push_back(b);
  std::vector<TextBlock> out;
  out.reserve(ordered.size());
  for (int b : ordered) out.push_back(std::move(blocks[b]));
  return out;
}

}  // namespace ocrflow::image::layout
