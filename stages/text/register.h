// Registers the text stages with a StageRegistry:
//
//   normalize    lines -> lines        Unicode clean-up of every line
//   boilerplate  lines -> lines        drops web boilerplate and running heads
//   classify     lines -> lines        assigns roles (headline, byline, ...)
//   reflow       lines -> paragraphs   joins wrapped lines into paragraphs
//   repeats      paragraphs -> paragraphs   drops OCR-duplicated text
//
// DefaultTextStages() is the chain `ocrflow reflow` runs.
#pragma once

#include <string>
#include <vector>

#include "pipeline/core/stage.h"

namespace ocrflow::text {

void RegisterTextStages(StageRegistry& registry);
std::vector<std::string> DefaultTextStages();
// The chain after OCR of page images: the same, plus glyph repairs first and
// the layout's roles after classify (stages/text/ocr_fixes.h).
std::vector<std::string> DefaultOcrTextStages();

}  // namespace ocrflow::text
