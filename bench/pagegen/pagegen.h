// The sample-page generator: renders text we wrote (a model of Chinese and
// English news prose, nothing taken from real papers) into newspaper-like
// page images, and records the ground truth beside each page:
//
//   - the expected clean text (REFLOW.md's contract: one paragraph per line,
//     running header/footer excluded, headline, byline and captions as their
//     own paragraphs, in reading order),
//   - the skew angle applied, the block boxes with their roles, in reading
//     order (before skew), and the degradations applied.
//
// Layout (see pagegen.cpp for the details): running header (paper name,
// date, page number, double rule) and footer; articles in horizontal bands,
// two side by side in some bands when there are 3+ columns; per article a
// headline over its columns, optional sub-headline, byline, justified body
// with a two-em first-line indent flowing column to column (sentences cut
// at column breaks), and on one article a photo over one or two columns
// with a caption under it.
//
// <stem>.truth.json, written by WritePage:
//   { "image": {file, width, height}, "spec": {every PageSpec field},
//     "skew_degrees", "dpi", "em_px", "line_pitch_px",
//     "rotation": [[a, b, c], [d, e, f]]   unskewed page -> image,
//     "blocks": [ {role ("headline", "body", "running-header", ...),
//                  article, column (-1 when spanning), box {x, y, w, h},
//                  text (lines joined with '\n'), lines [box...]} ... ],
//     "photos": [box...] }
// Blocks are in reading order: header, then per article headline,
// sub-headline, byline, body pieces (column by column, top to bottom),
// caption; footer last.
//
// Variety (issue 14: a generator that is not a mirror of what ocrflow was
// tuned on). Three spec fields, each "default" or "varied"; "default" gives
// the pages this generator always gave, byte for byte:
//   faces   per page and role (headline, body, caption) a face from the
//           catalogue (FaceCatalogue(): Song/Ming, Hei and Kai for Chinese;
//           serif and sans Latin faces for English). A face whose file is
//           missing is skipped with a warning (GeneratedPage::warnings).
//   layout  photos part-way down an article over some (not all) of its
//           columns, the text going on below them in the same columns;
//           inset boxes; pull quotes between body paragraphs; jump lines;
//           ads; ruled tables of numbers; articles whose columns are not the
//           page's (more, fewer, or one wider than the rest).
//   prose   more sentence shapes (ArticleTextGenerator's varied mode).
// Reading order of the varied elements (the gold text and the blocks), per
// article: headline, sub-headline, byline, body column by column (a column
// continues below a photo, inset or table in the same column before the
// next column starts), the jump line (its own paragraph; the paragraph
// before it may stop mid-sentence, as a jumped story does), the caption, the
// pull quote, the inset (title, then one paragraph per item). That is: an
// element that interrupts the columns is read after the article text it
// interrupts, never in the middle of a paragraph. Ads and tables are in the
// blocks with role boilerplate (kind "ad" / "table") and not in the gold
// text: ocrflow leaves tables unread and an ad is not the paper's text.
// truth.json: a block with a kind has "role" = the kind ("pull-quote",
// "inset-title", "inset", "ad", "table") and "ocrflow_role" = the nearest
// ocrflow role; the spec's faces/layout/prose, the faces used and any
// warnings are written only when not default (old files stay identical).
//
// Deterministic: the same PageSpec (seed included) gives the same pixels on
// the same machine with the same fonts installed. Fonts (default): Noto
// Sans/Serif CJK from fonts-noto-cjk, with the Simplified Chinese face of the
// .ttc collection selected. Varied faces also use fonts-arphic-uming,
// fonts-arphic-ukai, fonts-wqy-zenhei, fonts-dejavu-core, fonts-liberation2
// and fonts-urw-base35 where present.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::pagegen {

