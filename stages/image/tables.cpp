#include "stages/image/tables.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ocrflow::image {
namespace {

constexpr int kCellMaxLines = 2;          // a cell wraps once at most
constexpr double kCellMaxHeightEm = 3.0;  // two lines and their leading
constexpr int kRowMinCells = 3;           // a row of this many cells is a table row
constexpr int kMinRows = 2;               // one row of small blocks is a caption row, a strip of bylines
// Rows of two cells (a label and its value, a name and a number) are table
// rows too when one of the two is short: two bylines side by side, or two
// lines of prose set in narrow columns, are both wide. A table of such rows
// needs more of them than one of wider rows.
constexpr double kShortCellEm = 6.0;      // a label or a number; a line of prose is wider
constexpr int kMinPairRows = 3;           // rows of a table made of label-value rows only
constexpr double kInsideShare = 0.9;      // a block this much inside a table's box is part of it
constexpr double kRowGapEm = 2.5;         // white between two rows of one table
constexpr double kAttachGapEm = 1.5;      // white between a table and a small block that joins it

int Overlap(int a0, int a1, int b0, int b1) { return std::max(0, std::min(a1, b1) - std::max(a0, b0)); }

bool SameRow(const Box& a, const Box& b) {
  return Overlap(a.y, a.bottom(), b.y, b.bottom()) * 2 >= std::min(a.h, b.h);
}

Box Union(const Box& a, const Box& b) {
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  return Box{x0, y0, std::max(a.right(), b.right()) - x0, std::max(a.bottom(), b.bottom()) - y0};
}

struct Row {
  std::vector<size_t> cells;
  Box box;
};

long long Area(const Box& b) { return static_cast<long long>(std::max(0, b.w)) * std::max(0, b.h); }

long long OverlapArea(const Box& a, const Box& b) {
  return static_cast<long long>(Overlap(a.x, a.right(), b.x, b.right())) * Overlap(a.y, a.bottom(), b.y, b.bottom());
}

}  // namespace

