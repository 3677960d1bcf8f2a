// DrawLayout (declared in stages/image/layout.h): the debug overlay of a
// layout result, "30-layout" in --debug-dir.
#include <algorithm>
#include <string>

#include <opencv2/imgproc.hpp>

#include "stages/image/layout.h"
#include "stages/image/layout/geometry.h"

namespace ocrflow::image {

using layout::ToRect;

cv::Mat DrawLayout(const cv::Mat& gray, const std::vector<Box>& photos, const LayoutResult& result) {
  cv::Mat out;
  if (gray.channels() == 1)
    cv::cvtColor(gray, out, cv::COLOR_GRAY2BGR);
  else
    out = gray.clone();
  // Fade the page so the overlay stands out.
  out = out * 0.5 + cv::Scalar(127, 127, 127);
  for (const Box& p : photos) {
    cv::Rect r = ToRect(p);
    cv::rectangle(out, r, cv::Scalar(120, 120, 120), 2);
    for (int d = 0; d < r.width + r.height; d += 40)
      cv::line(out, {r.x + std::min(d, r.width), r.y + std::max(0, d - r.width)},
               {r.x + std::max(0, d - r.height), r.y + std::min(d, r.height)}, cv::Scalar(160, 160, 160), 1);
  }
  for (const Box& r : result.rules) cv::rectangle(out, ToRect(r), cv::Scalar(128, 128, 128), cv::FILLED);
  for (const Box& g : result.gutters) cv::rectangle(out, ToRect(g), cv::Scalar(200, 200, 0), 2);
  // A figure (a photo with its labels, which are not read) in dashed purple.
  for (const Box& f : result.figures) {
    const cv::Rect r = ToRect(f);
    const cv::Point corners[] = {{r.x, r.y}, {r.x + r.width, r.y}, {r.x + r.width, r.y + r.height}, {r.x, r.y + r.height}};
    for (int k = 0; k < 4; ++k) {
      const cv::Point a = corners[k], b = corners[(k + 1) % 4];
      const double len = std::max(1.0, cv::norm(b - a));
      for (double t = 0; t < len; t += 24)
        cv::line(out, a + (b - a) * (t / len), a + (b - a) * (std::min(len, t + 12) / len), cv::Scalar(160, 0, 120), 3);
    }
  }
  // A ruled table (its text not read) crossed out in purple.
  for (const Box& g : result.grids) {
    const cv::Rect r = ToRect(g);
    cv::rectangle(out, r, cv::Scalar(160, 0, 120), 3);
    cv::line(out, r.tl(), r.br(), cv::Scalar(160, 0, 120), 2);
    cv::line(out, {r.x, r.y + r.height}, {r.x + r.width, r.y}, cv::Scalar(160, 0, 120), 2);
  }
  auto colour = [](Role role) {
    switch (role) {
      case Role::kHeadline: return cv::Scalar(0, 0, 220);          // red
      case Role::kSubheadline: return cv::Scalar(0, 120, 220);     // orange
      case Role::kByline: return cv::Scalar(200, 0, 200);          // magenta
      case Role::kCaption: return cv::Scalar(0, 160, 0);           // green
      case Role::kPullQuote: return cv::Scalar(0, 160, 160);       // olive
      case Role::kInset: return cv::Scalar(40, 80, 140);           // brown
      case Role::kRunningHeader:
      case Role::kRunningFooter: return cv::Scalar(100, 100, 100);  // grey
      default: return cv::Scalar(220, 90, 0);                      // blue
    }
  };
  const int thick = std::max(2, static_cast<int>(result.em / 12));
  const double scale = std::max(0.6, result.em / 22);
  for (size_t i = 0; i < result.blocks.size(); ++i) {
    const LayoutBlock& b = result.blocks[i];
    cv::Rect r = ToRect(b.box);
    cv::Scalar c = colour(b.role);
    cv::rectangle(out, r, c, thick);
    if (b.role == Role::kRunningHeader || b.role == Role::kRunningFooter) {
      cv::line(out, {r.x, r.y + r.height / 2}, {r.x + r.width, r.y + r.height / 2}, c, thick);
      cv::line(out, {r.x, r.y}, {r.x + r.width, r.y + r.height}, c, thick);
    }
    std::string label = std::to_string(i + 1);
    if (b.column >= 0) label += " c" + std::to_string(b.column);
    if (b.article >= 0) label += " a" + std::to_string(b.article);
    int base = 0;
    cv::Size ts = cv::getTextSize(label, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &base);
    cv::Point org(r.x + thick, r.y + ts.height + thick);
    cv::rectangle(out, cv::Rect(org.x - 2, org.y - ts.height - 2, ts.width + 4, ts.height + base + 4), c, cv::FILLED);
    cv::putText(out, label, org, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), thick);
  }
  return out;
}

}  // namespace ocrflow::image
