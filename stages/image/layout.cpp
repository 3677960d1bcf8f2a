// The layout stage: AnalyzeLayout runs the steps of stages/image/layout/ in
// order, each on what the one before left (see layout.h); LayoutPage adapts
// it to the runner.
#include "stages/image/layout.h"
#include "stages/image/tables.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "stages/image/layout/articles.h"
#include "stages/image/layout/blocks.h"
#include "stages/image/layout/columns.h"
#include "stages/image/layout/components.h"
#include "stages/image/layout/figures.h"
#include "stages/image/layout/geometry.h"
#include "stages/image/layout/gutters.h"
#include "stages/image/layout/lines.h"
#include "stages/image/layout/reading_order.h"
#include "stages/image/layout/roles.h"
#include "stages/image/layout/rules.h"
#include "stages/image/layout/scale.h"
#include "stages/image/raster_cv.h"

namespace ocrflow::image {
namespace {

using namespace layout;

// The result's scale and rules (all of it for a page without text lines).
LayoutResult Start(const Ink& ink, int columns) {
  LayoutResult res;
  res.em = ink.em;
  res.body_line_height = ink.em;
  res.columns = columns;
  for (const cv::Rect& r : ink.rules.horizontal) res.rules.push_back({r.x, r.y, r.width, r.height});
  for (const cv::Rect& r : ink.rules.vertical) res.rules.push_back({r.x, r.y, r.width, r.height});
  return res;
}

// A block as the stage hands it on: its box widened by the specks inside it
// (dots, dashes) and by margin_em, clipped to the page.
LayoutBlock Output(const TextBlock& b, const std::vector<TextLine>& lines, const Ink& ink, const LayoutOptions& o) {
  const int margin = static_cast<int>(std::lround(o.margin_em * ink.em));
  const cv::Rect page(0, 0, ink.page.width, ink.page.height);
  cv::Rect r = b.r;
  cv::Rect grown(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin);
  for (const Component& c : ink.comps)
    if (c.kind == Kind::kSpeck && (c.r & grown).area() == c.r.area() && OverlapY(c.r, r) > 0) r = Hull(r, c.r);
  r = cv::Rect(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin) & page;
  LayoutBlock out;
  out.box = {r.x, r.y, r.width, r.height};
  out.role = b.role;
  out.reason = b.reason;
  out.column = b.column;
  out.article = b.article;
  out.lines = static_cast<int>(b.lines.size());
  std::vector<double> hs;
  for (int li : b.lines) hs.push_back(lines[li].r.height);
  out.text_height = Percentile(hs, 0.5);
  return out;
}

// A ruled table's text is no prose: the blocks inside a grid (their centre
// inside it and most of their box) are taken out; the grid is listed.
void LeaveOutGridText(std::vector<TextBlock>& blocks, const Ink& ink) {
  std::erase_if(blocks, [&](const TextBlock& b) {
    const cv::Point centre(b.r.x + b.r.width / 2, b.r.y + b.r.height / 2);
    for (const cv::Rect& g : ink.grids)
      if (g.contains(centre) && (b.r & g).area() * 2 >= b.r.area()) return true;
    return false;
  });
}

}  // namespace

std::vector<OptionField<LayoutOptions>> LayoutFields() {
  return {
      {"speck_em", &LayoutOptions::speck_em, "components with both sides below this are noise", "em"},
      {"rule_aspect", &LayoutOptions::rule_aspect, "length/thickness of a component that is a rule", "ratio"},
      {"rule_min_em", &LayoutOptions::rule_min_em, "shortest rule", "em"},
      {"gutter_em", &LayoutOptions::gutter_em, "narrowest column gutter", "em"},
      {"gutter_height_em", &LayoutOptions::gutter_height_em, "a gutter's whitespace runs at least this tall", "em"},
      {"slim_gutter_em", &LayoutOptions::slim_gutter_em,
       "narrower white, down to this, is a gutter when it runs straight on both sides for 12 em (0: off)", "em"},
      {"line_gap", &LayoutOptions::line_gap, "widest gap between components of one line", "x line height"},
      {"headline_gap", &LayoutOptions::headline_gap, "widest gap of large text across a gutter", "x line height"},
      {"headline_ratio", &LayoutOptions::headline_ratio, "glyph height / body glyph height of headline text", "ratio"},
      {"headline_height_em", &LayoutOptions::headline_height_em,
       "a line of headline text is at least this tall as a whole (besides headline_ratio)", "em"},
      {"block_gap_em", &LayoutOptions::block_gap_em, "white beyond the usual leading that ends a block", "em"},
      {"block_edge_em", &LayoutOptions::block_edge_em,
       "farthest a body line's left or right edge lies from its block's", "em"},
      {"flow_articles", &LayoutOptions::flow_articles,
       "a block's article: the headline over it, one just beside it, else the block's above it in its column", ""},
      {"beside_headline_em", &LayoutOptions::beside_headline_em,
       "flow_articles: farthest a headline beside a block ends above it; else: how much farther it counts", "em"},
      {"header_band", &LayoutOptions::header_band, "part of the text height searched for a running header/footer", "fraction"},
      {"byline_max_width", &LayoutOptions::byline_max_width, "longest byline", "fraction of column width"},
      {"caption_gap_em", &LayoutOptions::caption_gap_em, "farthest a caption starts below its photo", "em"},
      {"caption_max_lines", &LayoutOptions::caption_max_lines, "a longer block under a photo is body text", "lines"},
      {"margin_em", &LayoutOptions::margin_em, "margin added around every output box", "em"},
      {"tables", &LayoutOptions::tables,
       "find tables (ruled grids, rows of small blocks side by side) and leave them unread; listed in the JSON", ""},
  };
}

LayoutResult AnalyzeLayout(const cv::Mat& text_mask, const std::vector<Box>& photos, double dpi,
                           const LayoutOptions& options) {
  // 1-3: the ink, its scale and the rules.
  Ink ink;
  ink.page = text_mask.size();
  for (const Box& p : photos) ink.photos.push_back(ToRect(p));
  ink.comps = FindComponents(text_mask, ink.photos);
  if (ink.comps.empty()) {
    LayoutResult r;
    r.blank = true;
    return r;
  }
  const Scale scale = EstimateScale(ink.comps, text_mask.rows, dpi, options);
  ink.em = scale.em;
  ink.body_size = scale.body_size;
  ClassifyComponents(ink.comps, ink.em, options);
  if (SplitUnderlinedText(text_mask, ink.em, ink.comps))
    ClassifyComponents(ink.comps, ink.em, options);  // the band stays a rule: long and thin
  ink.pictures = Pictures(ink.comps);  // before the rules take their pieces
  ink.rules = FindRules(text_mask, ink.photos, ink.em, ink.comps);
  FindFrames(ink);
  FindGrids(ink);

  // 4-5: gutters and text lines.
  const GutterMap gutters = FindGutters(ink, options);
  std::vector<TextLine> lines = FindLines(ink, gutters, options);
  if (lines.empty()) {
    LayoutResult r = Start(ink, 0);
    r.blank = true;
    return r;
  }

  // 6-9: blocks, their roles, columns and articles, the reading order.
  PageText text = FindBlocks(std::move(lines), ink, gutters, options);
  if (options.tables) LeaveOutGridText(text.blocks, ink);
  MarkRunningHeaderFooter(text.blocks, ink, options);
  const Columns columns = FindColumns(text.blocks);
  SplitAcrossColumns(text, columns, ink);
  FindPullQuotes(text.blocks, text.lines, ink);
  FindInsets(text.blocks, text.lines, ink);
  FindSubheadlines(text.blocks, text.lines, ink);
  FindBylines(text.blocks, text.lines, columns, ink, options);
  FindCaptions(text.blocks, text.lines, ink, options);
  const std::vector<Figure> figures = FindFigures(text.blocks, text.lines, ink);
  const int articles = AssignArticles(text.blocks, text.lines, columns, ink, options);
  const std::vector<TextBlock> ordered = InReadingOrder(std::move(text.blocks), articles, ink.em, columns.width);

  LayoutResult result = Start(ink, static_cast<int>(columns.ranges.size()));
  for (const TextBlock& b : ordered) result.blocks.push_back(Output(b, text.lines, ink, options));
  result.gutters = gutters.Boxes();
  for (const Figure& f : figures) result.figures.push_back({f.box.x, f.box.y, f.box.width, f.box.height});
  if (options.tables)
    for (const cv::Rect& g : ink.grids) result.grids.push_back({g.x, g.y, g.width, g.height});
  return result;
}

Status LayoutPage(Page& page, const LayoutOptions& options, const RunContext& ctx) {
  try {
    cv::Mat mask;
    if (!page.text_mask.empty()) {
      mask = View(page.text_mask);
    } else if (!page.image.empty()) {
      cv::Mat gray = View(page.image);
      if (gray.channels() == 3) cv::cvtColor(gray, gray, cv::COLOR_BGR2GRAY);
      cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    } else {
      return Status(Code::kBadInput, "layout: the page has no image");
    }
    if (mask.channels() != 1) return Status(Code::kBadInput, "layout: the text mask must have one channel");
    LayoutResult res = AnalyzeLayout(mask, page.info.photos, page.info.dpi, options);
    page.blocks.clear();
    // Tables are not prose: their cells are not read; the JSON lists them.
    std::vector<bool> in_table(res.blocks.size(), false);
    page.info.tables.clear();
    if (options.tables) {
      for (const TableRegion& t : FindTables(res.blocks, res.em, res.grids)) {
        page.info.tables.push_back(t.box);
        for (size_t i : t.blocks) in_table[i] = true;
      }
    }
    for (size_t i = 0; i < res.blocks.size(); ++i) {
      if (in_table[i]) continue;
      const LayoutBlock& lb = res.blocks[i];
      Block b;
      b.box = lb.box;
      b.layout_role = lb.role;
      b.layout_reason = lb.reason;
      b.column = lb.column;
      b.article = lb.article;
      page.blocks.push_back(std::move(b));
    }
    // A chart's labels are not prose either: the figure lists them.
    page.info.figures = res.figures;
    if (res.blank) page.info.blank = true;
    if (ctx.log)
      ctx.log("layout: " + std::to_string(res.blocks.size()) + " blocks, " + std::to_string(res.columns) +
              " columns, body line height " + std::to_string(static_cast<int>(res.em)) + " px");
    if (ctx.debugging()) {
      const cv::Mat base = page.image.empty() ? mask : View(page.image);
      ctx.debug_image("30-layout", FromMat(DrawLayout(base, page.info.photos, res)));
    }
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return StatusFromCv("layout", e);
  }
}

StageInfo LayoutStageInfo() {
  return MakeStageInfo<LayoutOptions>(
      "layout", "text blocks, columns, reading order and roles (header, headline, byline, body, caption, footer)",
      DataKind::kImage, DataKind::kImage, LayoutFields(),
      [](Page& page, const LayoutOptions& o, const RunContext& ctx) { return LayoutPage(page, o, ctx); });
}

}  // namespace ocrflow::image
