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

}  // namespace ocrflow
