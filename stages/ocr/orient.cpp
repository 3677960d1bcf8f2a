#include "stages/ocr/orient.h"

#include <cmath>
#include <algorithm>
#include <numeric>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "pipeline/core/geometry.h"
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

// Word confidences of Tesseract on `patch` (PSM_SINGLE_BLOCK): their mean
// and median, -1 when nothing is read.
struct Confidence {
  double mean = -1, median = -1;
};
Confidence WordConfidence(tesseract::TessBaseAPI* api, const cv::Mat& patch, int dpi) {
  cv::Mat p = patch.isContinuous() ? patch : patch.clone();
  api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api->SetImage(p.data, p.cols, p.rows, 1, static_cast<int>(p.step));
  api->SetSourceResolution(dpi);
  Confidence out;
  if (api->Recognize(nullptr) != 0) return out;
  int* confs = api->AllWordConfidences();
  std::vector<int> all;
  for (int* c = confs; c != nullptr && *c >= 0; ++c) all.push_back(*c);
  delete[] confs;
  api->Clear();
  if (all.empty()) return out;
  out.mean = std::accumulate(all.begin(), all.end(), 0.0) / all.size();
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  out.median = all[all.size() / 2];
  return out;
}

// Where the glyph-sized pieces of ink are, counted on a grid of kGlyphCell
// pixels. Window() is the window with the most of them, about a quarter of
// the page's width and a tenth of its height, and at least 16 x 5 glyphs
// (transposed with `tall`, for a patch read after a quarter turn): a few
// lines of body text, enough to read and quick to recognise. Counting
// glyph-sized components rather than ink keeps the window off dark borders
// and rules (one big component) and off photos (few pieces of a glyph's
// size).
class GlyphGrid {
 public:
  static constexpr int kGlyphCell = 8;

