#include "stages/image/register.h"

#include "stages/image/binarize.h"
#include "stages/image/deskew.h"
#include "stages/image/layout.h"
#include "stages/image/rescale.h"

namespace ocrflow::image {

void RegisterImageStages(StageRegistry& registry) {
  registry.Register(RescaleStageInfo());
  registry.Register(BinarizeStageInfo());
  registry.Register(DeskewStageInfo());
  registry.Register(LayoutStageInfo());
}

// Orientation (stages/ocr/orient.h, it needs Tesseract's OSD) runs before
// these; see DefaultPageStages() in pipeline/app/page_job.cpp.
std::vector<std::string> DefaultImageStages() { return {"rescale", "binarize", "deskew", "layout"}; }

}  // namespace ocrflow::image
