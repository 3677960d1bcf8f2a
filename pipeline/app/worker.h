// Worker processes: one input (the watch daemon) or one page of an input
// (`run --isolate`) at a time in a child process, so that a segfault,
// abort, runaway allocation or hang inside Tesseract, Leptonica, OpenCV or
// poppler fails that input, or that page, only.
//
//   parent (watch daemon worker thread, run --isolate)      child
//     WorkerProcess::Start  -> fork + exec `ocrflow __worker` (ServeWorker)
//                           <-  "ready" once, as it starts serving
//     Process(bytes, options) ->  request  -> ProcessInput (page_job.h)
//                             <-  a "stage" line as each stage starts
//                             <-  one "page" line per page (progress)
//                             <-  "done" line + the outputs' bytes (txt,
//                                 json, alto, hocr, pdf, each PAGE document)
//     the parent writes the outputs (atomically): a child that dies leaves
//     nothing behind, and nothing half-written.
//   run --isolate and the watch daemon start their children by fork()
//   alone (ForkNow), before their threads start: a copy of the parent
//   serves the same requests, without exec'ing ocrflow again (loading and
//   relocating its ~150 libraries and their static initialisers: 0.2 s
//   CPU per worker).
//   run --isolate asks for pages instead (CountPages, ProcessPage):
//     {"kind": "count"}      ->  "done" with the input's page count
//     {"kind": "page", N}    ->  "stage" lines, "done" + the page (page_wire.h)
//     the parent assembles the input and writes its outputs.
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
//   start-up            Limits::startup_timeout: a child started anew says
//                       "ready" before its first request is sent, so its
//                       start (exec, the dynamic loader, static
//                       initialisers: 0.2-0.3 s CPU, far more on a loaded
//                       machine) is not in the first page's time. One
//                       that is not ready within the start-up bound is
//                       killed (kUnavailable, "did not start").
//   page deadline       Limits::page_timeout: the child bounds each page
//                       itself (RunContext::deadline); when it makes no
//                       progress for page_timeout + WorkerGraceSeconds()
//                       (counted from the request, sent once it is ready)
//                       it is killed (SIGKILL) and the input reported as
//                       timed out in the stage it last said it started.
//   CPU time            Limits::cpu_seconds (WorkerCpuSeconds): the soft
//                       RLIMIT_CPU of the child and of its children, set
//                       (prlimit) to what each used plus the bound as a
//                       request is sent and at each page: a child that
//                       spins dies by SIGXCPU even should the watchdog
//                       above be missed.
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
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/app/page_job.h"
#include "pipeline/core/status.h"

namespace ocrflow {

// How long a worker process started anew may take to say it is ready
// before it is killed: an `ocrflow __worker` starts in 0.2-0.3 s of CPU
// (the loader and ~150 libraries' initialisers), ready 0.09-0.12 s after
// its fork on the 2-core machine at load 4-7, 0.37-0.57 s capped at a
// quarter of a CPU; 60 s leaves room for a machine loaded 100 times over,
// and still ends a start that hangs (docs/watch.md).
constexpr double kWorkerStartupSeconds = 60;

struct WorkerLimits {
  double page_timeout = 300;      // s; 0 = no bound (nor on the start-up)
  long long memory_limit_mb = 0;  // RLIMIT_AS; 0 = none
  double startup_timeout = kWorkerStartupSeconds;  // s, from start to "ready"; with a page_timeout only
  double cpu_seconds = 0;  // s of CPU time a page (RLIMIT_CPU, WorkerCpuSeconds); 0 = no bound
  double grace_seconds = 0;  // s past page_timeout before a child without progress is killed; 0 = WorkerGraceSeconds()
};

// The limits of `run --isolate`'s and the daemon's worker processes: the
// start-up bound is kWorkerStartupSeconds, the CPU bound
// WorkerCpuSeconds() and the grace WorkerGraceSeconds() unless the test
// build's hooks set others (WorkerHooks::startup_timeout, cpu_seconds,
// grace_seconds).
WorkerLimits MakeWorkerLimits(double page_timeout, long long memory_limit_mb, const WorkerHooks& hooks);

// How long past the page timeout a child that shows no progress is given
// before it is killed: 10 % of it, 1 to 30 s.
double WorkerGraceSeconds(double page_timeout);

// The CPU time a child may use for a page (or between two pages): the
// page's wall-clock bound (page_timeout + grace) on every core this
// process may run on, so that it never fires before the wall clock's
// watchdog would; it kills (SIGXCPU) a child that spins should that
// watchdog be missed. 0 (none) when page_timeout is 0.
double WorkerCpuSeconds(double page_timeout);

// A worker process's /proc/PID/oom_score_adj (-1000..1000): the kernel's
// OOM killer takes the process with the highest score, so a worker (the one
// using most memory) goes before the daemon or `run` that started it, and
// before the machine's other processes; the PP-OCR helper inherits it.
constexpr const char* kWorkerOomScoreAdj = "1000";

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
  //   kUnavailable       it could not be started (fork, exec), or did not
  //                      say it was ready within the start-up bound: killed
  // An outcome of "out of memory" under a memory limit names the limit.
  Result<InputOutcome> Process(std::string_view bytes, const std::string& source, const RunOptions& options,
                               const std::function<void(const PageEvent&)>& on_page,
                               const std::atomic<bool>* cancel);

