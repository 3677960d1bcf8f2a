// Registers the image stages (image -> image) with a StageRegistry, and
// names the chain `ocrflow run` uses before OCR:
//
//   load is not a stage: pipeline/app/page_source reads files into Pages.
//   orient     image -> image   turns the page upright (Tesseract OSD)
//   binarize   image -> image   illumination, Sauvola/Otsu text mask, borders, photos
//   deskew     image -> image   finds and removes skew (declines when unsure)
//   layout     image -> image   blocks, columns, reading order, roles
#pragma once

#include <string>
#include <vector>

#include "pipeline/core/stage.h"

namespace ocrflow::image {

void RegisterImageStages(StageRegistry& registry);
std::vector<std::string> DefaultImageStages();

}  // namespace ocrflow::image
