// Where two versions of a text differ, character by character: what a text
// stage changed in a line or paragraph, for Page::edits (every character a
// stage inserts, deletes or changes is listed in the JSON).
//
// Code-point LCS after trimming the common prefix and suffix; a middle too
// long for the table (over kMaxCells) is one change. Thread-safe, pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ocrflow {

struct TextChange {
  int at = 0;          // code point offset in `before` where the change starts
  std::string before;  // removed (empty: an insertion)
  std::string after;   // inserted (empty: a deletion)
};

std::vector<TextChange> DiffText(std::string_view before, std::string_view after);

// Which code point of `before` each code point of `after` is, in a longest
// common subsequence of the two: its index in `before`, or -1 when `after`
// inserted or changed it. The same LCS as DiffText after trimming the common
// prefix and suffix; a middle too long for one table is aligned in windows
// of kAlignWindow code points of `after` against the stretch of `before`
// where they should be (proportionally), so a long paragraph costs
// O(length x window), never a table of its square. For the archive formats
// (pipeline/formats/): each output character takes the box of the OCR
// character it came from.
std::vector<int> AlignCodePoints(std::u32string_view before, std::u32string_view after);

}  // namespace ocrflow
