// Tables on a page, found from the layout's blocks: a table is not prose,
// so its cells are left out of the paragraph text and listed in the JSON
// (ImageInfo::tables) with the table's box.
//
// A table's cells come out of the layout as small blocks side by side:
//   1. cell candidates: body blocks (or running header/footer: a table's
//      first or last row can stand where those are looked for) of at most
//      kCellMaxLines lines, no taller than kCellMaxHeightEm;
//   2. rows: candidates whose vertical extents overlap by at least half of
//      the shorter one; a table row has kRowMinCells or more cells, or two
//      cells of which one is short (kShortCellEm: a label and its value, a
//      name and a number);
//   3. a table: rows one under the other (the white between two rows at
//      most kRowGapEm) and over the same width (their horizontal extents
//      overlap by at least half of the narrower): kMinRows or more rows of
//      kRowMinCells cells, or kMinPairRows rows of any kind;
//   4. small blocks just above, below or inside the table's box (a header
//      row of fewer cells, a units row) join it, one row of them at a time;
//   5. two tables as close as two rows and over the same width are one (a
//      row the layout did not cut into cells stood between them: the white
//      is measured past body blocks no taller than a cell);
//   6. any body block lying (kInsideShare) inside a table's box joins it
//      (a cell whose text wraps to more lines).
// Body text set in columns never qualifies: its blocks are tall, and where
// the layout cuts narrow columns into one-line blocks, both lines of a row
// are wide. A row of three one-line bylines does not either: a table needs
// two such rows.
//
// Pure; thread-safe. All lengths in units of the body line height `em`.
#pragma once

#include <vector>

#include "pipeline/core/document.h"
#include "stages/image/layout.h"

namespace ocrflow::image {

struct TableRegion {
  Box box;
  std::vector<size_t> blocks;  // indexes into the layout's blocks (reading order)
  int rows = 0;                // table rows found (step 3)
};

// `grids`: ruled tables found from their rules (layout/rules.h FindGrids),
// whose cells are not among `blocks` any more; each is a table, and small
// blocks join it as in step 4 (a units row, a label set apart from the
// table's title).
std::vector<TableRegion> FindTables(const std::vector<LayoutBlock>& blocks, double em,
                                    const std::vector<Box>& grids = {});

}  // namespace ocrflow::image
