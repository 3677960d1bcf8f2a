#include "stages/ocr/ppocr.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <opencv2/imgproc.hpp>

#include "stages/text/utf8.h"

namespace fs = std::filesystem;

namespace ocrflow::ocr {

namespace {

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0;
}

// `name` on PATH, as an absolute path; empty when absent.
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t from = 0;
  for (;;) {
    const size_t colon = dirs.find(':', from);
    const std::string d = dirs.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
    if (!d.empty()) {
      const fs::path p = fs::absolute(fs::path(d) / name);
      if (access(p.c_str(), X_OK) == 0 && IsFile(p)) return p.string();
    }
    if (colon == std::string::npos) return "";
    from = colon + 1;
  }
}

// How to start the onnxruntime worker for `dir`, or why it cannot be.
Result<PpOcrWorkerCommand> OrtCommand(const std::string& dir, const PpOcrOptions& o) {
  if (o.backend == "opencv") return Status(Code::kNotFound, "backend opencv chosen");
  const fs::path d(dir);
  PpOcrWorkerCommand c;
  c.script = fs::absolute(d / "ppocr_worker.js").string();
  // The folded model when asked for and there (an install of before
  // fetch-models.sh made it has the original alone).
  c.model = fs::absolute(d / "rec-folded.onnx").string();
  if (o.model != "folded" || !IsFile(c.model)) c.model = fs::absolute(d / "rec-original.onnx").string();
  c.keys = fs::absolute(d / "keys.txt").string();
  c.node_modules = fs::absolute(d / "node_modules").string();
  for (const std::string& f : {c.model, c.script, c.node_modules + "/onnxruntime-node/package.json",
                               c.node_modules + "/onnxruntime-common/package.json"})
    if (!IsFile(f)) return Status(Code::kNotFound, "ONNX Runtime not installed: no " + f);
  if (!o.node.empty()) {
    if (access(o.node.c_str(), X_OK) != 0) return Status(Code::kNotFound, "node not found: " + o.node);
    c.node = fs::absolute(o.node).string();
  } else {
    c.node = OnPath("node");
    if (c.node.empty()) c.node = OnPath("nodejs");
    if (c.node.empty()) return Status(Code::kNotFound, "node not found on PATH");
  }
  return c;
}

// Height 48, the width scaled as the height times `squeeze` (at most
// kMaxWidth), 3-channel: what both backends read.
cv::Mat Resized(const cv::Mat& line, double squeeze) {
  cv::Mat bgr;
  if (line.channels() == 1) cv::cvtColor(line, bgr, cv::COLOR_GRAY2BGR);
  else bgr = line;
  const int h = PpOcrRecognizer::kHeight;
  const int w = PpOcrRecognizer::InputWidth(bgr.cols, bgr.rows, squeeze);
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
  return resized;
}

}  // namespace

bool HasDoubledCharacter(std::string_view text) {
  char32_t prev = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t c = text::NextCodePoint(text, i);
    if (c == prev && c != U' ') return true;
    prev = c;
  }
  return false;
}

int PpOcrRecognizer::InputWidth(int cols, int rows, double squeeze) {
  if (rows <= 0) return 1;
  return std::clamp(static_cast<int>(std::ceil(static_cast<double>(kHeight) * cols / rows * squeeze)), 1, kMaxWidth);
}

Result<std::unique_ptr<PpOcrRecognizer>> PpOcrRecognizer::Load(const std::string& dir, const PpOcrOptions& options) {
  if (options.backend != "auto" && options.backend != "opencv")
    return Status(Code::kInvalidArgument, "PP-OCR backend must be auto or opencv, not '" + options.backend + "'");
  if (options.model != "folded" && options.model != "original")
    return Status(Code::kInvalidArgument, "PP-OCR model must be folded or original, not '" + options.model + "'");
  if (!(options.squeeze >= 0.25 && options.squeeze <= 1.0))
    return Status(Code::kInvalidArgument, "PP-OCR squeeze must be in [0.25, 1], not " + std::to_string(options.squeeze));
  if (Status st = CheckPpOcr(dir); !st.ok()) return st;
  auto rec = std::unique_ptr<PpOcrRecognizer>(new PpOcrRecognizer());
  rec->dir_ = dir;
  rec->options_ = options;
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
  std::ifstream v(fs::path(dir) / "VERSION");
  if (!v || !std::getline(v, rec->version_)) rec->version_ = "PP-OCRv4 rec";
  auto ort = OrtCommand(dir, options);
  if (ort.ok()) {
    rec->ort_ = std::move(ort).value();
  } else {
    rec->not_ort_ = ort.status().message();
    if (Status st = rec->LoadNet(); !st.ok()) return st;
  }
  return rec;
}