struct PageSpec {
  uint64_t seed = 1;
  std::string lang = "zh";      // "zh" (Simplified Chinese) or "en"
  int columns = 3;              // 1..5 body columns
  int dpi = 300;
  double width_mm = 210, height_mm = 297;  // page size
  double skew_degrees = 0;      // rotation applied to the finished page (positive: counter-clockwise)
  bool running_header = true;   // page header line (masthead, date, page number) and footer
  bool photo = true;            // a photo (random texture) with a caption
  int articles = 2;             // articles on the page, each with headline, byline, body
  // Degradations ("scan" look), all deterministic from the seed.
  double noise = 0;             // gaussian noise sigma in gray levels (0 = none)
  double blur = 0;              // gaussian blur sigma in pixels
  int jpeg_quality = 0;         // >0: JPEG round trip at this quality
  double uneven_light = 0;      // 0..1 depth of a smooth illumination gradient
  int dark_border_px = 0;       // dark scanner border on the left/top edges
  // Typography (added): body size in points at `dpi` (9.5 pt = 40 px per em
  // at 300 dpi); headlines are 1.8-2.5x, captions 0.85x.
  double body_pt = 9.5;
  // Show-through (added): 0..1 strength of the mirrored text of another
  // page (the back of the sheet), applied before uneven light. Not part of
  // the ground truth. 0.1 is a typical newsprint value.
  double show_through = 0;
  // Variety (added, issue 14): "default" or "varied" each; see above.
  std::string faces = "default";
  std::string layout = "default";
  std::string prose = "default";
};

struct GroundTruthBlock {
  Box box;                      // on the unskewed page
  Role role = Role::kBody;      // kHeadline, kByline, kBody, kCaption, kRunningHeader, kRunningFooter
  int column = -1;
  int article = -1;
  std::string text;             // the block's text as rendered, lines joined with '\n'
  std::vector<Box> line_boxes;  // one em box per rendered line (before skew)
  // Varied layout: "pull-quote" (role body), "inset-title" (subheadline),
  // "inset" (body), "ad", "table" (both boilerplate); empty otherwise.
  std::string kind;
};

struct GeneratedPage {
  cv::Mat image;                          // 8-bit gray (or BGR), the final "scan"
  std::string expected_text;              // one paragraph per line, '\n' after each
  std::vector<GroundTruthBlock> blocks;   // reading order
  PageSpec spec;
  // Added fields:
  std::vector<Box> photos;                // photo rectangles (before skew)
  int em_px = 0;                          // body font size in pixels
  int line_pitch_px = 0;                  // body baseline-to-baseline distance
  // 2x3 affine matrix (row-major) mapping unskewed page coordinates to the
  // final image: the one cv::warpAffine used (identity when skew is 0).
  double rotation[6] = {1, 0, 0, 0, 1, 0};
  // When spec.jpeg_quality > 0: the JPEG bytes `image` was decoded from, so
  // that WritePage stores exactly these pixels (no second compression).
  std::vector<unsigned char> encoded;
  // Varied faces: the face used per role ("headline", "body", "caption").
  std::vector<std::pair<std::string, std::string>> faces;
  // Things skipped on the way (a varied face whose file is missing).
  std::vector<std::string> warnings;
};

// One face of the varied catalogue.
struct FaceInfo {
  std::string name;     // "AR PL UKai CN"
  std::string style;    // song, ming, hei, kai (CJK); serif, sans (Latin)
  std::string path;     // the file found (or the first one looked for)
  int index = 0;        // face in a .ttc collection
  bool cjk = false;     // has the Chinese our prose uses
  std::string package;  // Debian package that ships it
  bool available = false;
};
std::vector<FaceInfo> FaceCatalogue();

// Draws `text` at `px` pixels per em in catalogue face `face_name` on white
// (8-bit gray), with the generator's own line geometry. kNotFound: unknown
// name or missing file.
Result<cv::Mat> RenderSample(const std::string& face_name, const std::string& text, int px);

// Maps a point of the unskewed page (block boxes) into the final image.
cv::Point2d ToImage(const GeneratedPage& page, cv::Point2d unskewed);

// Errors: kInvalidArgument for an out-of-range spec field (named in the
// message), kNotFound when a font file is missing. Thread-safe (each call
// loads its own fonts).
Result<GeneratedPage> Generate(const PageSpec& spec);

// Writes <dir>/<stem>.png (or .jpg when spec.jpeg_quality > 0),
// <dir>/<stem>.gold.txt and <dir>/<stem>.truth.json (spec, skew, blocks).
Status WritePage(const GeneratedPage& page, const std::string& dir, const std::string& stem);

}  // namespace ocrflow::pagegen
