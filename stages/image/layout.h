// The layout stage (image -> image): text blocks, columns, reading order and
// roles of a newspaper page, from the binary text mask.
//
// Input: Page::text_mask (0 = ink, 255 = paper) of an upright, deskewed page
// with photos and scanner borders already taken out (binarize, deskew), the
// photo boxes in page.info.photos. Without a mask the stage thresholds
// Page::image with Otsu itself. Output: page.blocks, one Block per text block
// with box, layout_role, column and article set, lines left empty for OCR,
// in READING ORDER:
//
//   running header | article 1: headline, byline, body columns left to right
//   (top to bottom in each), captions of its photos | article 2 ... |
//   text outside any article | running footer
//
// Algorithm (bottom-up, all distances in units of the body text height `em`,
// which is measured on the page, so the stage works at any dpi). One step per
// file under stages/image/layout/, each header stating what it takes and what
// it leaves; layout.cpp runs them in this order:
//   1. components.h: connected components of the ink. Specks (both sides <
//      speck_em) are set aside (they only widen the final boxes); very long
//      thin components are rules (separators, never text); large solid or
//      hollow components are pictures (obstacles). What steps 1-3 find is
//      one read-only `Ink` for the steps after them.
//   2. scale.h: em = body text line height: median height of text lines
//      (first grouped with a strict gap), weighted by their components,
//      bootstrapped from a first guess on the component heights.
//   3. rules.h: rules printed thin and broken by the scan, found by
//      morphology; underlines split from the text they touch. A hollow
//      picture with rules along two opposite sides is a frame, a box around
//      text: an obstacle by its sides only, its inside laid out as a page.
//      Column rules from one row rule to another, with short rows between
//      row rules, are a ruled table (a grid): its sides part it from the
//      page like a frame's, and with the `tables` option its text is left
//      out after step 6 (a table is not prose; the JSON lists its box).
//   4. gutters.h: whitespace that is at least `gutter_em` wide and runs at
//      least `gutter_height_em` tall (computed on a grid of em/8 cells of the
//      component boxes), plus vertical rules. A gutter is tall, so the short
//      gap after a comma or between two words never counts as one; a small
//      residual skew (well beyond +-0.2 degrees) only tilts the strip. A
//      gutter goes on through a row or two of open space (a short last line
//      beside an indented first line). Short white between lines is a river
//      of word gaps, not a gutter, unless a column's straight edge runs
//      beside it and the text on each side is at least a few em wide.
//   5. lines.h: text lines: components that overlap vertically and are
//      closer than `line_gap` x height, never across a gutter unless the text
//      is large (a headline's word gap may sit above a gutter). A line whose
//      glyphs are `headline_ratio` x the body glyph size and which is at least
//      `headline_height_em` tall is headline text; so is a line a size step
//      above the body standing level with such a line beside it (a row of
//      headlines, one in a face that measures small).
//   6. blocks.h: lines are stacked top to bottom into blocks of the same size
//      class (a headline's second line with glyphs of the first's size joins
//      it even when its box is less tall) and the same horizontal extent
//      (edges within `block_edge_em`) while the white between them (measured
//      between line cores: baseline to x-height for Latin) exceeds the page's
//      usual leading by less than `block_gap_em`, and no rule, photo or other
//      line lies between them, nor would the block run over a photo (text
//      beside a figure is a column of its own). Body blocks are therefore
//      whole column chunks, not paragraphs; bylines, sub-headlines and
//      captions, set off by extra white, are blocks of their own. The blocks
//      (`PageText`) are what the remaining steps refine.
//   7. roles.h, columns.h: everything above a wide rule in the top
//      `header_band`, or a lone top line in that band, is the running header
//      (footer likewise at the bottom); large-text blocks are headlines; a
//      short single line just under a headline is a byline; a short block
//      just under a photo is its caption. Columns come from clustering the
//      body blocks' horizontal extents; a body block run across the gutter
//      between two of them (under a photo that cut the gutter) is split
//      there. figures.h: small blocks touching a
//      photo, between it and the margin or its caption, are its labels (a
//      chart's names and values): taken out of the text, the photo with
//      them listed as a figure.
//   8. articles.h: each headline opens an article that owns the blocks below
//      it within its horizontal span down to the next headline (or, with
//      flow_articles, articles flow down their columns); body chunks of one
//      article and column with nothing between them merge (not over a photo).
//   9. reading_order.h: header; articles in column-major order (an article
//      before another when it is above it with overlapping span, or entirely
//      to its left); inside an article headline, bylines, body by column then
//      y, captions; leftovers likewise; footer.
// DrawLayout is in layout/draw.cpp; shared helpers in layout/geometry.h.
//
// Confidence behaviour: a page without text (no components) gives no blocks
// and `blank = true`; it is not an error. Thread safety: pure functions, no
// state.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"

