// line_cer: the crop set of issue 15. Every text line of the OmniDocBench
// pages in ../shared/eval (not ours, never committed) is cropped by its
// ground-truth box (each `text_span` of `line_with_spans`, padded by a sixth
// of its height as stages/ocr/ocr.cpp pads a line for PP-OCR) and read by
// Tesseract (`chi_sim` or `eng` by the page's language, PSM 7, one thread)
// and by PP-OCR (ppocr.h: ONNX Runtime worker when installed, else OpenCV).
// CER per engine = edits / ground-truth characters, micro-averaged, on the
// canonical form of `ocrflow eval` (NFKC, whitespace removed).
//
//   cmake --build build --target ppocr_line_cer      (not built by default)
//   OCRFLOW_PPOCR_MODELS=models/ppocr build/bench/ppocr_line_cer [DIR] [--out LINES.tsv]
//
// DIR: default ../shared/eval/real/omnidocbench_demo (from the current
// directory); exits 0 with a note when it is absent. Groups, as in
// OCR_NOTES.md: "zh clean" (the printed book and report pages),
// "zh e-paper" (≈10 px characters; its ground truth has OCR errors of its
// own), "zh light on dark" (61569294), "zh blurry scan" (the textbook), "en".
// Prints per group: lines, ground-truth characters, CER and wall ms per line
// for each engine; --out writes one row per line (group, page, box, both
// readings, the ground truth).
#include <tesseract/baseapi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "pipeline/eval/eval.h"
#include "stages/ocr/engine.h"
#include "stages/ocr/ppocr.h"

namespace fs = std::filesystem;
using namespace ocrflow;

namespace {

std::string GroupOf(const std::string& stem, const std::string& language) {
  if (language == "english") return "en";
  if (stem.rfind("newspaper_", 0) == 0) return "zh e-paper";
  if (stem.find("61569294") != std::string::npos) return "zh light on dark";
  if (stem.rfind("jiaocai", 0) == 0) return "zh blurry scan";
  return "zh clean";
}

struct Tally {
  eval::Scores tess, ppocr;
  int lines = 0;
  double tess_ms = 0, ppocr_ms = 0;
};

double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "../shared/eval/real/omnidocbench_demo", out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "-h" || a == "--help") {
      std::printf("usage: ppocr_line_cer [DIR] [--out LINES.tsv]\n");
      return 0;
    } else dir = a;
  }
  if (!fs::is_directory(dir)) {
    std::printf("ppocr_line_cer: %s not found; skipped\n", dir.c_str());
    return 0;
  }
  auto rec = ocr::ThreadPpOcr(ocr::DefaultPpOcrDir());
  if (!rec.ok()) {
    std::fprintf(stderr, "ppocr_line_cer: %s\n", rec.status().ToString().c_str());
    return 1;
  }
  std::ofstream out;
  if (!out_path.empty()) {
    out.open(out_path);
    out << "group\tpage\tx\ty\tw\th\ttesseract\tppocr\tgold\n";
  }
  std::map<std::string, Tally> groups;
  std::vector<fs::path> pages;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  for (const fs::path& json_path : pages) {
    std::ifstream in(json_path);
    const nlohmann::json page = nlohmann::json::parse(in, nullptr, false);
    if (page.is_discarded()) continue;
    const std::string stem = json_path.stem().string();
    const cv::Mat image = cv::imread((json_path.parent_path() / (stem + ".jpg")).string(), cv::IMREAD_GRAYSCALE);
    if (image.empty()) continue;
    const std::string language = page["page_info"]["page_attribute"].value("language", "");
    const std::string group = GroupOf(stem, language);
    auto tess = ocr::ThreadEngine(group == "en" ? "eng" : "chi_sim");
    if (!tess.ok()) {
      std::fprintf(stderr, "ppocr_line_cer: %s\n", tess.status().ToString().c_str());
      return 1;
    }
    tesseract::TessBaseAPI* api = tess.value();
    api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    Tally& t = groups[group];
    for (const auto& det : page["layout_dets"]) {
      if (det.value("ignore", false) || !det.contains("line_with_spans")) continue;
      for (const auto& span : det["line_with_spans"]) {
        if (span.value("category_type", "") != "text_span" || !span.contains("poly")) continue;
        const std::string gold = span.value("text", "");
        const auto& p = span["poly"];
        if (gold.empty() || p.size() < 8) continue;
        double x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1;
        for (size_t k = 0; k + 1 < p.size(); k += 2) {
          x0 = std::min(x0, p[k].get<double>()), x1 = std::max(x1, p[k].get<double>());
          y0 = std::min(y0, p[k + 1].get<double>()), y1 = std::max(y1, p[k + 1].get<double>());
        }
        const int h = static_cast<int>(y1 - y0), pad = std::max(1, h / 6);
        const cv::Rect r = cv::Rect(static_cast<int>(x0) - pad, static_cast<int>(y0) - pad,
                                    static_cast<int>(x1 - x0) + 2 * pad, h + 2 * pad) &
                           cv::Rect(0, 0, image.cols, image.rows);
        if (r.width < 4 || r.height < 4) continue;
        const cv::Mat crop = image(r).clone();
        auto t0 = std::chrono::steady_clock::now();
        api->SetImage(crop.data, crop.cols, crop.rows, 1, static_cast<int>(crop.step));
        api->SetSourceResolution(300);
        std::unique_ptr<char[]> raw(api->GetUTF8Text());
        std::string tess_text = raw ? raw.get() : "";
        auto t1 = std::chrono::steady_clock::now();
        auto read = (*rec)->Read(crop);
        auto t2 = std::chrono::steady_clock::now();
        const std::string pp_text = read.ok() ? read->text : "";
        eval::Accumulate(t.tess, eval::Evaluate(tess_text, gold));
        eval::Accumulate(t.ppocr, eval::Evaluate(pp_text, gold));
        t.tess_ms += Ms(t0, t1);
        t.ppocr_ms += Ms(t1, t2);
        ++t.lines;
        if (out.is_open()) {
          for (char& c : tess_text)
            if (c == '\n' || c == '\t') c = ' ';
          out << group << '\t' << stem << '\t' << r.x << '\t' << r.y << '\t' << r.width << '\t' << r.height << '\t'
              << tess_text << '\t' << pp_text << '\t' << gold << '\n';
        }
      }
    }
  }
  std::printf("PP-OCR backend: %s\n", (*rec)->backend());
  std::printf("%-18s %6s %8s %12s %12s %14s %14s\n", "group", "lines", "gold ch", "Tesseract %", "PP-OCR %",
              "Tess ms/line", "PP-OCR ms/line");
  for (const auto& [name, t] : groups) {
    std::printf("%-18s %6d %8zu %12.2f %12.2f %14.1f %14.1f\n", name.c_str(), t.lines, t.tess.gold_chars,
                100 * t.tess.cer, 100 * t.ppocr.cer, t.tess_ms / std::max(1, t.lines),
                t.ppocr_ms / std::max(1, t.lines));
  }
  return 0;
}
