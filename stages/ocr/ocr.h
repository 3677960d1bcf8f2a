// The OCR stage (image -> lines): Tesseract through its C++ API.
//
// With layout blocks on the page (stages/image/layout.h), every block is
// cropped from the upright, deskewed grayscale page and recognised on its
// own with the page segmentation mode that suits its role:
//   body, caption, byline        PSM_SINGLE_BLOCK (6): whole column chunks
//                                read best (OCR_NOTES.md)
//   headline, sub-headline       PSM_SINGLE_BLOCK, then line by line
//                                (PSM_SINGLE_LINE) when a line went missing
// Each crop is read in grey (Otsu optional) and pages below
// `upscale_below_dpi` are upscaled 1.5x (cubic; 2x hurts), unless the page
// is known to be Latin (OSD's script, or a --lang without a CJK model): Latin
// text reads as well without it, and black letter better.
// Without layout blocks the whole page goes through PSM_AUTO and Tesseract's
// own blocks are used.
//
// Every Line gets its text, its box in page coordinates, its confidence
// (0-100) and a page-wide 1-based line number (source_line), so paragraphs
// can point back at the lines and boxes they came from. Lines of a block
// take the block's layout role.
//
// A headline or sub-headline line read with a leading 一 or -一 gets its
// "——" back when the ink shows a leading bar about two em long
// (RestoreLeadingDash).
//
// Under engine=auto or ppocr with the PP-OCR model installed
// (OcrOptions::ppocr_first), a block read as Chinese is not recognised by
// Tesseract: its layout analysis alone finds the lines (AnalyseLayout, PSM 6,
// or PSM 7 per row of a multi-row headline), PP-OCR reads each, and
// Tesseract reads (PSM 7) only the lines PP-OCR is unsure of. A pending
// orientation check then weighs PP-OCR's confidences (x 100): Chinese read
// upside down or turned a quarter reads at a median of 0-7 with them, upright
// pages at 78-100 (docs/pages.md). A page whose blocks taken for Chinese do
// not read as Han is read by Tesseract as before.
//
// Thread safety: uses the calling thread's engine (engine.h); pages may be
// OCR'd in parallel on different threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"

