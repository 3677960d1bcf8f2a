// FindTables on layout blocks drawn by hand (em = 40 px).
#include "stages/image/tables.h"

#include <gtest/gtest.h>

namespace ocrflow::image {
namespace {

constexpr double kEm = 40;

LayoutBlock Cell(int x, int y, int w = 160, int h = 40, int lines = 1, Role role = Role::kBody) {
  LayoutBlock b;
  b.box = Box{x, y, w, h};
  b.lines = lines;
  b.role = role;
  return b;
}

// A grid of `rows` x `cols` one-line cells starting at (x, y).
std::vector<LayoutBlock> Grid(int x, int y, int rows, int cols) {
  std::vector<LayoutBlock> g;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) g.push_back(Cell(x + c * 220, y + r * 70));
  return g;
}

TEST(FindTables, AGridOfSmallBlocksIsOneTable) {
  auto blocks = Grid(100, 1000, 4, 3);
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks.size(), 12u);
  EXPECT_EQ(tables[0].rows, 4);
  EXPECT_EQ(tables[0].box.x, 100);
  EXPECT_EQ(tables[0].box.y, 1000);
  EXPECT_EQ(tables[0].box.right(), 100 + 2 * 220 + 160);
  EXPECT_EQ(tables[0].box.bottom(), 1000 + 3 * 70 + 40);
}

TEST(FindTables, ColumnsOfBodyTextAreNoTable) {
  // Three columns, each cut into tall blocks at the same heights.
  std::vector<LayoutBlock> blocks;
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < 3; ++r) blocks.push_back(Cell(100 + c * 700, 200 + r * 900, 650, 850, 18));
  EXPECT_TRUE(FindTables(blocks, kEm).empty());
}

TEST(FindTables, OneRowOfShortBlocksIsNoTable) {
  // Three bylines side by side under three headlines.
  std::vector<LayoutBlock> blocks = {Cell(100, 300, 300), Cell(800, 300, 300), Cell(1500, 305, 300)};
  blocks.push_back(Cell(100, 400, 650, 900, 20));
  EXPECT_TRUE(FindTables(blocks, kEm).empty());
}

TEST(FindTables, LabelValueRowsAreATable) {
  // A key-figures box: a label and its number a row, five rows.
  std::vector<LayoutBlock> blocks;
  for (int r = 0; r < 5; ++r) {
    blocks.push_back(Cell(100, 500 + r * 70, 200));
    blocks.push_back(Cell(420, 500 + r * 70, 100));
  }
  blocks.push_back(Cell(100, 1000, 650, 600, 14));  // body text under it
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks.size(), 10u);
  EXPECT_EQ(tables[0].rows, 5);
}

TEST(FindTables, TwoRowsOfPairsAreNoTable) {
  // Two names with their roles: too few rows to tell from two bylines.
  std::vector<LayoutBlock> blocks = {Cell(100, 500, 200), Cell(420, 500, 120), Cell(100, 570, 200),
                                     Cell(420, 570, 120)};
  EXPECT_TRUE(FindTables(blocks, kEm).empty());
}

TEST(FindTables, LinesOfTwoNarrowColumnsAreNoTable) {
  // Two narrow columns of prose the layout cut into one-line blocks: every
  // line is wide, so no row is a label and its value.
  std::vector<LayoutBlock> blocks;
  for (int r = 0; r < 12; ++r) {
    blocks.push_back(Cell(100, 500 + r * 50, 400));
    blocks.push_back(Cell(540, 500 + r * 50, 400));
  }
  EXPECT_TRUE(FindTables(blocks, kEm).empty());
}

TEST(FindTables, ACellThatWrapsInsideTheTableJoinsIt) {
  // Five rows of three cells; the first cell of rows 2 and 3 is one block
  // of three lines standing over both rows.
  std::vector<LayoutBlock> blocks;
  for (const LayoutBlock& b : Grid(100, 1000, 5, 3))
    if (!(b.box.x == 100 && (b.box.y == 1070 || b.box.y == 1140))) blocks.push_back(b);
  blocks.push_back(Cell(100, 1070, 160, 110, 3));
  blocks.push_back(Cell(100, 2000, 650, 600, 14));  // body text far below stays
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks.size(), 14u);
  EXPECT_EQ(tables[0].box.bottom(), 1000 + 4 * 70 + 40);
}

TEST(FindTables, ARowLeftWholeBetweenTwoRunsOfRowsJoinsThemIntoOneTable) {
  // Label-value rows, then a row the layout kept as one block of three
  // lines (a label, its value and the next label), then more rows.
  std::vector<LayoutBlock> blocks;
  for (int r = 0; r < 3; ++r) {
    blocks.push_back(Cell(100, 500 + r * 50, 200));
    blocks.push_back(Cell(500, 500 + r * 50, 100));
  }
  blocks.push_back(Cell(100, 650, 500, 90, 3));
  for (int r = 0; r < 3; ++r) {
    blocks.push_back(Cell(100, 780 + r * 50, 200));
    blocks.push_back(Cell(500, 780 + r * 50, 100));
  }
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks.size(), 13u);
  EXPECT_EQ(tables[0].box.y, 500);
  EXPECT_EQ(tables[0].box.bottom(), 780 + 2 * 50 + 40);
}

TEST(FindTables, AHeaderRowOfFewerCellsAndAWideTitleJoin) {
  auto blocks = Grid(100, 1000, 3, 4);
  blocks.push_back(Cell(100, 930, 380));        // a header cell spanning two columns
  blocks.push_back(Cell(540, 930, 380));        // ... and the other two
  blocks.push_back(Cell(100, 1220, 820, 40));   // a notes row under the table
  blocks.push_back(Cell(100, 2000, 820, 600, 14));  // body text far below: not the table's
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks.size(), 15u);
  EXPECT_EQ(tables[0].box.y, 930);
  EXPECT_EQ(tables[0].box.bottom(), 1260);
}

TEST(FindTables, HeadlinesAndCaptionsAreNeverCells) {
  std::vector<LayoutBlock> blocks;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) blocks.push_back(Cell(100 + c * 220, 1000 + r * 70, 160, 40, 1, Role::kCaption));
  EXPECT_TRUE(FindTables(blocks, kEm).empty());
}

TEST(FindTables, TwoTablesApartStayTwo) {
  auto blocks = Grid(100, 500, 3, 3);
  auto more = Grid(100, 1500, 2, 4);
  blocks.insert(blocks.end(), more.begin(), more.end());
  auto tables = FindTables(blocks, kEm);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].blocks.size(), 9u);
  EXPECT_EQ(tables[1].blocks.size(), 8u);
}

// A ruled grid (its cells already out of the blocks) is a table; a small
// block just above it (a label set apart from the table's title) joins it,
// the paragraph above that and a block under it beyond the reach do not.
TEST(FindTables, ARuledGridIsATableAndTakesTheSmallBlockAboveIt) {
  std::vector<LayoutBlock> blocks = {Cell(100, 200, 900, 300, 7), Cell(100, 520, 120, 40),
                                     Cell(100, 1100, 900, 300, 7), Cell(100, 850, 160, 40)};
  const Box grid{100, 580, 900, 200};
  auto tables = FindTables(blocks, kEm, {grid});
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].blocks, std::vector<size_t>{1});
  EXPECT_EQ(tables[0].box.y, 520);
  EXPECT_EQ(tables[0].box.bottom(), grid.bottom());
}

}  // namespace
}  // namespace ocrflow::image
