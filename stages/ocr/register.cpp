#include "stages/ocr/register.h"

#include "stages/ocr/ocr.h"
#include "stages/ocr/orient.h"

namespace ocrflow::ocr {

StageInfo OrientStage() {
  StageInfo info = OrientStageInfo();
  info.turns_page_upright = true;  // RunContext::orientation_checked_by_ocr: upright on trust
  return info;
}

StageInfo OcrStage() {
  StageInfo info = OcrStageInfo();
  info.confirms_upright = true;  // OcrPage sets ImageInfo::orientation_unconfirmed (ocr.h)
  return info;
}

}  // namespace ocrflow::ocr