  explicit GlyphGrid(const cv::Mat& gray) : size_(gray.size()) {
    cv::Mat ink, labels, stats, centroids;
    cv::threshold(gray, ink, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    std::vector<int> heights;
    for (int i = 1; i < n; ++i) {
      const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (stats.at<int>(i, cv::CC_STAT_AREA) >= 4 && h < gray.rows / 20) heights.push_back(h);
    }
    cv::Mat count((gray.rows + kGlyphCell - 1) / kGlyphCell, (gray.cols + kGlyphCell - 1) / kGlyphCell, CV_32F,
                  cv::Scalar(0));
    if (!heights.empty()) {
      std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
      const double med = heights[heights.size() / 2];
      glyph_ = med;
      for (int i = 1; i < n; ++i) {
        const int longer = std::max(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        if (longer < 0.5 * med || longer > 3 * med || stats.at<int>(i, cv::CC_STAT_AREA) < 4) continue;
        count.at<float>(static_cast<int>(centroids.at<double>(i, 1)) / kGlyphCell,
                        static_cast<int>(centroids.at<double>(i, 0)) / kGlyphCell) += 1;
      }
    }
    cv::integral(count, integral_, CV_64F);
  }

  cv::Rect Window(bool tall) const {
    // At least a few lines of a dozen glyphs on a small page.
    const int across = std::max(64, static_cast<int>(16 * glyph_)), down = std::max(64, static_cast<int>(5 * glyph_));
    int w = std::max(size_.width / (tall ? 10 : 4), tall ? down : across);
    int h = std::max(size_.height / (tall ? 4 : 10), tall ? across : down);
    w = std::min(w, size_.width), h = std::min(h, size_.height);
    const int cw = std::max(1, w / kGlyphCell), ch = std::max(1, h / kGlyphCell);
    const int gw = integral_.cols - 1, gh = integral_.rows - 1;
    cv::Rect best(0, 0, w, h);
    double best_sum = -1;
    for (int y = 0; y + ch <= gh; y += std::max(1, ch / 4)) {
      for (int x = 0; x + cw <= gw; x += std::max(1, cw / 4)) {
        double sum = integral_.at<double>(y + ch, x + cw) - integral_.at<double>(y, x + cw) -
                     integral_.at<double>(y + ch, x) + integral_.at<double>(y, x);
        if (sum > best_sum) best_sum = sum, best = cv::Rect(x * kGlyphCell, y * kGlyphCell, w, h);
      }
    }
    return best & cv::Rect(0, 0, size_.width, size_.height);
  }

 private:
  cv::Size size_;
  double glyph_ = 0;  // median height of the pieces of ink
  cv::Mat integral_;
};

}  // namespace

Status OrientPage(Page& page, const OrientOptions& o, const RunContext& ctx) {
  if (page.image.empty()) return Status(Code::kInvalidArgument, "orient: the page has no image");
  const bool trust = o.upright_confidence > 0 && o.upright_confidence <= 100;
  if (trust && ctx.orientation_checked_by_ocr) {
    // The OCR stage confirms it (pipeline/app/page_chain.h): no patch read here.
    page.info.orientation = 0;
    page.info.orientation_check = o.upright_confidence;
    page.info.orientation_note = "upright: taken as upright until the OCR shows otherwise";
    return Status::Ok();
  }
  auto engine = ThreadEngine("osd", o.tessdata);
  if (!engine.ok()) {
    page.info.orientation_note = "declined: " + engine.status().message();
    return Status::Ok();
  }
  tesseract::TessBaseAPI* api = engine.value();
  cv::Mat gray = image::View(page.image);
  const double dpi = page.info.dpi > 0 ? page.info.dpi : 300;
  const int pdpi = static_cast<int>(dpi + 0.5);
  // Most pages arrive upright, and a patch of upright text reads well: then
  // OSD (about a sixth of a page's OCR time) is not needed. The median word
  // confidence, since the words cut by the patch's edges read badly
  // whichever way the page is turned.
  // Under --lang auto the patch is read with both models at once, as
  // before auto existed: a patch has no blocks to tell apart.
  auto ocr = ThreadEngine(o.lang == "auto" ? "chi_sim+eng" : o.lang, o.tessdata);
  // Built when a patch is first needed: not at all when OSD alone decides.
  std::optional<GlyphGrid> grid;
  auto glyphs = [&]() -> const GlyphGrid& {
    if (!grid) grid.emplace(gray);
    return *grid;
  };
  // OSD on the page reduced to work_dpi: the turn and the script.
  int deg = 0;
  float conf = 0;
  auto osd = [&]() {
    cv::Mat work;
    double f = std::min(1.0, o.work_dpi / dpi);
    if (f < 1) cv::resize(gray, work, cv::Size(), f, f, cv::INTER_AREA);
    else work = gray;
    if (!work.isContinuous()) work = work.clone();
    api->SetPageSegMode(tesseract::PSM_OSD_ONLY);
    api->SetImage(work.data, work.cols, work.rows, 1, static_cast<int>(work.step));
    api->SetSourceResolution(static_cast<int>(dpi * f + 0.5));
    float script_conf = 0;
    const char* script = nullptr;
    bool ok = api->DetectOrientationScript(&deg, &conf, &script, &script_conf);
    api->Clear();
    if (ok && script != nullptr) {
      page.info.script = script;
      page.info.script_confidence = script_conf;
    }
    return ok;
  };
  Confidence upright;
  if (ocr.ok() && trust) {
    upright = WordConfidence(ocr.value(), gray(glyphs().Window(false)), pdpi);
    if (upright.median >= o.upright_confidence) {
      page.info.orientation = 0;
      const std::string patch = "upright: a text patch reads at median word confidence " + Fixed(upright.median, 0) +
                                " >= " + Fixed(o.upright_confidence, 0);
      page.info.orientation_note = patch + " (OSD not run)";
      // The page's script is wanted all the same (the page's text read
      // badly): OSD for it, its turn not taken (the patch decided).
      if (ctx.script_wanted && osd() && !page.info.script.empty())
        page.info.orientation_note = patch + " (OSD run for the script only: " + page.info.script + ")";
      return Status::Ok();
    }
  }
  const bool ok = osd();
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
  page.info.orientation_note = "turned " + std::to_string(turn) + " degrees: OSD confidence " + Fixed(conf, 2);
  // Check the proposal by reading a patch both ways.
  if (ocr.ok()) {
    // Each read on a patch that is wide the way it is read.
    cv::Mat turned;
    cv::rotate(gray(glyphs().Window(turn != 180)), turned,
               turn == 90 ? cv::ROTATE_90_CLOCKWISE : turn == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    double as_is = (upright.mean >= 0 ? upright : WordConfidence(ocr.value(), gray(glyphs().Window(false)), pdpi)).mean;
    double after = WordConfidence(ocr.value(), turned, pdpi).mean;
    if (after < as_is + o.verify_margin) {
      page.info.orientation_note = "declined: OSD says turned " + std::to_string(turn) + " degrees (confidence " + Fixed(conf, 2) +
                                   "), but text reads better as it is (word confidence " + Fixed(as_is, 1) + " vs " +
                                   Fixed(after, 1) + ")";
      return Status::Ok();
    }
    page.info.orientation_note += ", a text patch reads at word confidence " + Fixed(after, 1) + " turned vs " +
                                  Fixed(as_is, 1) + " as it is";
  }
  page.info.steps.push_back(TurnStep(turn, page.image.width, page.image.height));
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
      {"upright_confidence", &OrientOptions::upright_confidence,
       "median confidence at which the body lines (when the ocr stage follows) or else a text patch, read as the page is, take it as upright without OSD (0: always run OSD)",
       "points"},
  };
  return MakeStageInfo<OrientOptions>("orient", "turns the page upright (Tesseract OSD: 0/90/180/270); declines when unsure",
                                      DataKind::kImage, DataKind::kImage, fields, OrientPage);
}

}  // namespace ocrflow::ocr
