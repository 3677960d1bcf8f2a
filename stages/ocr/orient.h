// The orientation stage (image -> image): turns a page upright.
//
// Tesseract's orientation and script detection (osd.traineddata) says how
// far the page is turned (0/90/180/270). The page is rotated back only when
// OSD is sure: confidence >= `min_confidence` (ocrmypdf's default threshold
// is in the same units). Otherwise the stage declines: the page is left as
// it was and ImageInfo::orientation_note says why.
//
// OSD was trained mostly on alphabetic scripts and, on Chinese pages, now
// and then reports a turned page with fair confidence. So a turn it
// proposes is checked: a text-dense patch of the page is recognised both as
// it is and turned (with the OCR language), and the page is turned only when
// Tesseract reads the turned patch with clearly higher confidence
// (`verify_margin` points).
//
// Most pages are upright, and OSD costs about a sixth of a page's OCR time.
// When an ocr stage follows (RunContext::orientation_checked_by_ocr, set by the
// orient-and-reread step, pipeline/app/page_chain.h), the page is taken as
// upright on trust and the OCR confirms it: its body lines must read at a
// median confidence of `upright_confidence` (ImageInfo::orientation_check); a
// page they do not confirm comes back here as it came in, for the checks below.
// Alone, a text-dense patch of the page is first read as it is, and when its
// median word confidence reaches `upright_confidence` the page is taken as
// upright without OSD. Measured with bench/orient_bench.sh on 40 generated
// pages turned four ways: 38 of the upright ones passed that check; none of the
// 120 turned ones did (they read at a median of at most about 50).
//
// The image is reduced to about `work_dpi` for detection.
//
// Thread safety: uses the calling thread's OSD engine (engine.h).
#pragma once

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"

namespace ocrflow::ocr {

struct OrientOptions {
  double min_confidence = 2.0;  // OSD orientation confidence needed to rotate
  double work_dpi = 300;        // detection resolution
  std::string tessdata;         // model directory; empty = Tesseract's default
  std::string lang = "auto";    // language used to verify a proposed turn (auto: chi_sim+eng)
  double verify_margin = 5;     // mean word confidence the turned patch must gain
  double upright_confidence = 70;  // median patch word confidence that skips OSD (0: never skip)
};

Status OrientPage(Page& page, const OrientOptions& options, const RunContext& ctx);

StageInfo OrientStageInfo();

}  // namespace ocrflow::ocr
