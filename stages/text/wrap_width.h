// The wrap-width model: how wide is a full line in this part of the page?
//
// Plain text has no geometry, so reflow reads the page the way a person
// does: justified newspaper columns give every wrapped line the same width
// (in em: a Chinese character is 1, a digit or Latin letter 1/2), the first
// line of a paragraph is two characters shorter (the indent that OCR lost),
// and a paragraph's last line stops short. Columns differ in width, so the
// width is estimated per block (a run of lines between blank lines), from its
// interior lines, and borrowed from neighbouring blocks when a block is too
// small to tell.
//
// With OCR geometry the same questions are answered from line boxes instead
// (a later stage fills BlockShape from pixels).
//
// Thread safety: pure function.
#pragma once

#include <vector>

#include "pipeline/core/document.h"
#include "stages/text/utf8.h"

namespace ocrflow::text {

struct WrapOptions {
  double max_wrap = 60;         // em; wider "lines" are unwrapped paragraphs
  double min_consistent = 0.6;  // fraction of interior lines that must agree
  double cjk_tolerance = 1.5;   // em
  double latin_tolerance = 0.15;  // fraction of the wrap width
  int neighbour_reach = 3;      // blocks to look at on each side
};

// Fills Block::shape of every block (pipeline/core/document.h).
void EstimateShapes(Page& page, const WrapOptions& options = {});

// Estimates the shapes unless every block already has one (from an earlier
// stage, or from OCR geometry).
void EnsureShapes(Page& page);

// The width a line took on the page, in em (Line::layout_width when known).
inline double LineWidth(const Line& line) {
  return line.layout_width >= 0 ? line.layout_width : DisplayWidth(line.text);
}

}  // namespace ocrflow::text