namespace ocrflow::image {

struct LayoutOptions {
  double speck_em = 0.15;          // em: components with both sides below this are specks
  double rule_aspect = 12;         // length/thickness of a component that is a rule
  double rule_min_em = 3;          // em: shortest rule
  double gutter_em = 1.2;          // em: narrowest column gutter (a CJK comma leaves ~0.9)
  double gutter_height_em = 4.0;   // em: a gutter's whitespace runs at least this tall
  // em: white narrower than gutter_em, down to this, is a gutter too when it
  // is a straight channel: kSureGutterEm tall, with the lines on both sides
  // ending and starting on one x (an old newspaper's columns a hair apart;
  // word gaps never line up on both sides for that long). 0: off.
  double slim_gutter_em = 0;
  double line_gap = 1.3;           // x line height: widest gap between components of one line
  double headline_gap = 1.2;       // x line height: widest gap of large text across a gutter
  double headline_ratio = 1.45;    // glyph core height / body glyph core height that makes headline text
  // em: a line of headline text is also at least this tall as a whole (a body
  // line is about 1 em; a line of capitals or ascenders in body type has a
  // large core but not this height). It holds whatever headline_ratio says:
  // lowering that ratio never makes a line shorter than this a headline.
  double headline_height_em = 1.25;
  double block_gap_em = 0.4;       // em: white beyond the usual leading that ends a block
  // em: farthest a body line's left or right edge lies from its block's (an
  // indent of two glyphs, a ragged right edge stay within; a line standing
  // further out belongs elsewhere). Headline lines need one edge within it.
  double block_edge_em = 2.5;
  // Articles flow down their columns: a block's article is the nearest
  // headline over it, else one beside it that it starts level with (within
  // beside_headline_em), else the article of the blocks right above it in
  // its column. Off: the nearest headline above, one beside it counting
  // beside_headline_em farther (the band model). On by default: the report
  // and textbook pages of OmniDocBench read far better than with the band
  // model (eastmoney CER 53.5 -> 16.0 %, textbook 69.7 -> 28.6 %, e-paper
  // 36.2 -> 29.9 %), the NYT front page a little better (13.3 -> 12.2 %,
  // with OrderArticles' leading-story rule); see docs/pages.md.
  bool flow_articles = true;
  // em: with flow_articles, farthest a block beside a headline (no
  // horizontal overlap) starts below the top of the headline's body (or the
  // headline's bottom) and still is of its article; without, how much
  // farther a headline beside a block counts.
  double beside_headline_em = 1.0;
  double header_band = 0.12;       // fraction of the page height searched for a running header/footer
  double byline_max_width = 0.7;   // fraction of the column width: longest byline
  double caption_gap_em = 2.0;     // em: farthest a caption starts below its photo
  int caption_max_lines = 4;       // lines: a longer block under a photo is body text
  double margin_em = 0.3;          // em: margin added around every output box
  bool tables = true;              // find tables (stages/image/tables.h) and leave their cells unread
};

std::vector<OptionField<LayoutOptions>> LayoutFields();

struct LayoutBlock {
  Box box;                // with margin, clipped to the page
  Role role = Role::kBody;
  std::string reason;     // why it has its role, where the role does not say ("ad: ..."); empty otherwise
  int column = -1;        // 0-based page column; -1 = spans columns / none
  int article = -1;       // blocks of one article share it; -1 = none (header, footer, stray)
  int lines = 0;          // text lines found in it
  double text_height = 0; // median line height in pixels
};

struct LayoutResult {
  std::vector<LayoutBlock> blocks;  // reading order
  double em = 0;                    // body text line height in pixels
  double body_line_height = 0;      // median text line height in pixels
  int columns = 0;                  // body columns found on the page
  std::vector<Box> rules;           // horizontal and vertical rules (not text)
  std::vector<Box> gutters;         // whitespace found to separate columns (boxes of connected gutter cells)
  std::vector<Box> figures;         // photos with the labels around them (layout/figures.h), labels not in blocks
  std::vector<Box> grids;           // ruled tables (layout/rules.h FindGrids), their text not in blocks
  bool blank = false;               // no text found
};

// `text_mask`: CV_8UC1, 0 = ink. `photos`: regions that are pictures (their
// pixels may or may not still be in the mask). `dpi` only bounds the text
// height estimate (0 = unknown).
LayoutResult AnalyzeLayout(const cv::Mat& text_mask, const std::vector<Box>& photos, double dpi,
                           const LayoutOptions& options);

// BGR overlay of the result on `gray` (CV_8UC1 or CV_8UC3): blocks outlined
// and numbered in reading order, coloured by role, header/footer struck
// through, rules in grey, photos hatched, gutters outlined in cyan, figures
// (a photo with its labels) dashed in purple, ruled tables crossed out in
// purple.
cv::Mat DrawLayout(const cv::Mat& gray, const std::vector<Box>& photos, const LayoutResult& result);

// Stage adapter: fills page.blocks from AnalyzeLayout (replacing any blocks)
// and writes the debug image "30-layout".
Status LayoutPage(Page& page, const LayoutOptions& options, const RunContext& ctx);

StageInfo LayoutStageInfo();

}  // namespace ocrflow::image
