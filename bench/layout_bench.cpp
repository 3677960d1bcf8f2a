// Layout accuracy and speed on generated pages (bench/pagegen): for each page
// (2-5 columns, zh and en, with and without photo) the mask is Otsu of the
// upright page, and AnalyzeLayout's blocks are compared with the generator's
// ground-truth blocks:
//
//   recall     truth blocks covered by exactly one of our blocks (it holds
//              >= 90 % of the truth box and is >= 40 % that box)
//   precision  our blocks that stand for exactly one truth block
//   role       matched blocks with the truth role
//   order      consecutive truth blocks (both matched) that are consecutive
//              in our order too (what reflow's joins need), and all pairs in
//              the same relative order
//   columns    pages where the column count is right
//   ms/page    AnalyzeLayout wall time, median over pages
//
// usage: layout_bench [pages=24] [seed=1] [debug_dir]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/pagegen/pagegen.h"
#include "stages/image/layout.h"

using namespace ocrflow;

namespace {

double Area(const Box& b) { return static_cast<double>(b.w) * b.h; }
double Inter(const Box& a, const Box& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  return x1 > x0 && y1 > y0 ? static_cast<double>(x1 - x0) * (y1 - y0) : 0;
}
bool Covers(const Box& ours, const Box& truth) {
  double i = Inter(ours, truth);
  return i >= 0.9 * Area(truth) && i >= 0.4 * Area(ours);
}

}  // namespace

int main(int argc, char** argv) {
  int pages = argc > 1 ? std::atoi(argv[1]) : 24;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  std::string debug_dir = argc > 3 ? argv[3] : "";

  long truth_n = 0, truth_hit = 0, ours_n = 0, ours_hit = 0, role_hit = 0;
  long succ_n = 0, succ_hit = 0, pair_n = 0, pair_hit = 0;
  int col_ok = 0;
  std::vector<double> ms;
  for (int i = 0; i < pages; ++i) {
    pagegen::PageSpec spec;
    spec.seed = seed + i;
    spec.lang = i % 2 ? "en" : "zh";
    spec.columns = 2 + (i / 2) % 4;
    spec.photo = (i / 8) % 2 == 0;
    spec.articles = 2 + (i % 3 == 0);
    auto page = pagegen::Generate(spec);
    if (!page.ok()) {
      std::fprintf(stderr, "pagegen: %s\n", page.status().ToString().c_str());
      return 1;
    }
    cv::Mat gray = page->image;
    if (gray.channels() == 3) cv::cvtColor(gray, gray, cv::COLOR_BGR2GRAY);
    cv::Mat mask;
    cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    auto t0 = std::chrono::steady_clock::now();
    image::LayoutResult r = image::AnalyzeLayout(mask, page->photos, spec.dpi, {});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());

    const auto& truth = page->blocks;
    std::vector<int> match(truth.size(), -1);
    std::vector<int> covers(r.blocks.size(), 0);
    int page_hit = 0;
    for (size_t t = 0; t < truth.size(); ++t) {
      int count = 0;
      for (size_t b = 0; b < r.blocks.size(); ++b)
        if (Covers(r.blocks[b].box, truth[t].box)) {
          ++count;
          ++covers[b];
          match[t] = static_cast<int>(b);
        }
      if (count != 1) match[t] = -1;
      if (match[t] >= 0) {
        ++page_hit;
        if (r.blocks[match[t]].role == truth[t].role) ++role_hit;
      }
    }
    truth_n += truth.size();
    truth_hit += page_hit;
    ours_n += r.blocks.size();
    for (int c : covers) ours_hit += c == 1;
    for (size_t t = 1; t < truth.size(); ++t) {
      if (match[t - 1] < 0 || match[t] < 0) continue;
      ++succ_n;
      succ_hit += match[t] == match[t - 1] + 1;
    }
    for (size_t t = 0; t < truth.size(); ++t)
      for (size_t u = t + 1; u < truth.size(); ++u) {
        if (match[t] < 0 || match[u] < 0) continue;
        ++pair_n;
        pair_hit += match[t] < match[u];
      }
    col_ok += r.columns == spec.columns;
    std::printf("page %2d %s %d cols photo %d: truth %zu ours %zu matched %d columns %d\n", i, spec.lang.c_str(),
                spec.columns, spec.photo ? 1 : 0, truth.size(), r.blocks.size(), page_hit, r.columns);
    if (!debug_dir.empty()) {
      cv::Mat overlay = image::DrawLayout(gray, page->photos, r);
      for (const auto& t : truth)
        cv::rectangle(overlay, cv::Rect(t.box.x, t.box.y, t.box.w, t.box.h), cv::Scalar(0, 200, 255), 1);
      cv::imwrite(debug_dir + "/layout-" + std::to_string(i) + ".png", overlay);
    }
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [](long a, long b) { return b ? 100.0 * a / b : 0.0; };
  std::printf("\n%d pages: recall %.1f %% (%ld/%ld)  precision %.1f %% (%ld/%ld)  role %.1f %%\n", pages,
              pct(truth_hit, truth_n), truth_hit, truth_n, pct(ours_hit, ours_n), ours_hit, ours_n,
              pct(role_hit, truth_hit));
  std::printf("order: successors %.1f %% (%ld/%ld)  pairs %.1f %%   columns right on %d/%d pages\n",
              pct(succ_hit, succ_n), succ_hit, succ_n, pct(pair_hit, pair_n), col_ok, pages);
  std::printf("AnalyzeLayout: %.1f ms/page median, %.1f max (dpi %d)\n", ms[ms.size() / 2], ms.back(),
              pagegen::PageSpec{}.dpi);
  return 0;
}
