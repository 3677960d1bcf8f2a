#include "stages/image/rescale.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "pipeline/core/geometry.h"
#include "stages/image/raster_cv.h"

namespace ocrflow::image {

Status RescalePage(Page& page, const RescaleOptions& o) {
  if (page.image.empty()) return Status(Code::kInvalidArgument, "rescale: the page has no image");
  const double dpi = page.info.dpi;
  if (dpi <= 0 || dpi >= o.min_dpi) return Status::Ok();
  double f = std::min(o.max_factor, o.target_dpi / dpi);
  const double pixels = static_cast<double>(page.image.width) * page.image.height;
  f = std::min(f, std::sqrt(o.max_pixels / pixels));
  if (f <= 1.05) return Status::Ok();
  cv::Mat out;
  cv::resize(View(page.image), out, cv::Size(), f, f, cv::INTER_CUBIC);
  page.info.steps.push_back(ScaleStep(page.image.width, page.image.height, out.cols, out.rows));
  page.image = FromMat(out);
  if (!page.text_mask.empty()) {
    cv::Mat mask;
    cv::resize(View(page.text_mask), mask, page.image.width > 0 ? cv::Size(out.cols, out.rows) : cv::Size(), 0, 0,
               cv::INTER_NEAREST);
    page.text_mask = FromMat(mask);
  }
  page.info.scale *= f;
  page.info.dpi = dpi * f;
  char buf[96];
  std::snprintf(buf, sizeof buf, "upscaled %.2fx from %.0f dpi", f, dpi);
  page.warnings.push_back(buf);
  return Status::Ok();
}

StageInfo RescaleStageInfo() {
  std::vector<OptionField<RescaleOptions>> fields = {
      {"min_dpi", &RescaleOptions::min_dpi, "pages below this resolution are upscaled", "dpi"},
      {"target_dpi", &RescaleOptions::target_dpi, "resolution low pages are brought to", "dpi"},
      {"max_factor", &RescaleOptions::max_factor, "largest upscaling factor", "x"},
      {"max_pixels", &RescaleOptions::max_pixels, "never upscale beyond this many pixels", "pixels"},
  };
  return MakeStageInfo<RescaleOptions>(
      "rescale", "upscales low-resolution pages (under 150 dpi) towards 300 dpi before clean-up and OCR", DataKind::kImage,
      DataKind::kImage, fields, [](Page& page, const RescaleOptions& o, const RunContext&) { return RescalePage(page, o); });
}

}  // namespace ocrflow::image
