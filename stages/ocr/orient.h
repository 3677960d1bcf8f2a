// The orientation stage (image -> image): turns a page upright.
//
// Tesseract's orientation and script detection (osd.traineddata) says how
// far the page is turned (0/90/180/270). The page is rotated back only when
// OSD is sure: confidence >= `min_confidence` (ocrmypdf's default threshold
// is in the same units). Otherwise the stage declines: the page is left as
// it was and ImageInfo::orientation_note says why.
//
// The image is reduced to about `work_dpi` for detection (OSD needs only
// letter shapes; it is quick on a small page).
//
// Thread safety: uses the calling thread's OSD engine (engine.h).
#pragma once

#include "pipeline/document.h"
#include "pipeline/stage.h"

namespace ocrflow::ocr {

struct OrientOptions {
  double min_confidence = 2.0;  // OSD orientation confidence needed to rotate
  double work_dpi = 150;        // detection resolution
  std::string tessdata;         // model directory; empty = Tesseract's default
};

Status OrientPage(Page& page, const OrientOptions& options, const RunContext& ctx);

StageInfo OrientStageInfo();

}  // namespace ocrflow::ocr
