// `ocrflow run`: page images in, clean paragraphs out.
//
//   inputs (files; a directory = every page image/PDF under it, sorted)
//     -> decode (pipeline/io/decode.h), one Page per image page
//     -> image stages (binarize, orient, deskew, layout) -> ocr -> text stages
//     -> OUTDIR/<name>.txt (one paragraph per line) and <name>.json
//
// Pages run in parallel on `jobs` worker threads, each with its own
// Tesseract engine. A worker decodes the next input only when no decoded
// page is waiting, so memory holds about one input's pages plus one page
// per worker. One bad input or page never stops the others: it is reported
// (file, page, reason) and counted, and the run goes on.
//
// Outputs are written atomically (temporary name + rename). With
// `debug_dir`, every stage's debug images are written there as
// <name>-p<page>-<image name>.png.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/app/manifest.h"
#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"
#include "pipeline/formats/pdf.h"
#include "pipeline/io/decode.h"

namespace ocrflow {

class PageChain;

// ServeWorker's fault-injection hooks (app/worker.h; set only in the test
// build ocrflow_faulty), for the worker processes `run --isolate` and the
// watch daemon fork.
struct WorkerHooks {
  std::function<void(const std::string& source)> before_input;
  std::function<void(const std::string& source, int page, const std::string& stage)> before_stage;
  // > 0: a worker's start-up bound (s) in place of kWorkerStartupSeconds,
  // so that a test sees a worker that hangs in its start-up killed soon.
  double startup_timeout = 0;
  // > 0: a worker's CPU time bound for a page (s) in place of
  // WorkerCpuSeconds(), so that a test sees a worker that spins killed by
  // it before the wall clock's bound.
  double cpu_seconds = 0;
  // > 0: how long past its page timeout a worker that shows no progress
  // is given before it is killed (s), in place of WorkerGraceSeconds(), so
  // that a test of a page that times out inside a stage (its worker alive)
  // does not race the kill on a loaded machine.
  double grace_seconds = 0;
};

struct RunOptions {
  std::vector<std::string> inputs;
  std::string out_dir;
  int jobs = 0;                                   // 0 = number of cores
  std::string debug_dir;                          // empty = no debug images
  bool write_txt = true;
  bool write_json = false;
  // Archive formats (pipeline/formats/, docs/formats.md), each file beside
  // the .txt: <name>.alto.xml, <name>.hocr, <name>.pdf.
  bool write_alto = false;
  bool write_hocr = false;
  bool write_pdf = false;
  // PAGE XML, a file per page: <name>.page.xml, or <name>-p<N>.page.xml for
  // each page of a multi-page input (PageXmlFiles()).
  bool write_page = false;
  std::vector<std::string> stages;                // empty = DefaultPageStages()
  std::map<std::string, StageSettings> settings;  // stage -> option -> value
  io::LoadOptions load;
  bool progress = false;                          // a progress bar on stderr
  // A line per page to the run's log: the input, the page, the process that
  // read it (run --isolate: a worker process's pid) and when, in seconds
  // since the run started.
  bool verbose = false;
  const std::atomic<bool>* cancel = nullptr;
  // Seconds one page may take, decoding included (RunContext::deadline);
  // past it the page stops at its stage's next check and is reported as
  // timed out (stderr, and the JSON's "timed_out"). 0 = no bound.
  double page_timeout = 300;
  // run --isolate: each page in a worker process (app/worker.h) with this
  // address-space limit (MB, RLIMIT_AS; 0 = none), killed page_timeout +
  // WorkerGraceSeconds() after its last sign of progress.
  bool isolate = false;
  long long memory_limit_mb = 0;
  std::string worker_exe;  // the ocrflow binary to run as a worker ("" = this one)
  WorkerHooks worker_hooks;  // given to the worker processes forked from this one
  // Cluster runs (app/manifest.h, docs/cluster.md). `shard`: only the inputs
  // whose path below the input root falls in shard K of N. `manifest`: a
  // line per input in OUTDIR/<shard.ManifestName()>, appended as each input
  // finishes, sorted by source at the end. `resume` (implies manifest): an
  // input that manifest records as done from the same SHA-256, its outputs
  // in place, is not run again (its line is kept).
  Shard shard;
  bool manifest = false;
  bool resume = false;
  std::string lang = "auto";  // for the manifest: the --lang the run was given
  // Called as a stage starts on page `page` of `pages` (RunContext::on_stage;
  // a worker process tells its parent). Not passed to worker processes.
  std::function<void(int page, int pages, const std::string& stage)> on_stage;
};

// One input's outcome.
struct InputReport {
  std::string source;
  std::string rel;     // path below the input root: the manifest's source
  std::string sha256;  // of the bytes read ("" when they could not be read)
  std::string txt_path, json_path;  // written outputs ("" if none)
  std::vector<std::string> archive_paths;  // .alto.xml, .hocr, .pdf written
  int pages = 0;
  int failed_pages = 0;
  std::vector<std::string> errors;  // "file: page N: reason" or "file: reason"
  // For manifests and summaries.
  size_t characters = 0;
  size_t paragraphs = 0;
  double mean_confidence = 0;
  double seconds = 0;
  int timed_out_pages = 0;
  std::vector<double> skew_degrees;  // per page read
};

struct RunReport {
  std::vector<InputReport> inputs;
  size_t other_shards = 0;  // inputs left to the other shards (--shard)
  size_t resumed = 0;       // inputs done before, not run again (--resume)
  int pages = 0;
  int failed_pages = 0;
  int failed_inputs = 0;
  double seconds = 0;
};

// Registers every built-in stage once (idempotent): orient, the image
// stages, ocr, the text stages, in the order of the default chain.
void RegisterBuiltinStages();

// Image stages, OCR, then the text chain.
std::vector<std::string> DefaultPageStages();

// Every page image or PDF under `dir` (recursive, sorted), by extension.
// Symbolic links are not followed (linked folders are not entered); links
// with a page file's name go to `links` when given, else are left out.
std::vector<std::string> ListPageFiles(const std::string& dir, std::vector<std::string>* links = nullptr);
bool LooksLikePageFile(const std::string& path);
// Whether an input whose first bytes are `head` may hold more than one
// page, by its format alone (nothing is decoded): a TIFF or a PDF.
bool MayHoldManyPages(std::string_view head);

// Processes one input's bytes completely (decode + every page), on the
// calling thread; used by the watch daemon. Fails when the input cannot be
// decoded. Every page is reported to `on_page` (its number from 1, its
// outcome, seconds spent); `pages_out` receives the pages that succeeded,
// and those that timed out (ImageInfo::timed_out_stage set, no text).
using PageCallback = std::function<void(const Page& page, const Status& status, double seconds)>;
Status ProcessInputBytes(std::string_view bytes, const std::string& source, const RunOptions& options,
                         std::vector<Page>* pages_out, const PageCallback& on_page);

// Why a page of an input was not read. Counts, log lines and the daemon's
// decisions go by it, never by the wording of PageError::message, which is
// for people.
enum class PageFailure {
  kNotRead,   // it could not be decoded (over --max-megapixels, corrupt), or a stage failed on it
  kTimedOut,  // it ran out of --page-timeout (or ocr.call_timeout) inside a stage, its worker alive:
              // in the outputs flagged ("timed_out"), without text
  kLeftOut,   // its worker process died or was killed (a signal, for time, its memory limit) on
              // every try (ProcessPageByPage): not in the outputs
};
struct PageError {
  int page = 0;  // from 1
  PageFailure reason = PageFailure::kNotRead;
  std::string message;  // "page N: why", as `run` names it after the input's name
};

// One input processed completely and rendered, nothing written: what the
// watch daemon and a worker process (app/worker.h) produce.
struct InputOutcome {
  // Not ok: the input could not be decoded, was cancelled, or no page was
  // read (then the most telling page error: out of memory before the rest).
  Status status;
  std::string txt, json;  // the outputs RunOptions asks for ("" otherwise)
  std::string alto, hocr, pdf;  // the archive formats asked for ("" otherwise)
  // PAGE XML when asked for: (suffix, document) per page, PageXmlFiles().
  std::vector<std::pair<std::string, std::string>> page_xml;
  std::string pdf_error;  // why no PDF was made when one was asked for
  // Each page not read (timed out and left out included), in page order;
  // filled where the pages are assembled (AssembleInput), not sent back by
  // a worker process's whole-input answer.
  std::vector<PageError> page_errors;
  int pages = 0;          // pages read
  // Pages not read, by PageError::reason: failed_pages counts them all.
  int failed_pages = 0;
  int timed_out_pages = 0;  // PageFailure::kTimedOut, as `run` counts them
  // PageFailure::kLeftOut: given up after their worker process died on
  // every try (ProcessPageByPage); the input is not tried again as a whole.
  int left_out_pages = 0;
  size_t characters = 0;  // code points of the paragraphs
  size_t paragraphs = 0;
  double mean_confidence = 0;   // of every line read
  std::vector<double> skew_degrees;  // per page read
};

// One page's outcome as it finishes, for logs and as a sign of progress.
struct PageEvent {
  int number = 0;
  Status status;
  size_t characters = 0, paragraphs = 0;
  double skew_degrees = 0, confidence = 0, seconds = 0;
};

// The files one input's outputs are, as suffixes of its base name, in this
// order: ".txt", ".json", ".alto.xml", ".hocr", ".pdf", those `options`
// asks for (PAGE XML, a file per page whose names depend on the pages, is
// not among them: OutcomeFiles() adds it). `run`'s --resume check and the
// watch daemon's "unchanged" check use it.
std::vector<std::string> OutputSuffixes(const RunOptions& options);
// The rendered bytes of `outcome` that go to the file with `suffix` (one of
// OutputSuffixes()).
const std::string& OutputBytes(const InputOutcome& outcome, const std::string& suffix);
// Every file of `outcome`, (suffix, bytes), in the order they are written:
// OutputSuffixes(), then the PAGE XML documents. What `run --isolate` and
// the watch daemon write from a worker process's outcome.
std::vector<std::pair<std::string, const std::string*>> OutcomeFiles(const RunOptions& options,
                                                                     const InputOutcome& outcome);

// The event of page `number` (0: page.number) that ended with `status`
// after `seconds`.
PageEvent MakePageEvent(const Page& page, const Status& status, double seconds, int number = 0);

// One input's outcome from its pages, read one by one wherever (on the
// calling thread: ProcessInput; in worker processes: the watch daemon's
// multi-page inputs, app/worker.h): `pages` those read and those that timed
// out (flagged, without text), `page_status` each page's outcome in page
// order, `left_out` the numbers of those whose worker died on every try
// (ProcessPageByPage). Each page not read is named with its PageFailure
// (InputOutcome::page_errors): a failed page that is in `pages`, flagged
// (ImageInfo::timed_out_stage), timed out; one in `left_out` was left out;
// any other was not read. Repeated running lines dropped, every output
// RunOptions asks for rendered; the PDF embeds the images `image_of`
// gives. Not ok when no page was read (the most telling page error: out of
// memory before the rest).
InputOutcome AssembleInput(std::vector<Page> pages, const std::vector<Status>& page_status,
                           const std::set<int>& left_out, const std::string& source, const RunOptions& options,
                           const std::function<Result<formats::PdfImage>(const Page&)>& image_of);

// Pages one by one on the calling thread (ProcessInputBytes), repeated
// running lines dropped, outputs rendered. A page that timed out is in the
// JSON as a page with "timed_out": true and the stage, without text.
InputOutcome ProcessInput(std::string_view bytes, const std::string& source, const RunOptions& options,
                          const std::function<void(const PageEvent&)>& on_page);

// run --isolate reads each page in a worker process (app/worker.h): the
// worker opens the input (format, page count: OpenInputPages, the errors
// named as the in-process run names them) and reads one page of it as the
// in-process run does (RunOnePage); the parent assembles the input's pages
// and runs what spans them (running lines, the outputs), as it does for its
// own threads' pages.
Result<std::unique_ptr<io::PageDecoder>> OpenInputPages(std::string_view bytes, const io::LoadOptions& load);
struct WorkerPage {
  Status status;           // the page's outcome, as the in-process run has it
  bool has_page = false;   // false: it could not be decoded
  Page page;               // without its rasters
  bool has_image = false;  // RunOptions::write_pdf: the page's image as the PDF embeds it
  formats::PdfImage image;
  std::string image_error;  // why there is no image (the PDF is not written)
};
// The PDF's page images worker processes made (`images` by page number,
// each taken once), or why one could not be made (`errors`): an image_of
// for AssembleInput and run's PDF. Both maps must outlive it.
std::function<Result<formats::PdfImage>(const Page&)> WorkerPdfImages(std::map<int, formats::PdfImage>& images,
                                                                       const std::map<int, std::string>& errors);
WorkerPage RunOnePage(const PageChain& chain, io::PageDecoder& decoder, std::string_view bytes, const std::string& source,
                      int number, const RunOptions& options);

// The whole run. Fails only for usage problems (no inputs, the output
// directory cannot be made, a bad stage option); per-input problems are in
// the report.
// Call before starting `workers` threads that run pages. With one worker,
// every thread allocates from glibc's main arena (mallopt M_ARENA_MAX 1): a
// thread's own arena is a chain of 64 MB heaps, and a heap left empty when
// a page's buffers are freed is unmapped, so the next page faults it in
// again. On 8 English pages at --jobs 1: minor page faults 398k -> 123k,
// CPU 27.3 -> 23.4 s. Not with more workers: they would contend for that
// arena's lock (8 Chinese pages at --jobs 2: 21.5 -> 23.1 s wall).
void UseOneMallocArenaForOneWorker(int workers);

Result<RunReport> RunPages(const RunOptions& options, const std::function<void(const std::string&)>& log);

// Across the pages of one input: a short paragraph at the top or bottom of
// a page whose text (digits ignored: page numbers, dates) recurs at the top
// or bottom of at least half of the pages (and at least 3) is a running
// header or footer the layout did not catch; it moves to Page::dropped.
// Returns how many paragraphs were dropped.
int DropRepeatedRunningLines(std::vector<Page>& pages);

// Output renderings of one input's pages.
std::string RenderPagesText(const std::vector<Page>& pages);
// ALTO XML 4 and hOCR of the pages (pipeline/formats/), boxes in the
// original image's pixels; `source`: the input's file name.
std::string RenderPagesAlto(const std::vector<Page>& pages, const std::string& source);
std::string RenderPagesHocr(const std::vector<Page>& pages, const std::string& source);
// PAGE XML: one document per page, with the suffix of its file below the
// input's base name: ".page.xml" when there is one page, else
// "-p<N>.page.xml" (N the page's number in the input).
std::vector<std::pair<std::string, std::string>> PageXmlFiles(const std::vector<Page>& pages, const std::string& source);
// The searchable PDF: `input` the input's bytes (a JPEG is embedded as
// is), `decoder` gives the other pages' pixels again; `tessdata` where
// Tesseract's pdf.ttf is.
Result<std::string> RenderPagesPdf(const std::vector<Page>& pages, std::string_view input, io::PageDecoder& decoder,
                                   const std::string& tessdata);
std::string RenderPagesJson(const std::vector<Page>& pages, const std::string& source);

}  // namespace ocrflow
