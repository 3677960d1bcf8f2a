// The ONNX Runtime route of the second recognizer (ppocr.h): a node process
// running stages/ocr/ppocr_worker.js (ONNX Runtime from npm onnxruntime-node,
// one thread) on the original PP-OCRv4 rec model, fed one line at a time.
//
// Why a process: ONNX Runtime runs the model at ~47 ms of CPU a 640-px line
// against OpenCV 4.6's ~110 ms (bench/ppocr/README.md), and the only build
// of it Debian 12 can get is the one inside the npm package, with a Node.js
// binding. The worker is started with
//   node WORKER MODEL KEYS      (NODE_PATH=<model dir>/node_modules)
// in its own process group (a Ctrl-C to ocrflow's terminal does not reach
// it), its stdin and stdout one end of a socket pair, stderr a pipe whose
// last lines go into error messages. The protocol is at the top of
// ppocr_worker.js: a request carries a line already resized to height 48
// (BGR bytes) and its padded width; the reply is one text line with the
// confidence and the text of the worker's greedy CTC (ctc.h's rules).
//
// Failure: every call has a deadline; a worker that does not answer in
// time, closes its end, exits or answers garbage is killed (SIGKILL) and
// reaped, and the call returns an error (the caller decides whether to
// start another). Writes use MSG_NOSIGNAL: a dead worker is an EPIPE, never
// a SIGPIPE for ocrflow. Every descriptor is close-on-exec, so one thread's
// worker never holds another's socket open; the worker exits when its stdin
// ends (ocrflow closed it or died).
//
// Thread safety: one thread at a time per worker.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "pipeline/core/status.h"
#include "stages/ocr/ctc.h"

namespace ocrflow::ocr {

struct PpOcrWorkerCommand {
  std::string node;          // absolute path of the node binary
  std::string script;        // ppocr_worker.js
  std::string model;         // rec-original.onnx
  std::string keys;          // keys.txt
  std::string node_modules;  // NODE_PATH
};

class PpOcrWorker {
 public:
  // Starts the process; the model loads in it while the first Read waits.
  static Result<std::unique_ptr<PpOcrWorker>> Start(const PpOcrWorkerCommand& command);

  // Closes the worker's stdin, gives it a second to exit, then kills it;
  // always reaps it.
  ~PpOcrWorker();
  PpOcrWorker(const PpOcrWorker&) = delete;
  PpOcrWorker& operator=(const PpOcrWorker&) = delete;

  // Reads one line: `resized` CV_8UC3, height PpOcrRecognizer::kHeight,
  // padded by the worker to `padded_width` (>= its width). An error means
  // the worker is gone (killed and reaped); `chars` of the reading are empty
  // (the worker sends text and confidence only).
  Result<CtcReading> Read(const cv::Mat& resized, int padded_width, std::chrono::milliseconds timeout);

  // The process id, while it runs (-1 after a failure): for tests.
  pid_t pid() const { return pid_; }

 private:
  PpOcrWorker() = default;
  Status Fail(const std::string& what);  // kills, reaps, returns the error with the worker's stderr
  void DrainStderr();
  void KillAndReap();

  pid_t pid_ = -1;
  int socket_ = -1;  // our end: requests out, replies in
  int stderr_ = -1;  // read end of the worker's stderr
  std::string stderr_tail_;
  std::string reply_;  // bytes read past the last reply line
  uint32_t next_id_ = 1;
  int exit_status_ = -1;
};

}  // namespace ocrflow::ocr