  // run's pages (page_job.h, RunOnePage): how many pages the input has, as
  // the child opened it; then page `page` (from 1) of `pages`, read in the
  // child and sent back whole (the Page, app/page_wire.h), for the parent to
  // assemble the input. `input` tells the inputs of a run apart: the bytes
  // of one input go to a child once, its next requests only name it. The
  // errors are Process()'s, about the child; the page's own outcome (read,
  // timed out in a stage, not decodable) is in WorkerPage::status.
  Result<int> CountPages(std::string_view bytes, const std::string& source, size_t input, const RunOptions& options,
                         const std::atomic<bool>* cancel);
  Result<WorkerPage> ProcessPage(std::string_view bytes, const std::string& source, size_t input, int page, int pages,
                                 const RunOptions& options, const std::atomic<bool>* cancel);

  // Starts the child now by fork() alone: a copy of this process serves
  // ServeWorker(hooks) with the limits and signals Start() gives an exec'd
  // one, every descriptor but its socket closed, and exits as `ocrflow
  // __worker` does (its PP-OCR helper reaped). fork() copies one thread,
  // so only a process that runs one thread may do it: otherwise (and under
  // AddressSanitizer, and with an `exe` of its own) kUnavailable, saying
  // why, and nothing is started: the first request execs the child as
  // usual. A child that dies is replaced by exec (Start), since by then
  // the caller runs threads.
  Status ForkNow(const WorkerHooks& hooks);

  pid_t pid() const { return pid_; }  // -1 when none runs (for tests and logs)
  // The child that answered (or died on) the last request: its pid stays
  // known after it is gone (for logs).
  pid_t served_pid() const { return served_pid_; }
  // After Process(): the page (from 1) a stage last started on, and how
  // many pages the input has; 0 when no stage started.
  int last_page() const { return last_page_; }
  int last_page_count() const { return last_page_count_; }
  // After a request that started the child anew (by exec): the seconds it
  // took from fork to "ready", outside the request's time bound (for
  // logs); -1 when the child was running before the request.
  double started_in() const { return started_in_; }
  // The log line for that ("worker process pid N: started by exec, ready
  // in X s"), or "" when the child was running before the request.
  std::string StartedLine() const;
  // Called as a child started by exec for a request is ready, before the
  // request is sent (started_in() and served_pid() are its): a log of
  // StartedLine() that misses none, as started_in() asked after a call
  // may (a call of ProcessPageByPage makes many requests).
  void set_on_started(std::function<void(const WorkerProcess&)> fn) { on_started_ = std::move(fn); }

 private:
  Status Start();
  // The child's soft RLIMIT_CPU, and its children's (the PP-OCR helper,
  // which inherited the child's when it was started), set to what each
  // used so far plus limits_.cpu_seconds: as a request is sent, and at
  // each page it reports. The kernel enforces it, whatever this process
  // does meanwhile.
  void BoundCpu();
  // Waits for the child's "ready" line (sent as ServeWorker starts), for
  // at most the start-up bound. Errors as Process() names them.
  Status AwaitReady(const std::atomic<bool>* cancel);
  void KillAndReap();
  std::string ReapAndDescribe();  // after its end of the socket closed
  // One request (`head`, then `bytes`) and its answer: the "done" line and
  // the bytes it announces; "stage" lines note where the child is, "page"
  // lines go to `on_page`. Errors as Process() names them.
  Status Exchange(const std::string& head, std::string_view bytes, const std::function<void(const PageEvent&)>& on_page,
                  const std::atomic<bool>* cancel, std::string* done_line, std::string* payload);
  // "out of memory" from a child under a memory limit: named with the
  // limit, and the child (which exits after saying so) reaped.
  Status NameOutOfMemory(Status status);
  std::string PageRequest(const char* kind, std::string_view bytes, const std::string& source, size_t input, int page,
                          const RunOptions& options, bool* send_bytes);

