// Reading OCR that is already done: ALTO XML, hOCR and PAGE XML files
// (ours, or another engine's) into pages of blocks, lines and words with
// their boxes, for `ocrflow reflow --from alto|hocr|page` (the text
// stages of `run` then make paragraphs of them, from the geometry as `run`
// does).
//
//   ALTO   Page (WIDTH, HEIGHT) -> Page; TextBlock -> Block (its TAGREFS'
//          StructureTag LABEL, when it names a role: the block's layout
//          role; ROTATION: see below); TextLine -> Line; String -> Word
//          (CONTENT, HPOS/VPOS/WIDTH/HEIGHT, WC x 100); SP: a space in the
//          line's text; HYP: its CONTENT ("-") at the line's end.
//   hOCR   ocr_page (bbox) -> Page; ocr_carea -> Block (data-role, ours);
//          ocr_line -> Line; ocrx_word -> Word (text, bbox, x_wconf); the
//          words of a line joined with a space, none between two CJK
//          characters (as the OCR stage builds a line).
//   PAGE   (2013/2017/2019, by local name) Page (imageWidth, imageHeight)
//          -> Page; TextRegion -> Block in ReadingOrder order (then the
//          unnamed ones in file order), role from `custom` (ours) else
//          `type`, angle from `orientation` (the region's, else the
//          Page's); regions inside other regions (tables) skipped;
//          TextLine -> Line, its text its TextEquiv (else its Words
//          joined as hOCR's); Word -> Word (Coords' bounding box,
//          TextEquiv conf x 100); words that disagree with the line's
//          TextEquiv are dropped. Missing Coords, bad points, broken
//          nesting: kBadInput. docs/formats.md, "PAGE XML".
// Line boxes are the lines' own (else their words' union); lines are
// numbered 1.. per page in file order (PAGE: reading order). A block is cut where a line starts
// above the one before it (a paragraph that goes on in the next column:
// the reflow measures each column on its own).
//
// Geometry for the reflow wants the text upright: boxes on a skewed or
// turned image (what ocrflow writes, ALTO ROTATION / hOCR textangle /
// PAGE orientation = degrees the text stands turned counterclockwise) are
// turned back about
// the page's centre (centres turned, sizes the upright box's).
//
// A small XML scanner, not a validating parser: elements, attributes and
// text, the five named entities and numeric references. Errors (not XML,
// no page) are kBadInput with what was wrong. Pure, thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::formats {

Result<std::vector<Page>> ReadAlto(std::string_view xml);
Result<std::vector<Page>> ReadHocr(std::string_view xhtml);
Result<std::vector<Page>> ReadPageXml(std::string_view xml);

}  // namespace ocrflow::formats
