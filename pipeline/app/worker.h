// Worker processes: one input at a time in a child process, so that a
// segfault, abort, runaway allocation or hang inside Tesseract, Leptonica,
// OpenCV or poppler fails that input only.
//
//   parent (watch daemon worker thread, run --isolate)      child
//     WorkerProcess::Start  -> fork + exec `ocrflow __worker` (ServeWorker)
//     Process(bytes, options) ->  request  -> ProcessInput (page_job.h)
//                             <-  a "stage" line as each stage starts
//                             <-  one "page" line per page (progress)
//                             <-  "done" line + the outputs' bytes (txt,
//                                 json, alto, hocr, pdf, each PAGE document)
//     the parent writes the outputs (atomically): a child that dies leaves
//     nothing behind, and nothing half-written.
//
// Protocol, over one socket pair (the child's stdin and stdout; the child
// moves its stdout to stderr so that a library's stray print cannot break
// it): every message is one JSON line, optionally followed by the number
// of raw bytes the line announces ("bytes"; "txt_bytes" ... "pdf_bytes",
// then "page_xml": [{"suffix", "bytes"}, ...] a PAGE document per page).
//
// Limits on the child:
//   RLIMIT_AS           Limits::memory_limit_mb (0 = none): an allocation
//                       past it fails (std::bad_alloc -> "out of memory",
//                       named with the limit) instead of waking the
//                       kernel's OOM killer for the whole service.
//   page deadline       Limits::page_timeout: the child bounds each page
//                       itself (RunContext::deadline); when it makes no
//                       progress for page_timeout + WorkerGraceSeconds()
//                       it is killed (SIGKILL) and the input reported as
//                       timed out in the stage it last said it started.
//   parent death        PR_SET_PDEATHSIG SIGKILL, and its stdin ends.
//   signals             SIGINT, SIGTERM, SIGHUP blocked: a Ctrl-C or a
//                       service stop reaches the parent, which decides.
// After an error the child is gone (or killed); the next Process() starts
// a new one.
//
// Thread safety: one thread at a time per WorkerProcess; several may run
// side by side (every descriptor is close-on-exec).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "pipeline/app/page_job.h"
#include "pipeline/core/status.h"

namespace ocrflow {

struct WorkerLimits {
  double page_timeout = 300;      // s; 0 = no bound
  long long memory_limit_mb = 0;  // RLIMIT_AS; 0 = none
};

// How long past the page timeout a child that shows no progress is given
// before it is killed: 10 % of it, 1 to 30 s.
double WorkerGraceSeconds(double page_timeout);

// The default RLIMIT_AS of a worker (MB). Measured VmPeak of a worker on
// the bundled pages: see docs/watch.md.
constexpr long long kDefaultWorkerMemoryMb = 4096;

class WorkerProcess {
 public:
  // `exe`: the ocrflow binary ("" = /proc/self/exe, this program).
  WorkerProcess(std::string exe, WorkerLimits limits) : exe_(std::move(exe)), limits_(limits) {}
  ~WorkerProcess();  // closes the child's stdin, kills it, reaps it
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Processes one input in the child (started when there is none). The
  // outcome is the child's, rendered outputs included. Errors are about the
  // child, and name what happened:
  //   kInternal          it died: "killed by SIGSEGV (Segmentation fault)",
  //                      "exited with status 1 without a result"
  //   kDeadlineExceeded  no progress for page_timeout + grace: killed
  //   kCancelled         `cancel` was set: killed
  //   kUnavailable       it could not be started (fork, exec)
  // An outcome of "out of memory" under a memory limit names the limit.
  Result<InputOutcome> Process(std::string_view bytes, const std::string& source, const RunOptions& options,
                               const std::function<void(const PageEvent&)>& on_page,
                               const std::atomic<bool>* cancel);

  pid_t pid() const { return pid_; }  // -1 when none runs (for tests and logs)
  // After Process(): the page (from 1) a stage last started on, and how
  // many pages the input has; 0 when no stage started.
  int last_page() const { return last_page_; }
  int last_page_count() const { return last_page_count_; }

 private:
  Status Start();
  void KillAndReap();
  std::string ReapAndDescribe();  // after its end of the socket closed

  std::string exe_;
  WorkerLimits limits_;
  pid_t pid_ = -1;
  int socket_ = -1;
  int last_page_ = 0, last_page_count_ = 0;
};

// The child's side (`ocrflow __worker`): serves requests on stdin/stdout
// until stdin ends. `before_input` runs before each input is processed,
// with its source name, and `before_stage` as each stage starts on a page
// (fault injection in test builds). Returns the exit code.
int ServeWorker(const std::function<void(const std::string& source)>& before_input,
                const std::function<void(const std::string& source, int page, const std::string& stage)>& before_stage = {});

// "SIGSEGV (Segmentation fault)".
std::string SignalName(int sig);

}  // namespace ocrflow