Status PpOcrRecognizer::LoadNet() {
  if (!net_.empty()) return Status::Ok();
  const std::string model = (fs::path(dir_) / "rec.onnx").string();
  try {
    net_ = cv::dnn::readNetFromONNX(model);
  } catch (const cv::Exception& e) {
    return Status(Code::kInvalidArgument, model + ": not a model OpenCV can load (" + e.err + "); run scripts/ppocr/fetch-models.sh");
  }
  if (net_.empty()) return Status(Code::kInvalidArgument, model + ": OpenCV loaded an empty network");
  return Status::Ok();
}

std::string PpOcrRecognizer::version() const {
  if (ort_) return version_ + "; read with ONNX Runtime (" + fs::path(ort_->model).filename().string() + ", node worker)";
  return version_ + "; read with OpenCV dnn" + (not_ort_.empty() ? "" : " (" + not_ort_ + ")");
}

void PpOcrRecognizer::WorkerFailed(const Status& why) {
  worker_.reset();
  if (++worker_failures_ < 2) return;  // the next worker gets the line
  not_ort_ = "the ONNX Runtime worker failed twice: " + why.message();
  warning_ = "PP-OCR: " + not_ort_ + "; this thread reads with OpenCV from now on";
  ort_.reset();
}

Result<CtcReading> PpOcrRecognizer::Read(const cv::Mat& line) {
  auto read = ReadAt(line, options_.squeeze);
  if (!read.ok() || options_.squeeze >= 1 || !HasDoubledCharacter(read->text)) return read;
  return ReadAt(line, 1.0);
}

Result<CtcReading> PpOcrRecognizer::ReadAt(const cv::Mat& line, double squeeze) {
  if (line.empty() || line.rows < 2 || line.cols < 2) return CtcReading{};
  const cv::Mat resized = Resized(line, squeeze);
  const int w = resized.cols;
  const int padded = PaddedWidth(w);
  while (ort_) {
    if (!worker_) {
      auto started = PpOcrWorker::Start(*ort_);
      if (!started.ok()) {
        WorkerFailed(started.status());
        continue;
      }
      worker_ = std::move(started).value();
    }
    auto read = worker_->Read(resized, padded, std::chrono::milliseconds(options_.line_timeout_ms));
    if (read.ok()) {
      read->input_width = w;
      return read;
    }
    WorkerFailed(read.status());
  }
  if (Status st = LoadNet(); !st.ok()) return st;
  const int shape[4] = {1, 3, kHeight, padded};
  cv::Mat blob(4, shape, CV_32F, cv::Scalar(0));
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < kHeight; ++y) {
      const unsigned char* s = resized.ptr<unsigned char>(y);
      float* d = blob.ptr<float>(0, c) + static_cast<size_t>(y) * padded;
      // ppocr_worker.js computes the same in float32 (two roundings).
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
  CtcReading reading = GreedyCtc(out.ptr<float>(), out.size[1], out.size[2], labels_);
  reading.input_width = w;
  return reading;
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

Result<PpOcrRecognizer*> ThreadPpOcr(const std::string& dir, const PpOcrOptions& options) {
  struct Slot {
    std::unique_ptr<PpOcrRecognizer> rec;
    Status error;
  };
  thread_local std::map<std::string, Slot> slots;
  const std::string key = dir + '\0' + options.backend + '\0' + options.model + '\0' + options.node + '\0' +
                          std::to_string(options.line_timeout_ms) + '\0' + std::to_string(options.squeeze);
  auto it = slots.find(key);
  if (it == slots.end()) {
    Slot slot;
    auto loaded = PpOcrRecognizer::Load(dir, options);
    if (loaded.ok()) slot.rec = std::move(loaded).value();
    else slot.error = loaded.status();
    it = slots.emplace(key, std::move(slot)).first;
  }
  if (!it->second.rec) return it->second.error;
  return it->second.rec.get();
}

}  // namespace ocrflow::ocr
