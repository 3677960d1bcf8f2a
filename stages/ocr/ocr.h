// The OCR stage (image -> lines): Tesseract through its C++ API.
//
// With layout blocks on the page (stages/image/layout.h), every block is
// cropped from the upright, deskewed grayscale page and recognised on its
// own with the page segmentation mode that suits its role:
//   body, caption, byline        PSM_SINGLE_BLOCK (6): whole column chunks
//                                read best (OCR_NOTES.md)
//   headline, sub-headline       PSM_SINGLE_BLOCK, then line by line
//                                (PSM_SINGLE_LINE) when a line went missing
// Each crop is binarised with Otsu (noisy JPEG scans read better) and pages
// below `upscale_below_dpi` are upscaled 1.5x (cubic); 2x hurts.
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
// Thread safety: uses the calling thread's engine (engine.h); pages may be
// OCR'd in parallel on different threads.
#pragma once

#include <string>

#include "pipeline/document.h"
#include "pipeline/stage.h"

namespace ocrflow::ocr {

struct OcrOptions {
  std::string lang = "chi_sim+eng";  // Tesseract language(s), '+'-joined
  std::string tessdata;              // model directory; empty = Tesseract's default
  double upscale_below_dpi = 250;    // pages under this resolution are upscaled
  double upscale = 1.5;              // factor (cubic)
  bool otsu = true;                  // binarise each crop with Otsu before OCR
  double min_confidence = 0;         // lines below this confidence are dropped (0 = keep all)
};

std::vector<OptionField<OcrOptions>> OcrFields();

Status OcrPage(Page& page, const OcrOptions& options, const RunContext& ctx);

StageInfo OcrStageInfo();

// `line.text` with a leading dash-like run (一, -, —, ...) replaced by "——"
// when, in the grayscale page (line.box in its coordinates), the line's ink
// starts with a flat bar at least 1.4 line heights long; otherwise unchanged.
std::string RestoreLeadingDash(const Raster& gray_page, const Line& line);

}  // namespace ocrflow::ocr
