// The data model shared by every stage:
//
//   Document -> Page -> Block -> Line   (what OCR or a text file gives us)
//                    -> Paragraph       (what reflow makes of the lines)
//
// Text between stages is UTF-8 std::string. Geometry (Box) and confidence are
// optional: plain-text input has neither, OCR output has both. A line knows
// the 1-based line number it came from in its source file so that every
// paragraph and every dropped piece can point back to its origin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrflow {

struct Box {
  int x = 0, y = 0, w = 0, h = 0;  // pixels, origin top-left
  int right() const { return x + w; }
  int bottom() const { return y + h; }
};

// What a line or paragraph is on the page. Reflow keeps headlines, bylines,
// captions and list items as paragraphs of their own; boilerplate and running
// headers/footers are dropped (with a reason).
enum class Role {
  kBody,
  kHeadline,
  kSubheadline,
  kByline,
  kCaption,
  kListItem,
  kBoilerplate,
  kRunningHeader,
  kRunningFooter,
  kJump,  // a jump line: "Continued on Page A4", （下转第二版）; its own paragraph
  // A pull quote: a line or two of the article set large between two rules
  // inside its column; its own paragraph, read after the article's text.
  kPullQuote,
  // An inset: a few lines in a box (a frame drawn around them) inside an
  // article, a fact box or a tip; its own paragraphs, read after the
  // article's text.
  kInset,
};

const char* RoleName(Role role);
bool IsDroppedRole(Role role);

// A word as the OCR engine read it: its text, its box on the page and the
// engine's confidence. Chinese has no spaces: a word there is what the
// engine grouped (Tesseract) or one run of characters (PP-OCR). The words of
// a line, joined by a space (none between two CJK characters), are the line
// as the engine read it, before any text stage changed Line::text.
struct Word {
  std::string text;          // UTF-8, no space
  Box box;                   // page coordinates (after the image stages)
  float confidence = 0;      // 0..100
};

struct Line {
  std::string text;               // UTF-8, no line terminator
  int source_line = 0;            // 1-based line number in the source, 0 = unknown
  std::optional<Box> box;         // from OCR; absent for plain text
  std::optional<float> confidence;  // 0..100 from OCR
  // Tesseract's estimate of the row's type size (x-height plus ascenders,
  // in page pixels), from the model it fits to the row's baseline, so a
  // line without capitals or descenders measures like one with them; absent
  // for lines Tesseract did not recognise (PP-OCR's, plain text).
  std::optional<float> row_height;
  Role role = Role::kBody;
  int indent = 0;                 // leading spaces in the source (display columns)
  double layout_width = -1;       // em the line took on the page, if known (see wrap_width.h)
  const char* role_reason = "";   // which rule assigned the role (a static string)
  std::vector<Word> words;        // from OCR, in reading order; empty for plain text
};

// The column a block was set in, as far as it is known: from line boxes with
// OCR geometry, inferred from line lengths for plain text
// (stages/text/wrap_width.h).
struct ColumnShape {
  bool estimated = false;  // false: nobody has looked yet
  double wrap = 0;         // full-line width in em; 0 = unknown
  bool wrapped = false;    // the block's lines are hard-wrapped at `wrap`
  bool latin = false;      // mostly Latin script (wider tolerances)
  double tolerance = 1.5;  // em: how far a full line may deviate from `wrap`
  bool measured = false;   // line widths measured on the page from the column's left edge (OCR geometry),
                           // so a first line's indent is inside its width; plain text lost it
};

// Lines that belong together on the page: a run of non-blank lines in plain
// text, a layout block with OCR geometry.
struct Block {
  std::vector<Line> lines;
  std::optional<Box> box;
  int blank_lines_before = 0;     // plain text: blank lines between this block and the previous
  ColumnShape shape;
  // From page layout (stages/image/layout.h); absent for plain text.
  std::optional<Role> layout_role;  // headline, caption, running header/footer... as the layout saw it
  std::string layout_reason;        // why, where the role's name does not say ("ad: ..."); empty otherwise
  int column = -1;                  // 0-based column the block sits in; -1 = spans columns or unknown
  int article = -1;                 // blocks of one article share a number; -1 = unknown
  // From OCR: the Tesseract model that read the block and why it was
  // chosen (--lang auto decides per block; stages/ocr/ocr.h).
  std::string lang;
  std::string lang_reason;
  // The recognizer that read the block's lines: "tesseract", or "ppocr"
  // when PP-OCR read some of them (engine_reason says how many and why).
  std::string engine;
  std::string engine_reason;
};

struct Paragraph {
  std::string text;
  Role role = Role::kBody;
  int first_line = 0;  // 1-based source lines covered, inclusive
  int last_line = 0;
  std::string jump_to = {};  // role jump: the page it points to, as printed ("A13", "二")
};

// Something deliberately left out of the output, and why.
struct Dropped {
  std::string text;
  std::string reason;  // e.g. "boilerplate: icp-number", "duplicate of lines 200-204"
  int first_line = 0;
  int last_line = 0;
};

// Characters a text stage inserted, deleted or changed in a line or a
// paragraph that it kept (Pipeline::Run records them: nothing a stage does to
// the text goes unlisted). Whole lines or pieces dropped are in Dropped.
struct Edit {
  std::string stage;    // e.g. "normalize", "glyphs", "quotes"
  int line = 0;         // source line whose text changed (lines stages), or
  int paragraph = 0;    // 1-based paragraph (paragraph stages); the other is 0
  int at = 0;           // code point offset in the text the stage was given
  std::string before;   // empty: an insertion
  std::string after;    // empty: a deletion
};

