// deskew_bench [N] [--own] [--keep DIR]: skew accuracy and speed of ours against
// Leptonica's pixFindSkewSweepAndSearch on N pages at angles spread over
// +-10 degrees, every other page with scan noise (gaussian noise, blur, specks,
// JPEG round trip).
//
// Pages come from ocrflow::pagegen::Generate when it is built; until then
// (or when it fails, or with --own) from the small renderer below: columns of our own
// hanzi/Latin lines set with Noto Serif CJK SC, a headline and sometimes a
// photo. Both finders see the same binary mask (our binarize stage).
//
// Prints one row per page and the summary: median and max absolute error,
// ms per page.
#include <leptonica/allheaders.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/pagegen/pagegen.h"
#include "stages/image/binarize.h"
#include "stages/image/deskew.h"

namespace {

constexpr const char* kFont = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr int kFontFaceSc = 2;  // Simplified Chinese face in the collection

// Frequent hanzi, one per entry (UTF-8, three bytes each).
const char kHanzi[] =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
    "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公"
    "无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将";

struct RenderSpec {
  int width = 2480, height = 3508;  // A4 at 300 dpi
  int columns = 3;
  int glyph = 40;  // body glyph height, pixels
  bool latin = false;
  bool photo = false;
  uint64_t seed = 1;
};

std::string RandomHanziLine(std::mt19937_64& rng, int count) {
  const int n = static_cast<int>(sizeof(kHanzi) - 1) / 3;
  std::string s;
  for (int i = 0; i < count; ++i) {
    if (i > 3 && rng() % 13 == 0) {
      s += (rng() % 3 == 0) ? "。" : "，";
      continue;
    }
    const int k = static_cast<int>(rng() % n);
    s.append(kHanzi + 3 * k, 3);
  }
  return s;
}

std::string RandomLatinLine(std::mt19937_64& rng, int chars) {
  static const char* kWords[] = {"the", "city", "council", "said", "on", "monday", "that", "new", "parks",
                                 "would", "open", "next", "spring", "after", "years", "of", "planning", "and",
                                 "residents", "welcomed", "plan", "budget", "river", "bridge", "school", "market"};
  std::string s;
  while (static_cast<int>(s.size()) < chars) {
    if (!s.empty()) s += ' ';
    s += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
  }
  return s.substr(0, chars);
}

// A clean (unskewed) page: headline across the columns, body columns of
// justified lines with paragraph ends, maybe a photo in the first column.
cv::Mat RenderPage(const RenderSpec& spec, cv::freetype::FreeType2& ft) {
  std::mt19937_64 rng(spec.seed);
  cv::Mat page(spec.height, spec.width, CV_8UC3, cv::Scalar::all(255));  // FreeType2 draws on BGR only
  const int margin = spec.width / 12, gap = spec.glyph;
  const int col_w = (spec.width - 2 * margin - (spec.columns - 1) * gap) / spec.columns;
  const int head_h = spec.glyph * 2;
  ft.putText(page, spec.latin ? RandomLatinLine(rng, 28) : RandomHanziLine(rng, 12),
             cv::Point(margin, margin + head_h), head_h, cv::Scalar::all(0), -1, cv::LINE_AA, true);
  const int top = margin + 2 * head_h, pitch = spec.glyph * 3 / 2;
  for (int c = 0; c < spec.columns; ++c) {
    const int x0 = margin + c * (col_w + gap);
    int y = top + pitch;
    if (spec.photo && c == 0) {
      const int ph = std::min(col_w * 3 / 4, spec.height / 4);
      cv::Mat noise(ph / 8 + 1, col_w / 8 + 1, CV_8U);
      cv::randu(noise, 40, 220);
      cv::Mat tex;
      cv::resize(noise, tex, cv::Size(col_w, ph), 0, 0, cv::INTER_CUBIC);
      cv::cvtColor(tex, tex, cv::COLOR_GRAY2BGR);
      tex.copyTo(page(cv::Rect(x0, y, col_w, ph)));
      y += ph + pitch;
    }
    while (y < spec.height - margin) {
      int line_chars = col_w / (spec.latin ? spec.glyph / 2 : spec.glyph);
      const bool last = rng() % 6 == 0;
      if (last) line_chars = std::max(2, static_cast<int>(line_chars * (rng() % 90) / 100));
      const std::string text = spec.latin ? RandomLatinLine(rng, line_chars) : RandomHanziLine(rng, line_chars);
      ft.putText(page, text, cv::Point(x0, y), spec.glyph, cv::Scalar::all(0), -1, cv::LINE_AA, true);
      y += pitch;
    }
  }
  cv::Mat gray;
  cv::cvtColor(page, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

cv::Mat Rotate(const cv::Mat& page, double degrees) {
  cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(0.5f * (page.cols - 1), 0.5f * (page.rows - 1)), degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(page, out, m, page.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT, cv::Scalar(255));
  return out;
}

cv::Mat ScanNoise(const cv::Mat& page, uint64_t seed) {
  cv::theRNG().state = seed;
  cv::Mat f;
  page.convertTo(f, CV_32F);
  cv::GaussianBlur(f, f, cv::Size(0, 0), 0.8);
  cv::Mat noise(f.size(), CV_32F);
  cv::randn(noise, 0, 12);
  f += noise;
  cv::Mat out;
  f.convertTo(out, CV_8U);
  cv::Mat specks(out.size(), CV_8U);
  cv::randu(specks, 0, 2000);
  out.setTo(0, specks == 0);
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", out, jpeg, {cv::IMWRITE_JPEG_QUALITY, 60});
  return cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
}

// 1 bpp PIX, 1 = ink, from a mask with 0 = ink.
PIX* ToPix1(const cv::Mat& mask) {
  PIX* pix = pixCreate(mask.cols, mask.rows, 1);
  l_uint32* data = pixGetData(pix);
  const int wpl = pixGetWpl(pix);
  for (int y = 0; y < mask.rows; ++y) {
    const unsigned char* m = mask.ptr<unsigned char>(y);
    l_uint32* line = data + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < mask.cols; ++x)
      if (m[x] == 0) line[x >> 5] |= 0x80000000u >> (x & 31);
  }
  return pix;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  int n = 20;
  std::string keep_dir;
  bool own = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--keep" && i + 1 < argc) keep_dir = argv[++i];
    else if (a == "--own") own = true;
    else n = std::max(1, std::atoi(argv[i]));
  }
  setMsgSeverity(L_SEVERITY_NONE);
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(kFont, kFontFaceSc);

  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> angle_dist(-9.8, 9.8);
  std::vector<double> our_err, lep_err, our_ms, lep_ms;
  int declined = 0, lep_failed = 0;
  bool used_pagegen = false;
  std::printf("%4s %-5s %-5s %8s %8s %6s %8s %6s %8s\n", "page", "src", "noise", "true", "ours", "conf", "lept",
              "lconf", "err");
  for (int i = 0; i < n; ++i) {
    const double truth = (i == 0) ? 0.0 : angle_dist(rng);
    const bool noisy = i % 2 == 1;
    cv::Mat scan;
    const char* src = "own";
    ocrflow::pagegen::PageSpec ps;
    ps.seed = 1000 + i;
    ps.lang = i % 3 == 2 ? "en" : "zh";
    ps.columns = 2 + i % 4;
    ps.skew_degrees = truth;
    if (noisy) {
      ps.noise = 12;
      ps.blur = 0.8;
      ps.jpeg_quality = 60;
      ps.uneven_light = 0.3;
    }
    auto gen = own ? ocrflow::Result<ocrflow::pagegen::GeneratedPage>(ocrflow::Status(ocrflow::Code::kInternal, "own"))
                   : ocrflow::pagegen::Generate(ps);
    if (gen.ok() && !gen->image.empty()) {
      scan = gen->image;
      if (scan.channels() == 3) cv::cvtColor(scan, scan, cv::COLOR_BGR2GRAY);
      src = "pgen";
      used_pagegen = true;
    } else {
      RenderSpec rs;
      rs.seed = ps.seed;
      rs.columns = ps.columns;
      rs.latin = ps.lang == "en";
      rs.photo = i % 4 == 3;
      rs.glyph = 34 + static_cast<int>(rng() % 14);
      scan = Rotate(RenderPage(rs, *ft), truth);
      if (noisy) scan = ScanNoise(scan, ps.seed);
    }
    if (!keep_dir.empty()) cv::imwrite(keep_dir + "/page" + std::to_string(i) + ".png", scan);

    ocrflow::image::BinarizeOptions bo;
    cv::Mat mask = ocrflow::image::Binarize(scan, bo).mask;

    auto t0 = std::chrono::steady_clock::now();
    ocrflow::image::SkewEstimate est = ocrflow::image::FindSkew(mask);
    auto t1 = std::chrono::steady_clock::now();

    PIX* pix = ToPix1(mask);
    l_float32 langle = 0, lconf = 0;
    auto t2 = std::chrono::steady_clock::now();
    const l_ok bad = pixFindSkewSweepAndSearch(pix, &langle, &lconf, 4, 2, 10.0f, 1.0f, 0.01f);
    auto t3 = std::chrono::steady_clock::now();
    pixDestroy(&pix);

    const double err = est.degrees - truth;
    // Leptonica reports the angle to rotate clockwise to deskew, which is
    // our skew angle (text rotated counter-clockwise) with the same sign.
    const double lerr = langle - truth;
    if (est.found && est.confidence >= ocrflow::image::DeskewOptions{}.min_confidence) our_err.push_back(std::abs(err));
    else ++declined;
    if (bad == 0) lep_err.push_back(std::abs(lerr));
    else ++lep_failed;
    our_ms.push_back(Ms(t1 - t0));
    lep_ms.push_back(Ms(t3 - t2));
    std::printf("%4d %-5s %-5s %8.3f %8.3f %6.3f %8.3f %6.2f %8.3f %s\n", i, src, noisy ? "yes" : "no", truth,
                est.degrees, est.confidence, langle, lconf, err, est.found ? "" : est.note.c_str());
    std::fflush(stdout);
  }
  std::printf("\npages: %d (%s), ours declined: %d, leptonica failed: %d\n", n,
              used_pagegen ? "pagegen" : "own renderer", declined, lep_failed);
  std::printf("ours       median |err| %.4f  max |err| %.4f  median ms/page %.1f\n", Median(our_err),
              our_err.empty() ? 0.0 : *std::max_element(our_err.begin(), our_err.end()), Median(our_ms));
  std::printf("leptonica  median |err| %.4f  max |err| %.4f  median ms/page %.1f\n", Median(lep_err),
              lep_err.empty() ? 0.0 : *std::max_element(lep_err.begin(), lep_err.end()), Median(lep_ms));
  return 0;
}
