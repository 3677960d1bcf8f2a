// The OCR family's stages, as the registry lists them (both need Tesseract):
//
//   orient   image -> image   turns the page upright (OSD); may take a page
//                             as upright on trust (turns_page_upright)
//   ocr      image -> lines   reads the text; says when the body did not
//                             read as upright (confirms_upright)
//
// Each is registered where the chain has it: orient before the image
// stages, ocr after them (pipeline/app/page_job.cpp, RegisterBuiltinStages).
// The pair makes the orient-and-reread step (pipeline/app/page_chain.h).
#pragma once

#include "pipeline/core/stage.h"

namespace ocrflow::ocr {

StageInfo OrientStage();
StageInfo OcrStage();

}  // namespace ocrflow::ocr
