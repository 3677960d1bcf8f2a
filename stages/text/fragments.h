// Table and chart text (paragraphs -> paragraphs).
//
// The cells of a table and the labels of a chart come out of layout and OCR
// as a run of tiny paragraphs: "合计", "533.64", "1000m及以上", "沟道数量/万条".
// They are not prose, and a corpus wants prose: a run of at least `min_run`
// paragraphs in a row, each of at most `max_chars` non-space characters and
// none with sentence or clause punctuation (。，；：！？、 , ; : ! ?), is
// dropped and recorded in page.dropped ("table or chart: ..."), so nothing is
// lost from the JSON. Cells pass for headlines by their shape (short, no
// punctuation), so role does not protect a paragraph, except a byline's,
// which breaks a run: a two-line headline, its subheadline and byline in a
// row stay. So do the lines of a poem or a list, which carry commas.
//
// Measured on the third-party Chinese pages of scripts/eval-real.sh (book,
// report and slide pages with tables and charts): CER 80.9 -> 68.1 %, with no
// paragraph of the 40 generated newspaper pages dropped (docs/pages.md).
//
// In the chain of `ocrflow run` only: there layout makes each cell a block
// of its own. In plain text (`ocrflow reflow`) a table's cells arrive as
// short lines that reflow joins, so no run of fragments is left to find.
//
// Thread safety: pure function.
#pragma once

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::text {

struct FragmentOptions {
  int min_run = 4;     // paragraphs in a row
  int max_chars = 12;  // non-space characters in each
};

Status DropFragmentRuns(Page& page, const FragmentOptions& options);

}  // namespace ocrflow::text