std::vector<TableRegion> FindTables(const std::vector<LayoutBlock>& blocks, double em, const std::vector<Box>& grids) {
  std::vector<TableRegion> tables;
  if (em <= 0) return tables;
  // A table's last row can stand where the layout looks for a running
  // footer (the lowest text on the page), its first where it looks for a
  // header: those roles are cells too. Headlines, bylines and captions are not.
  auto small = [&](const LayoutBlock& b) {
    const bool role_ok = b.role == Role::kBody || b.role == Role::kRunningFooter || b.role == Role::kRunningHeader;
    return role_ok && b.lines <= kCellMaxLines && b.box.h <= kCellMaxHeightEm * em;
  };
  std::vector<size_t> cand;
  for (size_t i = 0; i < blocks.size(); ++i)
    if (small(blocks[i])) cand.push_back(i);
  std::sort(cand.begin(), cand.end(), [&](size_t a, size_t b) { return blocks[a].box.y < blocks[b].box.y; });

  // 2. Rows: each candidate joins the first row it shares a band with.
  std::vector<Row> rows;
  for (size_t i : cand) {
    const Box& b = blocks[i].box;
    Row* into = nullptr;
    for (Row& r : rows) {
      bool all = true;
      for (size_t c : r.cells) all = all && SameRow(blocks[c].box, b);
      if (all) {
        into = &r;
        break;
      }
    }
    if (into == nullptr) {
      rows.push_back(Row{{i}, b});
    } else {
      into->cells.push_back(i);
      into->box = Union(into->box, b);
    }
  }
  auto wide_row = [](const Row& r) { return static_cast<int>(r.cells.size()) >= kRowMinCells; };
  auto pair_row = [&](const Row& r) {
    if (r.cells.size() != 2) return false;
    return std::min(blocks[r.cells[0]].box.w, blocks[r.cells[1]].box.w) <= kShortCellEm * em;
  };
  std::erase_if(rows, [&](const Row& r) { return !wide_row(r) && !pair_row(r); });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.box.y < b.box.y; });

  // 3. Tables: runs of rows one under the other over the same width.
  std::vector<bool> used(blocks.size(), false);
  // 4. Small blocks touching a table's box join it.
  auto attach = [&](TableRegion& t) {
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t i : cand) {
        if (used[i]) continue;
        const Box& b = blocks[i].box;
        const bool inside_x = Overlap(t.box.x, t.box.right(), b.x, b.right()) * 2 >= b.w;
        const int gap = std::max(t.box.y - b.bottom(), b.y - t.box.bottom());
        if (!inside_x || gap > kAttachGapEm * em) continue;
        t.blocks.push_back(i);
        used[i] = true;
        t.box = Union(t.box, b);
        grew = true;
      }
    }
  };
  for (size_t r = 0; r < rows.size();) {
    size_t end = r + 1;
    Box box = rows[r].box;
    while (end < rows.size()) {
      const Box& next = rows[end].box;
      const bool close = next.y - box.bottom() <= kRowGapEm * em;
      const bool same_width = Overlap(box.x, box.right(), next.x, next.right()) * 2 >= std::min(box.w, next.w);
      if (!close || !same_width) break;
      box = Union(box, next);
      ++end;
    }
    int wide = 0;
    for (size_t k = r; k < end; ++k) wide += wide_row(rows[k]) ? 1 : 0;
    const int n = static_cast<int>(end - r);
    if (n >= kMinPairRows || (n >= kMinRows && wide >= kMinRows)) {
      TableRegion t;
      t.box = box;
      t.rows = static_cast<int>(end - r);
      for (size_t k = r; k < end; ++k)
        for (size_t c : rows[k].cells) t.blocks.push_back(c), used[c] = true;
      attach(t);
      tables.push_back(std::move(t));
    }
    r = end;
  }
  for (const Box& g : grids) {
    TableRegion t;
    t.box = g;
    attach(t);
    tables.push_back(std::move(t));
  }
  std::sort(tables.begin(), tables.end(), [](const TableRegion& a, const TableRegion& b) { return a.box.y < b.box.y; });
  // 5. Two tables one under the other, as close as two rows and over the
  // same width, are one (a row the layout did not cut into cells stood
  // between them).
  // The white between them is measured past such rows: body blocks no
  // taller than a cell, over the tables' width.
  auto white_between = [&](const Box& a, const Box& b) {
    const Box u = Union(a, b);
    std::vector<std::pair<int, int>> spans;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const Box& x = blocks[i].box;
      if (used[i] || blocks[i].role != Role::kBody || x.h > kCellMaxHeightEm * em) continue;
      if (Overlap(u.x, u.right(), x.x, x.right()) < kInsideShare * x.w) continue;
      if (x.bottom() <= a.bottom() || x.y >= b.y) continue;
      spans.emplace_back(x.y, x.bottom());
    }
    std::sort(spans.begin(), spans.end());
    int at = a.bottom(), widest = 0;
    for (const auto& [y0, y1] : spans) {
      widest = std::max(widest, y0 - at);
      at = std::max(at, y1);
    }
    return std::max(widest, b.y - at);
  };
  for (size_t k = 1; k < tables.size();) {
    TableRegion& a = tables[k - 1];
    const TableRegion& b = tables[k];
    const bool close = white_between(a.box, b.box) <= kRowGapEm * em;
    const bool same_width = Overlap(a.box.x, a.box.right(), b.box.x, b.box.right()) * 2 >= std::min(a.box.w, b.box.w);
    if (!close || !same_width) {
      ++k;
      continue;
    }
    a.box = Union(a.box, b.box);
    a.rows += b.rows;
    a.blocks.insert(a.blocks.end(), b.blocks.begin(), b.blocks.end());
    tables.erase(tables.begin() + static_cast<long>(k));
  }
  // 6. Any body block lying inside a table's box is part of it.
  for (TableRegion& t : tables) {
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (used[i] || blocks[i].role != Role::kBody || Area(blocks[i].box) == 0) continue;
      if (OverlapArea(t.box, blocks[i].box) >= kInsideShare * Area(blocks[i].box)) {
        t.blocks.push_back(i);
        used[i] = true;
      }
    }
    std::sort(t.blocks.begin(), t.blocks.end());
  }
  return tables;
}

}  // namespace ocrflow::image
