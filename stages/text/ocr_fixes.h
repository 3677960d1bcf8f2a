// Text stages that only matter for OCR output of page images:
//
//   glyphs        lines -> lines   repairs glyphs the image cannot settle
//                                  (OCR_NOTES.md): a line-initial 一一 before
//                                  Chinese is a dash ——; 口 opening a byline
//                                  (口本报记者) is □; a bracket pair read as
//                                  〈…） or 《记者…》 is （…）.
//   layout_roles  lines -> lines   after classify: the page layout has the
//                                  last word on running headers/footers
//                                  (dropped, with the reason) and on
//                                  headlines, sub-headlines and captions it
//                                  found by size and position; body blocks
//                                  keep what classify read from the text
//                                  (bylines, list items). A headline that
//                                  layout cut into two blocks (a second
//                                  line, or a last character wrapped onto
//                                  one) is one block again when the next
//                                  block's lines are as tall, right below
//                                  it and under it; one cut at a gutter it
//                                  spans (halves side by side on one row)
//                                  is one line again.
//
// Plain text (no layout) passes both unchanged. Pure functions; thread-safe.
#pragma once

#include "pipeline/document.h"
#include "pipeline/stage.h"

namespace ocrflow::text {

// Returns the number of repairs made.
int FixOcrGlyphs(Page& page);
std::string FixOcrGlyphsInLine(const std::string& line);
// The line repairs on each of one block's lines, then those that pair marks
// across lines (a parenthesis opened at a line's end).
void FixOcrGlyphsInBlock(std::vector<std::string>& lines);

void ApplyLayoutRoles(Page& page);

StageInfo GlyphsStageInfo();
StageInfo LayoutRolesStageInfo();

}  // namespace ocrflow::text
