#include "stages/image/layout/components.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "stages/image/ink_components.h"
#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {

bool Ink::ObstacleBetween(int x0, int x1, int y0, int y1) const {
  if (y1 <= y0) return false;
  cv::Rect gap(x0, y0, x1 - x0, y1 - y0);
  for (const auto* list : {&rules.horizontal, &photos, &pictures})
    for (const cv::Rect& r : *list)
      if (OverlapX(r, gap) > 0 && OverlapY(r, gap) > 0) return true;
  for (const auto* list : {&frames, &grids})
    for (const cv::Rect& f : *list)
      for (const cv::Rect& r : FrameSides(f, 1))
        if (OverlapX(r, gap) > 0 && OverlapY(r, gap) > 0) return true;
  return false;
}

bool Ink::JoinCrossesPhoto(const cv::Rect& a, const cv::Rect& b, int slack) const {
  auto covers = [&](const cv::Rect& r, const cv::Rect& p) { return OverlapX(r, p) > slack && OverlapY(r, p) > slack; };
  const cv::Rect hull = Hull(a, b);
  for (const cv::Rect& p : photos)
    if (covers(hull, p) && !covers(a, p) && !covers(b, p)) return true;
  return false;
}

std::vector<Component> FindComponents(const cv::Mat& mask, const std::vector<cv::Rect>& photos) {
  // No label image: a 200-Mpixel page's would be 800 MB (ink_components.h).
  cv::Mat stats, centroids;
  const int n = InkComponents(mask, 128, &stats, &centroids);
  std::vector<Component> comps;
  comps.reserve(n);
  for (int i = 1; i < n; ++i) {
    Component c;
    c.r = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                   stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    c.area = stats.at<int>(i, cv::CC_STAT_AREA);
    cv::Point center(c.r.x + c.r.width / 2, c.r.y + c.r.height / 2);
    bool in_photo = false;
    for (const cv::Rect& p : photos)
      if (p.contains(center)) in_photo = true;
    if (in_photo) continue;
    comps.push_back(c);
  }
  return comps;
}

void ClassifyComponents(std::vector<Component>& comps, double em, const LayoutOptions& o) {
  for (Component& c : comps) {
    int w = c.r.width, h = c.r.height;
    int longer = std::max(w, h), shorter = std::max(1, std::min(w, h));
    c.kind = Kind::kText;
    if (longer < o.speck_em * em) {
      c.kind = Kind::kSpeck;
    } else if (longer >= o.rule_min_em * em && longer >= o.rule_aspect * shorter) {
      c.kind = Kind::kRule;
    } else if (w >= kPictureMinEm * em && h >= kPictureMinEm * em) {
      c.kind = Kind::kPicture;  // a photo left in the mask, a frame, a box around text
    }
  }
}

std::array<cv::Rect, 4> FrameSides(const cv::Rect& f, int thick) {
  const int tx = std::clamp(thick, 1, std::max(1, f.width)), ty = std::clamp(thick, 1, std::max(1, f.height));
  return {cv::Rect(f.x, f.y, f.width, ty), cv::Rect(f.x, Bottom(f) - ty, f.width, ty), cv::Rect(f.x, f.y, tx, f.height),
          cv::Rect(Right(f) - tx, f.y, tx, f.height)};
}

std::vector<cv::Rect> Pictures(const std::vector<Component>& comps) {
  std::vector<cv::Rect> out;
  for (const Component& c : comps)
    if (c.kind == Kind::kPicture) out.push_back(c.r);
  return out;
}

}  // namespace ocrflow::image::layout