  std::string exe_;
  WorkerLimits limits_;
  pid_t pid_ = -1;
  int socket_ = -1;
  bool ready_ = false;  // the running child said "ready"
  double started_in_ = -1;
  int last_page_ = 0, last_page_count_ = 0;
  pid_t served_pid_ = -1;
  std::string cached_input_;  // the input whose bytes the child holds ("" none)
  std::function<void(const WorkerProcess&)> on_started_;
};

// How many threads this process runs (/proc/self/task; 0 when unknown).
int ThreadCount();

// `n` worker processes with `limits` (`exe` as WorkerProcess's), forked now
// (ForkNow): `run --isolate` and the watch daemon call it before their
// threads start. With `reflow` (the page chain reflows) the reflow stage's
// word list (/usr/share/dict/words, 20-40 ms a process) is loaded first and
// shared with the copies. `log`, when set, gets a line per process forked,
// or why the rest were not: those are exec'd at their first input.
std::vector<std::unique_ptr<WorkerProcess>> ForkWorkerProcesses(int n, const std::string& exe,
                                                                const WorkerLimits& limits, const WorkerHooks& hooks,
                                                                bool reflow,
                                                                const std::function<void(const std::string&)>& log);

// A page whose worker process died on it, or was killed (`why`, about the
// worker), as `run` and the watch daemon name it: "left out: <why>" for a
// page of an input of `pages` pages; for a one-page input `why` as it is
// (it is the input's failure), and a cancel as it is.
Status LeftOut(const Status& why, int pages);

// The watch daemon's inputs that may hold many pages (MayHoldManyPages):
// read page by page in `child`, as `run` reads them (CountPages, then
// ProcessPage for each page), and assembled here (AssembleInput), so that
// a page that kills its worker process costs that page only, and no other
// page is read twice. A page whose request fails (the child died, was
// killed for time, could not start) or that ran out of memory is asked
// again, of a child started anew, until `attempts` tries in all; then it
// is left out (LeftOut, "... (attempt N of N)"; InputOutcome::page_errors,
// left_out_pages) and the next page is read. `on_page` gets each page as it
// ends, `on_retry` each try that failed and is made again (page, reason,
// the try). Errors: the page count's, as Process() names them (about the
// child), and kCancelled.
//
// `journal`, when set, keeps the pages across a restart (the watch daemon's
// state database, docs/watch.md *Failure*): `keep` gets a record of each
// page as it ends (read, timed out, not decodable or left out) and of each
// failed try (its count), and a page whose record is in `kept` (by page
// number; taken out as it is used) is not asked for again: a finished one
// is assembled from its record, bit for bit what its worker sent, and one
// that had failed tries starts at the next try. A record made under other
// options or by another version of ocrflow, or that does not decode, is
// ignored (the page is read anew).
struct PageJournal {
  std::map<int, std::string> kept;
  std::function<void(int page, const std::string& record)> keep;
  // Once the pages are counted, when `kept` finishes some of them: how
  // many, of how many (for the log).
  std::function<void(int finished, int pages)> on_resume;
};
Result<InputOutcome> ProcessPageByPage(WorkerProcess& child, std::string_view bytes, const std::string& source,
                                       const RunOptions& options, int attempts,
                                       const std::function<void(const PageEvent&)>& on_page,
                                       const std::function<void(int page, const Status& why, int attempt)>& on_retry,
                                       const std::atomic<bool>* cancel, PageJournal* journal = nullptr);

// The child's side (`ocrflow __worker`): says "ready", then serves requests
// on stdin/stdout until stdin ends. `before_input` runs before each input is processed,
// with its source name, and `before_stage` as each stage starts on a page
// (fault injection in test builds). Returns the exit code.
int ServeWorker(const std::function<void(const std::string& source)>& before_input,
                const std::function<void(const std::string& source, int page, const std::string& stage)>& before_stage = {});

// "SIGSEGV (Segmentation fault)".
std::string SignalName(int sig);

}  // namespace ocrflow