// One join/split decision of the reflow, for --explain.
struct Decision {
  int line_a = 0;        // source line that ends
  int line_b = 0;        // source line that follows
  bool join = false;     // true: same paragraph; false: paragraph break
  std::string rule;      // short rule name, e.g. "wrap", "short-after-terminal"
  std::string detail;    // numbers behind it, e.g. "width 8.0 < wrap 25.0 - 1.5"
};

// An 8-bit image held by a page between image stages: 1 channel (gray or a
// binary mask, text = 0) or 3 channels (BGR, for debug overlays). Row-major,
// stride = width * channels. Image stages view it as a cv::Mat without copying.
struct Raster {
  int width = 0, height = 0, channels = 1;
  std::vector<unsigned char> pixels;
  bool empty() const { return width <= 0 || height <= 0; }
};

// One geometric step an image stage applied to the whole page (a turn, a
// rescale, a rotation, a crop): the 2x3 affine matrix, row-major, that maps
// a point of the canvas before it to the canvas after it, in pixel-edge
// coordinates (the top-left corner of the image is (0, 0), its bottom-right
// corner (width, height)), and the canvas size after it.
// pipeline/core/geometry.h maps page boxes back through them.
struct ImageStep {
  std::string stage;                    // "orient", "rescale", "deskew"
  double m[6] = {1, 0, 0, 0, 1, 0};     // x' = m0 x + m1 y + m2, y' = m3 x + m4 y + m5
  int width = 0, height = 0;            // canvas after the step
};

// What the image stages found out about a scanned page (JSON output).
struct ImageInfo {
  std::string source;        // file the page came from
  int source_page = 1;       // 1-based page within a multi-page TIFF or PDF
  int width = 0, height = 0; // as loaded, before rotation or scaling
  double dpi = 0;            // from metadata, or estimated
  bool dpi_estimated = false;
  int orientation = 0;       // degrees clockwise the page was turned to be upright: 0/90/180/270
  double orientation_confidence = 0;
  std::string orientation_note;  // "declined: ..." when unsure
  // Set by the orient stage when it takes the page as upright on trust,
  // leaving the check to the OCR stage (pipeline/app/page_chain.h): the
  // median line confidence the body text must reach. The OCR stage clears it; when the
  // body text reads worse it sets orientation_unconfirmed, and when the
  // first body lines already read far worse it stops early
  // (ocr_stopped_early: the page's text is incomplete). It also stops
  // early on a page of Latin blocks in columns whose first body lines read
  // under the bar, but not far under (early_stop_for_script): a black-letter
  // page is read with Tesseract's segmentation, so which script the page is
  // decides how it is read (the chain asks OSD), and the rest of the page
  // under the layout's columns would be read for nothing.
  double orientation_check = 0;
  bool orientation_unconfirmed = false;
  bool ocr_stopped_early = false;
  bool early_stop_for_script = false;
  // The script OSD found ("Latin", "Fraktur", "Han", ...) when it ran; "" when not.
  std::string script;
  double script_confidence = 0;
  // How the page's text regions were found when not by the layout stage
  // ("" = the layout stage's blocks, or no layout stage): why the OCR
  // stage segmented the page itself (pipeline/app/page_chain.h).
  std::string segmentation_note;
  // The stage that was running when the page's deadline passed
  // (RunContext::deadline); empty: it did not time out.
  std::string timed_out_stage;
  double text_confidence = -1;  // median confidence of the body lines as read (-1: none)
  double skew_degrees = 0;   // measured skew (positive: text rises to the right)
  double skew_confidence = 0;
  bool deskewed = false;     // false: declined, page left as it was
  std::string skew_note;
  double scale = 1;          // upscaling applied (rescale stage x OCR crops); page boxes are after rescale
  bool blank = false;        // no text found on the page
  std::vector<Box> photos;   // regions taken out of the text mask
  std::vector<Box> tables;   // regions found to be tables (stages/image/tables.h): not read as prose
  // Photos with the labels set around them (a chart's names and values;
  // stages/image/layout/figures.h): the labels are not read as prose.
  std::vector<Box> figures;
  // What the image stages did to the pixels as loaded, in order: boxes on
  // the page map back to the original image through them (geometry.h).
  std::vector<ImageStep> steps;
};

struct Page {
  int number = 1;
  Raster image;      // grayscale page after the image stages so far
  Raster text_mask;  // binarised text (0 = ink) once binarisation ran; empty before
  ImageInfo info;
  std::vector<Block> blocks;
  std::vector<Paragraph> paragraphs;
  std::vector<Dropped> dropped;
  std::vector<Edit> edits;
  std::vector<Decision> decisions;
  std::vector<std::string> warnings;  // non-fatal notes (NUL removed, BOM stripped...)
};

struct Document {
  std::string source;  // file name, "-" for stdin
  std::vector<Page> pages;
};

// Builds a one-page document from plain text: one Block per run of non-blank
// lines. The text must already be valid UTF-8 (see stages/text/unicode_clean).
Page PageFromPlainText(std::string_view text);

// How many columns the layout found the page's body blocks in (distinct
// Block::column of blocks whose layout role is body); 0 without a layout.
size_t BodyColumnCount(const Page& page);

// Joins the paragraphs of a page as the output contract wants them: one
// paragraph per line, '\n' line ends, no blank lines, no trailing spaces.
std::string RenderParagraphs(const std::vector<Paragraph>& paragraphs);

}  // namespace ocrflow
