#include "stages/ocr/ppocr.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <opencv2/imgproc.hpp>

namespace fs = std::filesystem;

namespace ocrflow::ocr {

Result<std::unique_ptr<PpOcrRecognizer>> PpOcrRecognizer::Load(const std::string& dir) {
  if (Status st = CheckPpOcr(dir); !st.ok()) return st;
  auto rec = std::unique_ptr<PpOcrRecognizer>(new PpOcrRecognizer());
  const std::string keys = (fs::path(dir) / "keys.txt").string();
  std::ifstream in(keys);
  if (!in) return Status(Code::kNotFound, keys + ": cannot be read");
  rec->labels_.push_back("");  // CTC blank
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rec->labels_.push_back(line);
  }
  rec->labels_.push_back(" ");
  if (rec->labels_.size() < 3) return Status(Code::kInvalidArgument, keys + ": no characters in it");
  const std::string model = (fs::path(dir) / "rec.onnx").string();
  try {
    rec->net_ = cv::dnn::readNetFromONNX(model);
  } catch (const cv::Exception& e) {
    return Status(Code::kInvalidArgument, model + ": not a model OpenCV can load (" + e.err + "); run scripts/ppocr/fetch-models.sh");
  }
  if (rec->net_.empty()) return Status(Code::kInvalidArgument, model + ": OpenCV loaded an empty network");
  std::ifstream v(fs::path(dir) / "VERSION");
  if (!v || !std::getline(v, rec->version_)) rec->version_ = "PP-OCRv4 rec";
  return rec;
}

Result<CtcReading> PpOcrRecognizer::Read(const cv::Mat& line) {
  if (line.empty() || line.rows < 2 || line.cols < 2) return CtcReading{};
  cv::Mat bgr;
  if (line.channels() == 1) cv::cvtColor(line, bgr, cv::COLOR_GRAY2BGR);
  else bgr = line;
  const int w = std::clamp(static_cast<int>(std::ceil(static_cast<double>(kHeight) * bgr.cols / bgr.rows)), 1, kMaxWidth);
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(w, kHeight), 0, 0, cv::INTER_LINEAR);
  const int padded = (w + kWidthStep - 1) / kWidthStep * kWidthStep;
  const int shape[4] = {1, 3, kHeight, padded};
  cv::Mat blob(4, shape, CV_32F, cv::Scalar(0));
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < kHeight; ++y) {
      const unsigned char* s = resized.ptr<unsigned char>(y);
      float* d = blob.ptr<float>(0, c) + static_cast<size_t>(y) * padded;
      for (int x = 0; x < w; ++x) d[x] = s[x * 3 + c] * (2.f / 255.f) - 1.f;
    }
  }
  cv::Mat out;
  try {
    net_.setInput(blob);
    out = net_.forward();
  } catch (const cv::Exception& e) {
    return Status(Code::kInternal, "PP-OCR could not read a line of " + std::to_string(line.cols) + "x" +
                                       std::to_string(line.rows) + " px: " + e.err);
  }
  // [1, steps, classes]
  if (out.dims != 3 || out.size[0] != 1 || out.type() != CV_32F)
    return Status(Code::kInternal, "PP-OCR: unexpected output shape from the model");
  return GreedyCtc(out.ptr<float>(), out.size[1], out.size[2], labels_);
}

std::string DefaultPpOcrDir() {
  if (const char* env = std::getenv("OCRFLOW_PPOCR_MODELS"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build/ocrflow, build/bench/x, build-asan/ocrflow_tests: models/ppocr
    // of the tree the build directory is in.
    for (fs::path d = exe.parent_path(); !d.empty() && d != d.root_path(); d = d.parent_path()) {
      const fs::path candidate = d / "models" / "ppocr";
      if (fs::exists(candidate / "rec.onnx", ec)) return candidate.string();
    }
  }
#ifdef OCRFLOW_SOURCE_DIR
  return (fs::path(OCRFLOW_SOURCE_DIR) / "models" / "ppocr").string();
#else
  return "models/ppocr";
#endif
}

Status CheckPpOcr(const std::string& dir) {
  for (const char* name : {"rec.onnx", "keys.txt"}) {
    const fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) == 0)
      return Status(Code::kNotFound, "PP-OCR model missing: " + p.string() + " (scripts/ppocr/fetch-models.sh installs it)");
  }
  return Status::Ok();
}

Result<PpOcrRecognizer*> ThreadPpOcr(const std::string& dir) {
  struct Slot {
    std::unique_ptr<PpOcrRecognizer> rec;
    Status error;
  };
  thread_local std::map<std::string, Slot> slots;
  auto it = slots.find(dir);
  if (it == slots.end()) {
    Slot slot;
    auto loaded = PpOcrRecognizer::Load(dir);
    if (loaded.ok()) slot.rec = std::move(loaded).value();
    else slot.error = loaded.status();
    it = slots.emplace(dir, std::move(slot)).first;
  }
  if (!it->second.rec) return it->second.error;
  return it->second.rec.get();
}

}  // namespace ocrflow::ocr
