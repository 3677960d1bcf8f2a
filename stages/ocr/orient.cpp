#include "stages/ocr/orient.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "stages/image/raster_cv.h"
#include "stages/ocr/engine.h"

namespace ocrflow::ocr {
namespace {

void RotateRaster(Raster& r, int clockwise_degrees) {
  if (r.empty() || clockwise_degrees == 0) return;
  cv::Mat src = image::View(r), dst;
  int code = clockwise_degrees == 90 ? cv::ROTATE_90_CLOCKWISE
             : clockwise_degrees == 180 ? cv::ROTATE_180
                                        : cv::ROTATE_90_COUNTERCLOCKWISE;
  cv::rotate(src, dst, code);
  r = image::FromMat(dst);
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

Status OrientPage(Page& page, const OrientOptions& o, const RunContext& ctx) {
  if (page.image.empty()) return Status(Code::kInvalidArgument, "orient: the page has no image");
  auto engine = ThreadEngine("osd", o.tessdata);
  if (!engine.ok()) {
    page.info.orientation_note = "declined: " + engine.status().message();
    return Status::Ok();
  }
  tesseract::TessBaseAPI* api = engine.value();
  cv::Mat gray = image::View(page.image);
  const double dpi = page.info.dpi > 0 ? page.info.dpi : 300;
  cv::Mat work;
  double f = std::min(1.0, o.work_dpi / dpi);
  if (f < 1) cv::resize(gray, work, cv::Size(), f, f, cv::INTER_AREA);
  else work = gray;
  if (!work.isContinuous()) work = work.clone();
  api->SetPageSegMode(tesseract::PSM_OSD_ONLY);
  api->SetImage(work.data, work.cols, work.rows, 1, static_cast<int>(work.step));
  api->SetSourceResolution(static_cast<int>(dpi * f + 0.5));
  int deg = 0;
  float conf = 0, script_conf = 0;
  const char* script = nullptr;
  bool ok = api->DetectOrientationScript(&deg, &conf, &script, &script_conf);
  api->Clear();
  if (!ok) {
    page.info.orientation_note = "declined: too little text to tell the orientation";
    return Status::Ok();
  }
  page.info.orientation_confidence = conf;
  // `deg` is how far the page is turned clockwise (measured: a page turned
  // 90 degrees clockwise reports 90); turning it back counter-clockwise,
  // i.e. clockwise by 360 - deg, makes it upright.
  const int turn = (360 - ((deg % 360) + 360) % 360) % 360;
  if (turn == 0) {
    page.info.orientation = 0;
    return Status::Ok();
  }
  if (conf < o.min_confidence) {
    page.info.orientation_note = "declined: OSD says turned " + std::to_string(turn) + " degrees with confidence " +
                                 Fixed(conf, 2) + " < " + Fixed(o.min_confidence, 2);
    return Status::Ok();
  }
  RotateRaster(page.image, turn);
  RotateRaster(page.text_mask, turn);
  page.info.orientation = turn;
  if (ctx.debugging()) ctx.debug_image("15-oriented", page.image);
  return Status::Ok();
}

StageInfo OrientStageInfo() {
  std::vector<OptionField<OrientOptions>> fields = {
      {"min_confidence", &OrientOptions::min_confidence, "OSD confidence needed to turn a page", ""},
      {"work_dpi", &OrientOptions::work_dpi, "resolution the page is reduced to for detection", "dpi"},
      {"tessdata", &OrientOptions::tessdata, "directory of osd.traineddata (empty: Tesseract's default)", "path"},
  };
  return MakeStageInfo<OrientOptions>("orient", "turns the page upright (Tesseract OSD: 0/90/180/270); declines when unsure",
                                      DataKind::kImage, DataKind::kImage, fields, OrientPage);
}

}  // namespace ocrflow::ocr
