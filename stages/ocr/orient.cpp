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

// Mean word confidence of Tesseract on `patch` (PSM_SINGLE_BLOCK); -1 when
// nothing is read.
double MeanConfidence(tesseract::TessBaseAPI* api, const cv::Mat& patch, int dpi) {
  cv::Mat p = patch.isContinuous() ? patch : patch.clone();
  api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api->SetImage(p.data, p.cols, p.rows, 1, static_cast<int>(p.step));
  api->SetSourceResolution(dpi);
  if (api->Recognize(nullptr) != 0) return -1;
  int* confs = api->AllWordConfidences();
  double sum = 0;
  int n = 0;
  for (int* c = confs; c != nullptr && *c >= 0; ++c) sum += *c, ++n;
  delete[] confs;
  api->Clear();
  return n > 0 ? sum / n : -1;
}

// The most ink-dense window of about a quarter of the page's width and a
// tenth of its height: enough lines to read, quick to recognise.
cv::Rect DensePatch(const cv::Mat& gray) {
  cv::Mat ink;
  cv::threshold(gray, ink, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat integral;
  cv::integral(ink, integral, CV_32S);
  const int w = std::max(64, gray.cols / 4), h = std::max(64, gray.rows / 10);
  cv::Rect best(0, 0, std::min(w, gray.cols), std::min(h, gray.rows));
  long best_sum = -1;
  for (int y = 0; y + h <= gray.rows; y += h / 2) {
    for (int x = 0; x + w <= gray.cols; x += w / 2) {
      long s = integral.at<int>(y + h, x + w) - integral.at<int>(y, x + w) - integral.at<int>(y + h, x) + integral.at<int>(y, x);
      // Ink-dense but not a photo or a black border: at most 35 % ink.
      if (s > best_sum && s < 0.35 * w * h) best_sum = s, best = cv::Rect(x, y, w, h);
    }
  }
  return best;
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
  // Check the proposal by reading a patch both ways.
  auto ocr = ThreadEngine(o.lang, o.tessdata);
  if (ocr.ok()) {
    cv::Mat patch = gray(DensePatch(gray)), turned;
    cv::rotate(patch, turned,
               turn == 90 ? cv::ROTATE_90_CLOCKWISE : turn == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    const int pdpi = static_cast<int>(dpi + 0.5);
    double as_is = MeanConfidence(ocr.value(), patch, pdpi), after = MeanConfidence(ocr.value(), turned, pdpi);
    if (after < as_is + o.verify_margin) {
      page.info.orientation_note = "declined: OSD says turned " + std::to_string(turn) + " degrees (confidence " + Fixed(conf, 2) +
                                   "), but text reads better as it is (word confidence " + Fixed(as_is, 1) + " vs " +
                                   Fixed(after, 1) + ")";
      return Status::Ok();
    }
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
      {"lang", &OrientOptions::lang, "language that verifies a proposed turn (set by --lang)", ""},
      {"verify_margin", &OrientOptions::verify_margin, "word confidence a turned patch must gain over the page as it is", "points"},
  };
  return MakeStageInfo<OrientOptions>("orient", "turns the page upright (Tesseract OSD: 0/90/180/270); declines when unsure",
                                      DataKind::kImage, DataKind::kImage, fields, OrientPage);
}

}  // namespace ocrflow::ocr
