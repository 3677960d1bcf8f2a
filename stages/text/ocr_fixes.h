// Text stages that only matter for OCR output of page images:
//
//   glyphs        lines -> lines   repairs glyphs the image cannot settle
//                                  (OCR_NOTES.md): a line-initial 一一 before
//                                  Chinese is a dash ——; 口 opening a byline
//                                  (口本报记者) is □; a bracket pair read as
//                                  〈…） or 《记者…》 is （…）, within a line
//                                  or across a line end. A speck in the
//                                  left margin read as a mark before a line
//                                  ("- word", the mark out of the column,
//                                  the word at its edge) is taken off.
//   quotes   paragraphs -> paragraphs  a ” the OCR lost or misread is put
//                                  back (CloseOpenQuotes below).
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

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"

namespace ocrflow::text {

// Returns the number of repairs made.
int FixOcrGlyphs(Page& page);
std::string FixOcrGlyphsInLine(const std::string& line);
// The line repairs on each of one block's lines, then those that pair marks
// across lines (a parenthesis opened at a line's end).
void FixOcrGlyphsInBlock(std::vector<std::string>& lines);

void ApplyLayoutRoles(Page& page);

// The quotes stage: in each paragraph, “” after an open “ becomes ” (the
// close read as two marks), and a paragraph that ends a sentence (。！？…)
// with a quotation still open gets its ”, unless the next paragraph opens
// with “ (a quotation running on keeps no close). Chinese news quotes close
// at the end of the quoted sentence; Tesseract drops a line-final ”. On our
// scans 22 of 140 ” were lost. Returns the repairs made.
int CloseOpenQuotes(std::vector<Paragraph>& paragraphs);

StageInfo GlyphsStageInfo();
StageInfo LayoutRolesStageInfo();
StageInfo QuotesStageInfo();

}  // namespace ocrflow::text
