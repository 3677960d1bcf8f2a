#include "stages/image/tables.h"

#include <algorithm>

namespace ocrflow::image {
namespace {

constexpr int kCellMaxLines = 2;          // a cell wraps once at most
constexpr double kCellMaxHeightEm = 3.0;  // two lines and their leading
constexpr int kRowMinCells = 3;           // fewer side by side: a label and its value, two bylines
constexpr int kMinRows = 2;               // one row of small blocks is a caption row, a strip of bylines
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

}  // namespace

std::vector<TableRegion> FindTables(const std::vector<LayoutBlock>& blocks, double em) {
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
  std::erase_if(rows, [](const Row& r) { return static_cast<int>(r.cells.size()) < kRowMinCells; });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.box.y < b.box.y; });

  // 3. Tables: runs of rows one under the other over the same width.
  std::vector<bool> used(blocks.size(), false);
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
    if (static_cast<int>(end - r) >= kMinRows) {
      TableRegion t;
      t.box = box;
      t.rows = static_cast<int>(end - r);
      for (size_t k = r; k < end; ++k)
        for (size_t c : rows[k].cells) t.blocks.push_back(c), used[c] = true;
      // 4. Small blocks touching the table's box join it.
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
      std::sort(t.blocks.begin(), t.blocks.end());
      tables.push_back(std::move(t));
    }
    r = end;
  }
  return tables;
}

}  // namespace ocrflow::image