namespace ocrflow::ocr {

struct OcrOptions {
  // "auto": every block is read with the model of its script (a trial read
  // of its first rows with auto_latin decides, a check of the result can
  // overrule; the JSON says which and why). Else Tesseract language(s),
  // '+'-joined, for every block.
  std::string lang = "auto";
  std::string auto_cjk = "chi_sim";
  std::string auto_latin = "eng";
  double auto_latin_confidence = 75;       // a block's trial at this: Latin (0-100)
  double auto_cjk_below = 35;              // a block's trial under this: Chinese (0-100)
  std::string tessdata;              // model directory; empty = Tesseract's default
  double upscale_below_dpi = 250;    // pages under this resolution are upscaled
  double upscale = 1.5;              // factor (cubic)
  // Binarise each crop with Otsu before OCR. Off: Tesseract's LSTM reads
  // the grey levels, and on real pages the anti-aliased edges carry the
  // strokes Otsu cuts (美 read as 疾/类/业; third-party Chinese pages 36.0 ->
  // 32.5 % CER with tables left out, every page better; generated scans
  // within 0.03 points, docs/pages.md).
  bool otsu = false;
  // Every Tesseract call (a block, a line) gets an ETEXT_DESC deadline,
  // checked by Tesseract between words: what is left of the page's
  // (RunContext::deadline, --page-timeout), or this many seconds when that
  // is sooner. A call that runs out fails the page as timed out. 0 (the
  // default) = the page's deadline alone: a column block reads in 0.1-3 s
  // of CPU, but a Fraktur newspaper block read without a Fraktur model took
  // over 60 s of wall time on a loaded 2-core machine (load 10), and a wall
  // bound that tight failed good pages.
  double call_timeout = 0;
  double min_confidence = 0;         // lines below this confidence are dropped (0 = keep all)
  // A body block whose lines read at a mean confidence below this holds
  // what is not text (a photo's texture, a drawing, a chart's strokes): its
  // lines below it are dropped, with the reason, into page.dropped; its
  // lines above it stay. Headlines, subheadlines, bylines and captions are
  // kept whatever their confidence: big bold headlines read at 12-40 while
  // reading right. 0 = keep all.
  double min_block_confidence = 40;
  // A page that reads badly as a whole (a blurred low-resolution page: its
  // real text reads at 30-40) would lose all its text to that bar: it is
  // lowered to block_confidence_share x the page's median body-line
  // confidence (BlockConfidenceBar). 0 = a fixed bar.
  double block_confidence_share = 0.5;
  // A line whose box is less tall than this share of the page's median line
  // height holds no readable glyph: Tesseract reads the edge of a thick
  // rule, a frame or an engraving as a line 1-3 px tall full of dashes and
  // letters (NZZ 1790: 19 such lines, ~1,000 characters of garbage under
  // the masthead). Dropped with the reason, whatever the block's role.
  // 0 = keep all.
  double min_line_height = 0.3;
  // The recognizer (stages/ocr/ppocr.h). "tesseract": Tesseract reads every
  // line. "ppocr": Tesseract finds the lines, PP-OCR reads them all.
  // "auto": PP-OCR reads the lines of Chinese blocks (ppocr_first; off:
  // re-reads those Tesseract read under ppocr_below, all of them at 101);
  // Latin blocks stay with Tesseract. Without the model both read with
  // Tesseract alone, with one warning (the CLI at start, the page's JSON).
  std::string engine = "auto";
  std::string ppocr_models;     // model directory; empty = DefaultPpOcrDir()
  // PP-OCR's backend (PpOcrOptions::backend): "auto" (ONNX Runtime when
  // installed, else OpenCV) or "opencv".
  std::string ppocr_backend = "auto";
  // The model ONNX Runtime runs (PpOcrOptions::model): "folded" (the same
  // function in ~45 % less CPU; docs/pages.md, eighth session) or "original".
  std::string ppocr_model = "folded";
  // PP-OCR reads each line this much narrower than its aspect at height 48
  // (PpOcrOptions::squeeze; 1: as it is; a squeezed reading with a
  // character twice in a row is read again unsqueezed). The model's CPU is
  // ~proportional to the width, and a Chinese character at height 48 is
  // ~33 columns, 4 CTC steps, where 3 read it as well. On the 8
  // OmniDocBench Chinese pages the model's columns -21 %, no page's CER
  // worse; 0.6 made three pages worse by 0.1-0.2 points, 0.85 without the
  // second reading lost an ellipsis's dot (docs/pages.md, twelfth session).
  // Not the default: at 0.75 the held-out varied Chinese pages read 8.28 ->
  // 8.33 % CER and 0.892 -> 0.863 of their paragraphs exactly; until that is
  // understood on tuning pages, `--set ocr.ppocr_squeeze=0.75` trades it
  // for ~11 % less CPU on Chinese pages.
  double ppocr_squeeze = 1.0;
  // auto: Chinese lines Tesseract read under this confidence go to PP-OCR.
  // Measured on the 8 OmniDocBench Chinese pages (mean CER, time against
  // the CLI): Tesseract alone 32.45 %, 2.6x; under 75: 28.87 %; under 90:
  // 28.07 %, 6.2x; every line (101): 28.26 %, 9.4x (docs/pages.md).
  double ppocr_below = 90;
  double ppocr_min_confidence = 0.5;  // a PP-OCR reading under this (0..1) keeps Tesseract's text
  // engine=auto or ppocr, blocks read as Chinese, once the orientation is
  // settled: Tesseract only finds the lines (layout analysis, no
  // recognition) and PP-OCR reads every one; Tesseract reads (PSM 7) only
  // the lines PP-OCR reads under ppocr_min_confidence. PP-OCR (~47 ms a
  // line in ONNX Runtime) then replaces Tesseract's chi_sim (~107 ms) on
  // those lines instead of following it (docs/pages.md, "PP-OCR reads
  // first"). Off: Tesseract reads every line and PP-OCR re-reads those
  // under ppocr_below, as before.
  bool ppocr_first = true;
};

// The min_block_confidence bar on a page whose body lines read at median
// `text_confidence` (-1: none read): min(min_block_confidence, share x
// text_confidence). On our scans (median 90-97) and the clean third-party
// pages it is min_block_confidence.
double BlockConfidenceBar(double min_block_confidence, double share, double text_confidence);

std::vector<OptionField<OcrOptions>> OcrFields();

// The Tesseract models the ocr stage loads with these settings, '+'-joined:
// lang, or under lang=auto auto_cjk and auto_latin (defaults where unset).
std::string OcrModels(const StageSettings& settings);

// Sets page.info.text_confidence, the median confidence of the body lines
// (layout role body or none), and settles a pending orientation check
// (ImageInfo::orientation_check): confirmed when that median reaches the
// bar, else page.info.orientation_unconfirmed. Called by OcrPage before its
// confidence filters.
void ConfirmOrientation(Page& page);

Status OcrPage(Page& page, const OcrOptions& options, const RunContext& ctx);

// OcrOptions::min_block_confidence on one block: when `block` is body text
// (no layout role, or body) and its lines' mean confidence is under the
// bar, its lines under the bar are moved to `dropped` (one entry, with the
// reason). Measured on the third-party Chinese pages (photo texture and
// drawings read as text): CER 68.7 -> 65.3 %, paragraph F1 0.09 -> 0.17; on
// the 40 generated pages one stray "|" went, nothing else.
void DropUnreadableLines(Block& block, double min_block_confidence, std::vector<Dropped>& dropped);

// OcrOptions::min_line_height over a page's blocks: lines whose box is less
// tall than `share` x the median height of the page's lines (boxes of lines
// with two or more characters) are moved to `dropped`, one entry per block,
// with the reason. Lines without a box stay.
void DropFlatLines(std::vector<Block>& blocks, double share, std::vector<Dropped>& dropped);

StageInfo OcrStageInfo();

// Under engine=auto PP-OCR reads a page's Chinese blocks only when what was
// read in them is at least this share Han. Measured over the blocks read
// with chi_sim: the eight OmniDocBench Chinese pages 57-87 % Han; NZZ
// Fraktur blocks taken for Chinese 10-16 % (letters and marks), which PP-OCR
// read no better (NZZ 1790: 121 -> 137 % CER) at 40 s a page.
inline constexpr double kPpOcrPageHanShare = 0.35;

// The tally of the Han sample (OcrPage, ppocr_first): PP-OCR's readings of
// up to 12 found lines of the largest blocks taken for Chinese, which
// decide, before any block is read, whether PP-OCR reads the page
// (kPpOcrPageHanShare). Settled once kSettleLines lines with text read at
// under kClearlyNotHan or over kClearlyHan Han: the sample stops there (NZZ
// 1850's sampled lines read 0 Han in 500 characters, the Chinese pages
// 57-87 %; each further line costs a Fraktur page ~0.15 s of PP-OCR, and the
// next block's layout analysis). Pure.
struct HanSample {
  static constexpr int kSettleLines = 4;
  static constexpr double kClearlyNotHan = 0.15, kClearlyHan = 0.60;
  int lines = 0, han = 0, chars = 0;  // lines with text; their Han; their characters (no spaces)

