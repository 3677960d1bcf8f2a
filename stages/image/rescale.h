// The rescale stage (image -> image): brings low-resolution pages up to a
// resolution the later stages and Tesseract read well.
//
// A page whose DPI (from metadata, or estimated from its text height by the
// loader) is below `min_dpi` is upscaled (cubic) towards `target_dpi`, by at
// most `max_factor`. A real newspaper page rendered at ~10 px per character
// (about 80 dpi) is unreadable as it is; at 300 dpi the same glyphs read.
// Pages at or above `min_dpi`, and pages whose DPI is unknown, are left as
// they are (the OCR stage still upscales 1.5x below 250 dpi).
//
// ImageInfo::scale records the factor and ImageInfo::dpi the new
// resolution; boxes in the output are in the rescaled page's pixels.
// Pure; thread-safe.
#pragma once

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"

namespace ocrflow::image {

struct RescaleOptions {
  double min_dpi = 150;     // pages below this are upscaled
  double target_dpi = 300;  // ... to this
  double max_factor = 4;    // never more than this
  double max_pixels = 120e6;  // nor beyond this many pixels
};

Status RescalePage(Page& page, const RescaleOptions& options);

StageInfo RescaleStageInfo();

}  // namespace ocrflow::image