  void Add(std::string_view reading);  // one sampled line's text
  bool Settled() const;
  // Han enough for PP-OCR to read the page: no text read at all, or at
  // least kPpOcrPageHanShare Han.
  bool Han() const;
};

// Under --lang auto, whether a block's reading with the Chinese model looks
// like Latin ink read as Chinese: at least half its characters Latin letters
// and under kLatinReadingHanShare (0.3) Han. Such a block is read with the
// Latin model too, and the more confident reading stays. (A Fraktur title
// read as Chinese keeps a few stray Han, 4 in 30; Chinese text with Latin
// words in it holds far fewer letters than half its characters.) Pure.
bool LatinReadAsChinese(std::string_view reading);

// Rows of text in a crop: runs of image rows with ink (Otsu), gaps shorter
// than a fifth of the median row height bridged when one side is a piece
// (under half that height: dots, accents), each padded by a quarter of its
// height. Empty when there is no ink.
std::vector<cv::Rect> TextRows(const cv::Mat& gray);

// `line.text` with a leading dash-like run (一, -, —, ...) replaced by "——"
// when, in the grayscale page (line.box in its coordinates), the line's ink
// starts with a flat bar at least 1.4 line heights long; otherwise unchanged.
std::string RestoreLeadingDash(const Raster& gray_page, const Line& line);

}  // namespace ocrflow::ocr
