// ocrflow command line: the thin top layer. Parses flags (CLI11), builds the
// job from the stage registry, and maps results to files and exit codes.
#include <malloc.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#if __has_include("pipeline/app/eval_cmd.h")
#include "pipeline/app/eval_cmd.h"
#define OCRFLOW_HAVE_EVAL 1
#endif
#include "pipeline/app/page_job.h"
#include "pipeline/formats/archive_reader.h"
#include "pipeline/app/text_job.h"
#include "pipeline/app/worker.h"
#include "pipeline/daemon/daemon.h"
#include "pipeline/io/atomic_file.h"
#include "pipeline/io/printable.h"
#include "pipeline/io/output_names.h"
#include "stages/ocr/engine.h"
#include "stages/text/register.h"
#include "stages/ocr/ocr.h"
#include "stages/ocr/ppocr.h"

namespace fs = std::filesystem;
using namespace ocrflow;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOutput = 3;

const char* kReflowFooter = R"(
Input: plain UTF-8 text as OCR or a web scrape produced it (hard-wrapped
lines, column breaks as blank lines, boilerplate). '-' or no FILE reads stdin.

Output contract: UTF-8, one paragraph per line, no blank lines, '\n' ends.
  one input            -> OUT (a file), OUT/<name> if OUT is a directory, or stdout;
                          an existing device or FIFO (-o /dev/null) is written
                          into, never replaced; other files are replaced
                          atomically (temporary file, fsync, rename)
  several inputs       -> -o DIR is required; each input's path below the
                          inputs' common folder: a/x.txt b/x.txt -> DIR/a/x.txt,
                          DIR/b/x.txt. Two inputs for one output, or an output
                          that is an input: exit 2 before anything is written
  --format json        -> per paragraph its role and source line range, and
                          every dropped piece with its reason (.json names)

Examples:
  ocrflow reflow page.txt                      # clean text to stdout
  ocrflow reflow scans/*.txt -o corpus/        # one output per input
  ocrflow reflow page.txt --explain -o /dev/null   # why each line joined or split
  ocrflow reflow page.txt --set reflow.short_gap=1.5 --format json

Tuning: every stage option can be set with --set STAGE.OPTION=VALUE;
`ocrflow stages` lists them with defaults and units.

Exit codes:
  0  every input was processed
  1  some inputs failed (each is named on stderr with the reason); the others
     were still written
  2  usage error: bad flag, bad option value, nothing to do
  3  an output could not be written (standard output included: a full disk
     behind `> file` is an error, not a silent cut))";

struct ReflowArgs {
  std::vector<std::string> inputs;
  std::string from = "text";  // text, alto, hocr, page
  std::string output;
  std::string format = "txt";
  bool explain = false;
  std::vector<std::string> sets;
  std::vector<std::string> stages;
  std::string boilerplate;
  bool lossy = false;
  size_t max_line_bytes = 8u << 20;
  bool quiet = false;
};

std::string DisplayName(const std::string& input) { return input == "-" ? "<stdin>" : input; }

Result<std::string> ReadInput(const std::string& input) {
  if (input != "-") return ReadFileBytes(input);
  std::ostringstream ss;
  ss << std::cin.rdbuf();
  return ss.str();
}

// Writes one output: "" is standard output; a descriptor path
// (/dev/stdout, /dev/fd/N) is written to that descriptor; an existing
// character device or FIFO (/dev/null, a named pipe) as a stream, never
// replaced; a symlink to a regular file replaces the file it names;
// anything else atomically (io/atomic_file.h). A failed write, a full disk
// on stdout included, is an error with the reason.
Status WriteOutput(const std::string& target, std::string_view data) {
  if (target.empty() || target == "-" || target == "/dev/stdout") {
    std::cout.flush();
    return io::WriteAll(STDOUT_FILENO, data, "standard output");
  }
  if (target == "/dev/stderr") return io::WriteAll(STDERR_FILENO, data, "standard error");
  for (const char* fd_dir : {"/dev/fd/", "/proc/self/fd/"}) {
    const std::string prefix = fd_dir;
    if (target.rfind(prefix, 0) == 0 && target.size() > prefix.size() &&
        target.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
      return io::WriteAll(std::atoi(target.c_str() + prefix.size()), data, target);
    }
  }
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return io::WriteToStream(target, data);
  }
  struct stat lst {};
  if (::lstat(target.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode) && S_ISREG(st.st_mode)) {
    std::error_code ec;
    const fs::path real = fs::canonical(target, ec);
    if (!ec) return io::WriteFileAtomic(real.string(), data);
  }
  return io::WriteFileAtomic(target, data);
}

int RunReflow(const ReflowArgs& args) {
  TextJobOptions jo;
  jo.stages = args.stages;
  // OCR with geometry, read back from ALTO or hOCR: the text stages of `run`.
  const bool archive = args.from != "text";
  if (archive && jo.stages.empty()) jo.stages = text::DefaultOcrTextStages();
  jo.decode.lossy = args.lossy;
  jo.decode.max_line_bytes = args.max_line_bytes;
  for (const auto& s : args.sets) {
    auto eq = s.find('=');
    auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
      std::cerr << "ocrflow reflow: --set '" << s << "': expected STAGE.OPTION=VALUE (see `ocrflow stages`)\n";
      return kExitUsage;
    }
    jo.settings[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = s.substr(eq + 1);
  }
  if (!args.boilerplate.empty()) jo.settings["boilerplate"]["extra_rules"] = args.boilerplate;
  auto job = TextJob::Build(jo);
  if (!job.ok()) {
    std::cerr << "ocrflow reflow: " << job.status().ToString() << "\n";
    return kExitUsage;
  }

  std::vector<std::string> inputs = args.inputs;
  if (inputs.empty()) {
    if (isatty(STDIN_FILENO)) {
      std::cerr << "ocrflow reflow: no input (give FILE... or pipe text to stdin; --help shows how)\n";
      return kExitUsage;
    }
    inputs.push_back("-");
  }
  const bool json = args.format == "json";
  bool out_is_dir = false, out_exists = false;
  if (!args.output.empty()) {
    std::error_code ec;
    out_exists = fs::exists(args.output, ec);
    out_is_dir = out_exists ? fs::is_directory(args.output, ec) : (inputs.size() > 1 || args.output.back() == '/');
  }
  if (inputs.size() > 1 && !out_is_dir) {
    std::cerr << "ocrflow reflow: " << inputs.size()
              << " inputs need -o DIR (a directory); each output is written to DIR/<input name>\n";
    return kExitUsage;
  }

  // Output names under -o DIR: each input's path below the inputs' common
  // folder (as `run` does), so a/x.txt and b/x.txt stay apart; two inputs
  // that would still share an output are refused before any work.
  std::vector<std::string> targets(inputs.size());
  if (out_is_dir) {
    std::vector<io::InputPath> files;
    for (const auto& in : inputs) {
      const std::string p = in == "-" ? std::string("stdin.txt") : in;
      files.push_back({p, fs::path(io::AbsoluteNormal(p)).parent_path().string()});
    }
    const auto rels = io::PathsBelowCommonFolder(files);
    for (size_t n = 0; n < inputs.size(); ++n) {
      fs::path name = rels[n];
      if (json) name.replace_extension(".json");
      targets[n] = (fs::path(args.output) / name).string();
    }
  } else if (!args.output.empty()) {
    targets[0] = args.output;
  }
  {
    std::vector<std::vector<std::string>> outputs;
    for (const auto& t : targets) outputs.push_back(t.empty() ? std::vector<std::string>{} : std::vector<std::string>{t});
    if (Status st = io::CheckOutputsApart(inputs, outputs); !st.ok()) {
      std::cerr << "ocrflow reflow: " << st.message() << "; nothing done\n";
      return kExitUsage;
    }
    std::error_code ec;
    if (out_is_dir && !out_exists && !fs::create_directories(args.output, ec) && ec) {
      std::cerr << "ocrflow reflow: " << args.output << ": cannot create directory: " << ec.message() << "\n";
      return kExitOutput;
    }
  }

  RunContext ctx;
  ctx.explain = args.explain || json;
  const bool progress = !args.quiet && inputs.size() > 1 && isatty(STDERR_FILENO);
  int failed = 0;
  bool output_error = false;
  for (size_t n = 0; n < inputs.size(); ++n) {
    const std::string& input = inputs[n];
    if (progress) std::cerr << "\r[" << n + 1 << "/" << inputs.size() << "] " << DisplayName(input) << "\033[K" << std::flush;
    auto bytes = ReadInput(input);
    if (!bytes.ok()) {
      if (progress) std::cerr << "\n";
      std::cerr << "ocrflow reflow: " << bytes.status().ToString() << "\n";
      ++failed;
      continue;
    }
    if (archive) {  // every page of the file, as `run` renders an input's pages
      auto read = args.from == "alto"   ? formats::ReadAlto(bytes.value())
                  : args.from == "hocr" ? formats::ReadHocr(bytes.value())
                                        : formats::ReadPageXml(bytes.value());
      Status st = read.status();
      for (size_t k = 0; read.ok() && st.ok() && k < read->size(); ++k) st = job->RunPage((*read)[k], ctx);
      if (!st.ok()) {
        if (progress) std::cerr << "\n";
        std::cerr << "ocrflow reflow: " << DisplayName(input) << ": " << st.message() << "\n";
        ++failed;
        continue;
      }
      DropRepeatedRunningLines(read.value());
      const std::string data = json ? RenderPagesJson(read.value(), DisplayName(input)) : RenderPagesText(read.value());
      if (!targets[n].empty() && out_is_dir) {
        std::error_code ec;
        fs::create_directories(fs::path(targets[n]).parent_path(), ec);
      }
      if (Status w = WriteOutput(targets[n], data); !w.ok()) {
        std::cerr << "ocrflow reflow: " << w.ToString() << "\n";
        output_error = true;
        if (targets[n].empty()) break;
      }
      continue;
    }
    auto page = job->Run(bytes.value(), ctx);
    if (!page.ok()) {
      if (progress) std::cerr << "\n";
      std::cerr << "ocrflow reflow: " << DisplayName(input) << ": " << page.status().message() << "\n";
      ++failed;
      continue;
    }
    if (!args.quiet) {
      for (const auto& w : page->warnings) std::cerr << "ocrflow reflow: " << DisplayName(input) << ": note: " << w << "\n";
    }
    if (args.explain) std::cerr << RenderExplain(page.value(), DisplayName(input));
    std::string data = json ? RenderJson(page.value(), DisplayName(input), args.explain) : RenderText(page.value());

    if (!targets[n].empty() && out_is_dir) {
      std::error_code ec;
      fs::create_directories(fs::path(targets[n]).parent_path(), ec);
    }
    Status st = WriteOutput(targets[n], data);
    if (!st.ok()) {
      if (progress) std::cerr << "\n";
      std::cerr << "ocrflow reflow: " << st.ToString() << "\n";
      output_error = true;
      if (targets[n].empty()) break;  // standard output is gone: no point going on
    }
  }
  if (progress) std::cerr << "\n";
  if (output_error) return kExitOutput;
  if (failed > 0) {
    if (inputs.size() > 1) {
      std::cerr << "ocrflow reflow: " << failed << " of " << inputs.size() << " inputs failed\n";
    }
    return kExitSomeFailed;
  }
  return kExitOk;
}

const char* kRunFooter = R"(
Inputs: PNG, JPEG, TIFF (every page), PNM, BMP, GIF, WebP, JP2 and PDF scans
(each PDF page rasterised at --pdf-dpi). The format is read from the content,
not the name. A directory means every page image under it (recursively;
hidden files skipped); outputs keep the relative path.

Outputs, one per input, named by its path below the inputs' common folder
with the extension dropped (scan.png -> OUTDIR/scan.txt; a/x.png b/x.png ->
OUTDIR/a/x.txt, OUTDIR/b/x.txt; a directory argument counts from itself).
Two inputs for one output (x.png and x.jpg side by side) stop the run with
exit 2 before any work; outputs are replaced atomically, never half-written.
  OUTDIR/<name>.txt   one paragraph per line, reading order, headlines, bylines
                      and captions as their own paragraphs, running headers and
                      footers dropped
  OUTDIR/<name>.json  with --format txt,json: per page the orientation, skew
                      angle and confidence, DPI, blocks (role, box, the model
                      that read it and why) in reading order, tables found
                      (box; not read as prose), figures (a photo with the
                      labels around it, box; labels not read), lines (box,
                      text, confidence), the body text's median line
                      confidence, paragraphs (role, source lines), what was
                      dropped and why, warnings
  OUTDIR/<name>.alto.xml  with --format alto: ALTO XML 4, one <Page> per page,
                      a TextBlock per paragraph (role as TAGREFS), TextLine,
                      String (CONTENT, WC, HPOS/VPOS/WIDTH/HEIGHT), SP
  OUTDIR/<name>.hocr  with --format hocr: hOCR (XHTML): ocr_page, ocr_carea,
                      ocr_par, ocr_line, ocrx_word with bbox and x_wconf
  OUTDIR/<name>.pdf   with --format pdf: searchable PDF, the page images (a
                      JPEG as it is) under an invisible text layer
  OUTDIR/<name>.page.xml  with --format page: PAGE XML (2019-07-15), a file
                      per page (<name>-p<N>.page.xml when the input has several)
  The archive formats hold the .txt's text exactly (words with their spaces,
  a paragraph per block), boxes in pixels of the image as given (before the
  turn, rescale and deskew); dropped pieces are not in them (docs/formats.md).

The chain (see `ocrflow stages`): binarize, orient, deskew, layout, ocr, then
the text stages of `ocrflow reflow`. Every option: --set STAGE.OPTION=VALUE.

Time and crashes: a page that runs past --page-timeout (default 300 s) stops,
is named on stderr and flagged in the JSON ("timed_out": true, with the
stage), without text; the run goes on. Every page runs in a worker process
(address space --memory-limit MB), the pages of an input shared among
--jobs of them as they would be among threads: a crash, a runaway
allocation or a hang there fails that page only, named with the signal or
the limit (and the stage, for a hang), and the run goes on. The workers are
forked from `run` as it starts (not started anew: no second loading of the
libraries), so this costs about what threads cost: within 5 % of CPU and
wall on the sets in docs/watch.md. --no-isolate (or --in-process) reads the
pages on threads of this process instead, as --debug-dir does: the same
outputs, byte for byte, but a crash there ends the run.

Clusters (docs/cluster.md): N processes on N machines, each with
--shard K/N (K from 0 to N-1), share one corpus: an input belongs to shard
SHA-256(its path below the input root) mod N, so each is run exactly once and
adding files moves none. Give the corpus as one directory so that root stays
put. Each shard writes its outputs and OUTDIR/manifest.K-of-N.jsonl (one
line per input: source, sha256, output, status "done" or "failed", pages,
characters, ...); `ocrflow manifest merge OUTDIR` joins them into
manifest.jsonl and names missing shards and duplicated inputs. --resume
skips every input the manifest records as done from the same SHA-256 with
its outputs in place: a rerun of a killed shard does only what is missing.
  ocrflow run scans/ -o corpus/ --shard 0/4         # shard 0 of 4 (one of 0/4 1/4 2/4 3/4)
  ocrflow run scans/ -o corpus/ --shard 0/4 --resume  # again after a kill: only the rest
  ocrflow run scans/ -o corpus/ --manifest          # one machine: corpus/manifest.jsonl
  ocrflow manifest merge corpus/                    # corpus/manifest.jsonl from the shards
  sbatch --array=0-3 scripts/slurm/ocrflow-array.sbatch scans/ corpus/

Examples:
  ocrflow run scan.png -o out/                       # out/scan.txt
  ocrflow run scans/ -o corpus/ --jobs 2 --format txt,json
  ocrflow run page.tif -o out/ --lang eng --debug-dir dbg/   # look at dbg/*.png
  ocrflow run old.pdf -o out/ --set ocr.upscale_below_dpi=300
  # columns set a hair apart (pre-1900 papers); the older band model of
  # articles (each headline owns what lies under it down to the next)
  ocrflow run paper/ -o out/ --set layout.slim_gutter_em=0.5
  ocrflow run paper/ -o out/ --set layout.flow_articles=false

Bad inputs (zero bytes, truncated, not an image, over the pixel limit) are
reported one line each with the file and the reason; the other inputs and
pages are still processed.

Exit codes:
  0  every page of every input was processed
  1  some inputs or pages failed (each named on stderr); the rest were written
  2  usage error: bad flag or option value, no inputs, unknown language
  3  the output directory could not be created or written
  130 interrupted (Ctrl-C, SIGTERM): finished inputs are written, the rest not)";

struct RunArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string lang = "auto";
  std::string engine = "auto";
  int jobs = 0;
  std::string debug_dir;
  std::vector<std::string> formats{"txt"};
  std::vector<std::string> sets;
  std::vector<std::string> stages;
  std::string tessdata;
  double max_megapixels = 200;
  int max_pages = 5000;
  double pdf_dpi = 300;
  double page_timeout = 300;
  bool isolate = true;         // --no-isolate / --in-process: false
  bool isolate_given = false;  // --isolate (or its opposite) on the command line
  long long memory_limit_mb = kDefaultWorkerMemoryMb;
  bool quiet = false;
  bool verbose = false;
  std::string shard;  // "K/N"
  bool resume = false;
  bool manifest = false;
};

// STAGE.OPTION=VALUE pairs into settings; false (after a message) when malformed.
bool ParseSets(const char* command, const std::vector<std::string>& sets, std::map<std::string, StageSettings>* out) {
  for (const auto& s : sets) {
    auto eq = s.find('=');
    auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
      std::cerr << "ocrflow " << command << ": --set '" << s << "': expected STAGE.OPTION=VALUE (see `ocrflow stages`)\n";
      return false;
    }
    (*out)[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = s.substr(eq + 1);
  }
  return true;
}

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

std::function<void(const std::string&)> FaultHook();
std::function<void(const std::string&, int, const std::string&)> StageFaultHook();
WorkerHooks FaultHooks();

int RunRun(const RunArgs& args) {
  RunOptions ro;
  ro.inputs = args.inputs;
  ro.out_dir = args.output;
  ro.jobs = args.jobs;
  ro.debug_dir = args.debug_dir;
  ro.stages = args.stages;
  ro.write_txt = std::find(args.formats.begin(), args.formats.end(), "txt") != args.formats.end();
  ro.write_json = std::find(args.formats.begin(), args.formats.end(), "json") != args.formats.end();
  auto wants = [&](const char* f) { return std::find(args.formats.begin(), args.formats.end(), f) != args.formats.end(); };
  ro.write_alto = wants("alto");
  ro.write_hocr = wants("hocr");
  ro.write_pdf = wants("pdf");
  ro.write_page = wants("page");
  ro.load.max_pixels = args.max_megapixels * 1e6;
  ro.load.max_pages = args.max_pages;
  ro.load.pdf_dpi = args.pdf_dpi;
  ro.page_timeout = args.page_timeout;
  ro.isolate = args.isolate;
  ro.worker_hooks = FaultHooks();  // its worker processes are forked from it
  ro.verbose = args.verbose;
  ro.memory_limit_mb = args.memory_limit_mb;
  ro.lang = args.lang;
  ro.manifest = args.manifest;
  ro.resume = args.resume;
  if (!args.shard.empty()) {
    auto shard = ParseShard(args.shard);
    if (!shard.ok()) {
      std::cerr << "ocrflow run: " << shard.status().message() << "\n";
      return kExitUsage;
    }
    ro.shard = shard.value();
  }
  if (!ro.debug_dir.empty()) {
    // The stages write their debug images in the process that runs them.
    if (args.isolate_given && args.isolate) {
      std::cerr << "ocrflow run: --debug-dir needs the pages in this process: leave out --isolate\n";
      return kExitUsage;
    }
    ro.isolate = false;
  }
  // --lang and --tessdata go to the stages that use them, when they run.
  const std::vector<std::string> chain = ro.stages.empty() ? DefaultPageStages() : ro.stages;
  for (const char* stage : {"ocr", "orient"}) {
    if (std::find(chain.begin(), chain.end(), stage) == chain.end()) continue;
    ro.settings[stage]["lang"] = args.lang;
    if (!args.tessdata.empty()) ro.settings[stage]["tessdata"] = args.tessdata;
  }
  if (std::find(chain.begin(), chain.end(), "ocr") != chain.end()) ro.settings["ocr"]["engine"] = args.engine;
  if (!ParseSets("run", args.sets, &ro.settings)) return kExitUsage;
  if (ro.inputs.empty()) {
    std::cerr << "ocrflow run: no inputs (give page images, PDFs or directories; --help shows how)\n";
    return kExitUsage;
  }
  // Fail fast on a language that cannot be loaded, before any page is read.
  // (Checked on disk: an engine loaded here, on a thread that reads no
  // page, would hold its memory for the whole run.)
  if (ro.settings.count("ocr")) {
    const auto& ocr_set = ro.settings["ocr"];
    Status st = ocr::CheckLanguages(ocr::OcrModels(ocr_set), ocr_set.count("tessdata") ? ocr_set.at("tessdata") : "");
    if (!st.ok()) {
      std::cerr << "ocrflow run: " << st.message() << "\n";
      return kExitUsage;
    }
    // The second recognizer: without its model, one line, and Tesseract
    // reads alone (each page's JSON says so too).
    const std::string engine = ocr_set.count("engine") ? ocr_set.at("engine") : "auto";
    if (engine != "tesseract") {
      const std::string dir = ocr_set.count("ppocr_models") ? ocr_set.at("ppocr_models") : ocr::DefaultPpOcrDir();
      if (Status pp = ocr::CheckPpOcr(dir); !pp.ok())
        std::cerr << "ocrflow run: warning: " << pp.message() << "; reading with Tesseract alone\n";
    }
  }
  ro.progress = !args.quiet && isatty(STDERR_FILENO);
  // Ctrl-C / SIGTERM: no new page is started, pages in flight stop at their
  // next block (reported as cancelled), every
  // finished input is written (atomically); unfinished inputs get no output.
  ro.cancel = &g_interrupted;
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  const bool progress = ro.progress;
  auto report = RunPages(ro, [&](const std::string& line) {
    if (progress) std::cerr << "\r\033[K";
    std::cerr << "ocrflow run: " << io::Printable(line) << "\n";
  });
  if (!report.ok()) {
    std::cerr << "ocrflow run: " << report.status().message() << "\n";
    return report.status().code() == Code::kIoError ? kExitOutput : kExitUsage;
  }
  const RunReport& r = report.value();
  if (g_interrupted.load()) {
    size_t done = 0;
    for (const auto& in : r.inputs) done += !in.txt_path.empty() || !in.json_path.empty();
    std::cerr << "ocrflow run: interrupted; " << done << " inputs written, the rest not processed\n";
    return 130;
  }
  if (!args.quiet && (ro.shard.active() || ro.resume)) {
    std::cerr << "ocrflow run:";
    if (ro.shard.active())
      std::cerr << " shard " << ro.shard.index << " of " << ro.shard.count << " (" << r.other_shards
                << " inputs left to the other shards);";
    if (ro.resume) std::cerr << " resumed: " << r.resumed << " inputs done before, not run again;";
    std::cerr << " " << r.inputs.size() << " to run; manifest " << (fs::path(ro.out_dir) / ro.shard.ManifestName()).string()
              << "\n";
  }
  if (!args.quiet) {
    std::cerr << "ocrflow run: " << r.inputs.size() << " inputs, " << r.pages << " pages";
    if (r.failed_inputs > 0) std::cerr << ", " << r.failed_inputs << " inputs with errors";
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::fprintf(stderr, ", %.1f s, peak RSS %.0f MB\n", r.seconds, ru.ru_maxrss / 1024.0);
  }
  bool output_error = false;
  for (const auto& in : r.inputs) {
    for (const auto& e : in.errors) output_error |= e.find("cannot write") != std::string::npos;
  }
  if (output_error) return kExitOutput;
  return r.failed_inputs > 0 ? kExitSomeFailed : kExitOk;
}

const char* kWatchFooter = R"(
Picks up every page image or PDF in INBOX and its subfolders, those there at
start and new ones as they arrive, and writes CORPUS/<path>.txt for each
(INBOX/2026/p1.png -> CORPUS/2026/p1.png.txt), atomically. Runs until
SIGTERM or Ctrl-C (work in flight is requeued), or with --once until the
inbox is done. Full contract: docs/watch.md.

When a file is taken:
  moved in (rename)           at once
  written in place            after it is closed and unchanged for --settle s
  temporary names             *.part *.tmp *.crdownload .* ~* are ignored until
                              renamed
The inbox is only read: ocrflow never moves or deletes anything in it.

CORPUS/
  <path>.txt, <path>.json     the outputs (json with --format txt,json)
  <path>.alto.xml, <path>.hocr, <path>.pdf
                              with --format alto, hocr, pdf: the archive
                              formats, as `run` writes them (docs/formats.md)
  manifest.jsonl              one line per output: source, sha256, pages,
                              characters, paragraphs, confidence, skew, seconds,
                              ocrflow/tesseract/model versions
  failed/<path>               a copy of each bad input, and
  failed/<path>.error.txt     why it failed
  .ocrflow/state.db           state (SQLite): restart resumes where it stopped,
                              unchanged inputs are never OCR'd twice

Bad inputs (zero bytes, truncated, not an image, over the size limit, a
symlink out of the inbox) are quarantined; transient errors (disk full) are
retried with a growing delay. Each input runs in a worker process with an
address-space limit (--memory-limit) and a time bound per page
(--page-timeout): a crash, a runaway allocation or a hang there fails that
input only; it is tried again up to --max-attempts, then quarantined with
the signal or limit named in failed/<path>.error.txt. Two daemons may share an inbox
and corpus: an input is claimed by one of them at a time.

Config file (TOML; flags win), reloaded on SIGHUP:
  jobs = 2
  lang = "auto"
  format = "txt,json"      # or e.g. "txt,alto,hocr,pdf"
  settle = 1.0
  max_attempts = 5
  page_timeout = 300
  memory_limit_mb = 4096
  [set]
  "deskew.min_confidence" = 2

Examples:
  ocrflow watch /srv/scans --out /srv/corpus --jobs 2
  ocrflow watch in/ --out corpus/ --once --lang eng     # process, then exit
  ocrflow status --out /srv/corpus                      # what it did

Exit codes: 0 stopped by a signal or --once done, 1 fatal (state database),
2 usage (bad flag or config, missing inbox, inbox and corpus nested).)";

int RunManifestMerge(const std::string& out_dir, const std::string& input_dir) {
  if (!input_dir.empty() && !fs::is_directory(input_dir)) {
    std::cerr << "ocrflow manifest merge: --inputs " << input_dir << ": is not a directory (give the folder the shards ran on)\n";
    return kExitUsage;
  }
  auto merged = MergeManifests(out_dir, input_dir);
  if (!merged.ok()) {
    std::cerr << "ocrflow manifest merge: " << merged.status().ToString() << "\n";
    return merged.status().code() == Code::kInvalidArgument ? kExitUsage : kExitOutput;
  }
  const MergeReport& m = merged.value();
  for (const auto& p : m.problems) std::cerr << "ocrflow manifest merge: " << io::Printable(p) << "\n";
  for (const auto& f : m.failed_sources) std::cerr << "ocrflow manifest merge: failed input: " << io::Printable(f) << "\n";
  std::cerr << "ocrflow manifest merge: " << m.found << " of " << m.shards << " shard manifests, " << m.inputs
            << " inputs (" << m.failed << " failed) -> " << (fs::path(out_dir) / "manifest.jsonl").string();
  if (!m.problems.empty()) std::cerr << "; " << m.problems.size() << " problems";
  std::cerr << "\n";
  return m.problems.empty() ? kExitOk : kExitSomeFailed;
}

int RunStages() {
  RegisterBuiltinStages();
  for (const StageInfo* s : StageRegistry::Global().All()) {
    std::cout << s->name << "  (" << DataKindName(s->input) << " -> " << DataKindName(s->output) << ")\n  " << s->help
              << "\n";
    for (const auto& o : s->options) {
      std::cout << "    " << s->name << "." << o.name << " = " << o.default_value;
      if (!o.unit.empty()) std::cout << " " << o.unit;
      std::cout << "  [" << o.type << "]  " << o.help << "\n";
    }
  }
  return kExitOk;
}

// What a library reads only when the process starts: OpenMP's thread limit
// (libgomp). Sets it when missing and starts the program again, once.
//
// glibc's malloc is left on small pages. It used to be started with
// glibc.malloc.hugetlb=1 (malloc asks for transparent huge pages), which cut
// the page faults of fresh heap (2026-12-01: system time on 8 English pages
// 5.0 -> 2.2 s) before the mallopt thresholds in main kept the heap. With
// them it costs: whatever malloc gets from the kernel is zeroed 2 MB at a
// time, however little of it is touched. 2026-12-07, six real pages (two
// Chinese, the Federal Register, the NYT front page, a NZZ and a Kant page)
// at --jobs 1, both settings in turns, two rounds: system time 0.26-0.87 s
// a page without, 0.50-2.13 s with (means of the rounds; 755 huge pages
// faulted in on a Chinese page of 200 MB peak RSS: 1.5 GB zeroed); user
// time the same (docs/pages.md, thirteenth session).
void RestartWithStartupEnvironment(char** argv) {
  if (std::getenv("OCRFLOW_RESTARTED") != nullptr) {
    unsetenv("OCRFLOW_RESTARTED");  // not for processes this one starts
    return;
  }
  if (!ocr::SetSingleThreadOpenMP()) return;
  setenv("OCRFLOW_RESTARTED", "1", 1);
  execv("/proc/self/exe", argv);
  std::cerr << "ocrflow: warning: could not restart with OMP_THREAD_LIMIT=1; OCR may be slow\n";
  unsetenv("OCRFLOW_RESTARTED");
}

// Fault injection, compiled into the test binary ocrflow_faulty only
// (CMakeLists.txt): an input whose name holds a marker makes its worker
// process fail the way the marker says. The shipped ocrflow has none.
std::function<void(const std::string&)> FaultHook() {
#ifdef OCRFLOW_FAULT_INJECTION
  return [](const std::string& source) {
    if (source.find("__segv__") != std::string::npos) raise(SIGSEGV);
    if (source.find("__abort__") != std::string::npos) std::abort();
    if (source.find("__hang__") != std::string::npos) {
      for (;;) pause();  // deaf to every deadline: only a kill ends it
    }
    if (source.find("__alloc__") != std::string::npos) {
      // Allocate until refused. RLIMIT_AS bounds address space: untouched
      // memory reaches it at once. Under ASan (no RLIMIT_AS) its RSS limit
      // stands in, so the memory is touched there.
      std::vector<std::unique_ptr<char[]>> hog;
      for (;;) {
        hog.emplace_back(new char[16 << 20]);
#if defined(__SANITIZE_ADDRESS__)
        std::memset(hog.back().get(), 1, 16 << 20);
#endif
      }
    }
  };
#else
  return nullptr;
#endif
}

// The same per stage: `__hang_in_<stage>__` hangs (deaf) as that stage
// starts, `__segv_on_p<N>__` crashes and `__hang_on_p<N>__` hangs (deaf)
// as page N starts; `__spin_on_p<N>__` hangs there too, spinning on the
// CPU (`__hang` ones sleep: they use none). `__slow_on_p<N>__` sleeps
// OCRFLOW_FAULT_SLOW_SECONDS (default 1) as each stage of page N starts,
// and goes on: once that is past its --page-timeout (and within the
// grace), the page times out inside its first stage, its worker alive and
// answering, as a page too slow for its bound does.
std::function<void(const std::string&, int, const std::string&)> StageFaultHook() {
#ifdef OCRFLOW_FAULT_INJECTION
  return [](const std::string& source, int page, const std::string& stage) {
    if (source.find("__slow_on_p" + std::to_string(page) + "__") != std::string::npos) {
      const char* s = std::getenv("OCRFLOW_FAULT_SLOW_SECONDS");
      std::this_thread::sleep_for(std::chrono::duration<double>(s != nullptr ? std::atof(s) : 1.0));
    }
    if (source.find("__hang_in_" + stage + "__") != std::string::npos) {
      for (;;) pause();
    }
    if (source.find("__segv_on_p" + std::to_string(page) + "__") != std::string::npos) raise(SIGSEGV);
    if (source.find("__hang_on_p" + std::to_string(page) + "__") != std::string::npos) {
      for (;;) pause();
    }
    if (source.find("__spin_on_p" + std::to_string(page) + "__") != std::string::npos) {
      volatile unsigned long spins = 0;
      for (;;) spins = spins + 1;
    }
  };
#else
  return nullptr;
#endif
}

// A worker process started by exec (`ocrflow __worker`: every replacement
// of one that died) that takes OCRFLOW_FAULT_WORKER_START_SECONDS to start,
// deaf to everything, as a loaded machine's dynamic loader may (or a start
// that hangs); OCRFLOW_FAULT_WORKER_START_BOUND gives the start-up bound
// those are killed after (WorkerHooks::startup_timeout). Forked workers
// never pass here.
void SlowWorkerStart() {
#ifdef OCRFLOW_FAULT_INJECTION
  const char* s = std::getenv("OCRFLOW_FAULT_WORKER_START_SECONDS");
  if (s == nullptr) return;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(std::atof(s));
  while (std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
#endif
}

// OCRFLOW_FAULT_WORKER_CPU_BOUND gives the workers' CPU time bound for a
// page (WorkerHooks::cpu_seconds), so that one that spins (`__spin_on_p<N>__`)
// dies by it before the wall clock's bound; OCRFLOW_FAULT_WORKER_GRACE their
// grace past the page timeout (WorkerHooks::grace_seconds), so that a page
// that times out inside a stage (`__slow_on_p<N>__`) is never raced by the
// kill on a loaded machine.
WorkerHooks FaultHooks() {
  WorkerHooks hooks{FaultHook(), StageFaultHook()};
#ifdef OCRFLOW_FAULT_INJECTION
  if (const char* s = std::getenv("OCRFLOW_FAULT_WORKER_START_BOUND")) hooks.startup_timeout = std::atof(s);
  if (const char* s = std::getenv("OCRFLOW_FAULT_WORKER_CPU_BOUND")) hooks.cpu_seconds = std::atof(s);
  if (const char* s = std::getenv("OCRFLOW_FAULT_WORKER_GRACE")) hooks.grace_seconds = std::atof(s);
#endif
  return hooks;
}

}  // namespace

int main(int argc, char** argv) {
  RestartWithStartupEnvironment(argv);
  // The image stages make and free several page-sized buffers per page
  // (8-35 MB each). glibc serves those from fresh mmap()s and returns them
  // at once, so every buffer costs its page faults and zeroing again: 0.6 s
  // of kernel time per Chinese page, against the tesseract CLI's 0.2. Kept
  // in the heap instead (freed memory is reused for the next page; peak RSS
  // 328 MB at --jobs 1 as before), the system time of `ocrflow run` on 8
  // English pages falls from 3.2 to 2.0 s (two runs each), about 4 % of its
  // CPU. mallopt's largest mmap threshold is 32 MB. (With one worker, the
  // main arena too: UseOneMallocArenaForOneWorker in page_job.h.)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  CLI::App app{"ocrflow: scanned newspaper pages and OCR'd text to a clean paragraph corpus"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ocrflow ") + OCRFLOW_VERSION);
  app.footer(
      "\nRun `ocrflow COMMAND --help` for a command's options.\n"
      "Exit codes: 0 ok, 1 some inputs failed, 2 usage error, 3 output not written.");

  ReflowArgs ra;
  auto* reflow = app.add_subcommand("reflow", "rejoin OCR'd text into clean paragraphs (one per line)");
  reflow->add_option("inputs", ra.inputs, "text files to reflow; '-' reads stdin");
  reflow->add_option("-o,--output", ra.output, "output file, or directory for several inputs (default: stdout)");
  reflow->add_option("--from", ra.from,
                     "what the inputs are: text (default), or OCR with word boxes to reflow from its geometry as "
                     "`run` does: alto (ALTO XML), hocr, page (PAGE XML) (docs/formats.md)")
      ->check(CLI::IsMember({"text", "alto", "hocr", "page"}))
      ->capture_default_str();
  reflow->add_option("--format", ra.format, "txt (paragraphs) or json (roles, line ranges, dropped pieces)")
      ->check(CLI::IsMember({"txt", "json"}))
      ->capture_default_str();
  reflow->add_flag("--explain", ra.explain, "print every join/split decision and its rule to stderr");
  // One value per occurrence, so that `--set a.b=1 page.txt` leaves page.txt an input.
  reflow->add_option("--set", ra.sets, "STAGE.OPTION=VALUE, e.g. reflow.short_gap=1.5 (see `ocrflow stages`); repeatable")
      ->allow_extra_args(false);
  reflow->add_option("--stages", ra.stages, "the stage chain, comma-separated (default: normalize,boilerplate,classify,reflow,repeats)")
      ->delimiter(',')
      ->allow_extra_args(false);
  reflow->add_option("--boilerplate", ra.boilerplate, "extra boilerplate rule file (format of models/boilerplate/zh_web.tsv)");
  reflow->add_flag("--lossy", ra.lossy, "replace invalid UTF-8 bytes with U+FFFD instead of rejecting the file");
  reflow->add_option("--max-line-bytes", ra.max_line_bytes, "refuse inputs with a longer line (not line-structured text)")
      ->capture_default_str();
  reflow->add_flag("-q,--quiet", ra.quiet, "no notes or progress on stderr");
  reflow->footer(kReflowFooter);

  RunArgs rn;
  auto* run = app.add_subcommand("run", "OCR scanned pages (images, PDFs) into clean paragraphs: the main job");
  run->add_option("inputs", rn.inputs, "page images, PDFs, or directories of them")->required();
  run->add_option("-o,--output", rn.output, "output directory: <name>.txt (and <name>.json) per input")->required();
  run->add_option("--lang", rn.lang,
                  "auto (default): each block is read with the model of its script, chi_sim or eng, decided by a "
                  "trial read (the JSON's blocks say which and why). Or Tesseract languages, '+'-joined, for every "
                  "block (chi_sim, eng, chi_sim+eng)")
      ->capture_default_str();
  run->add_option("--engine", rn.engine,
                  "auto (default): Tesseract finds and reads the lines, PP-OCR (models/ppocr) reads Chinese blocks' "
                  "lines again; tesseract: Tesseract alone; ppocr: PP-OCR reads every line. Without the PP-OCR "
                  "model: Tesseract alone, with a warning")
      ->check(CLI::IsMember({"auto", "tesseract", "ppocr"}))
      ->capture_default_str();
  run->add_option("-j,--jobs", rn.jobs, "pages processed in parallel (default: the number of cores)");
  run->add_option("--debug-dir", rn.debug_dir, "write PNGs after clean-up, after deskew and a layout overlay here");
  run->add_option("--format", rn.formats,
                  "comma-separated: txt, json, alto (ALTO XML 4), hocr, pdf (searchable: the image with an invisible "
                  "text layer), page (PAGE XML, a file per page); e.g. txt,json,alto,hocr,pdf")
      ->delimiter(',')
      ->check(CLI::IsMember({"txt", "json", "alto", "hocr", "pdf", "page"}))
      ->capture_default_str();
  run->add_option("--set", rn.sets, "STAGE.OPTION=VALUE, e.g. deskew.min_confidence=2 (see `ocrflow stages`); repeatable")
      ->allow_extra_args(false);
  run->add_option("--stages", rn.stages, "the stage chain, comma-separated (default: the full chain)")
      ->delimiter(',')
      ->allow_extra_args(false);
  run->add_option("--tessdata", rn.tessdata, "directory with the .traineddata models (default: Tesseract's)");
  run->add_option("--max-megapixels", rn.max_megapixels, "refuse pages larger than this (before decoding)")->capture_default_str();
  run->add_option("--max-pages", rn.max_pages,
                  "refuse a TIFF or PDF with more pages than this (pages are decoded one at a time, so memory does "
                  "not grow with the page count)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_option("--pdf-dpi", rn.pdf_dpi, "resolution PDF pages are rasterised at")->capture_default_str();
  run->add_option("--page-timeout", rn.page_timeout,
                  "seconds one page may take; past it the page stops, is named on stderr and flagged in the JSON "
                  "(\"timed_out\"), and the run goes on (0: no bound)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  auto* isolate_flag = run->add_flag(
      "--isolate,!--no-isolate,!--in-process", rn.isolate,
      "each page in a worker process (the default): a crash, runaway memory or hang fails that page only (worker "
      "killed page-timeout + grace after its last sign of progress); same outputs. --no-isolate, --in-process: "
      "the pages on threads of this process (a crash there ends the run; --debug-dir implies it)");
  run->add_option("--memory-limit", rn.memory_limit_mb,
                  "a worker process's address-space limit in MB (RLIMIT_AS; 0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--shard", rn.shard,
                  "K/N: only shard K of N (K from 0 to N-1) of the inputs, by a hash of each input's path below the "
                  "input root; writes OUTDIR/manifest.K-of-N.jsonl. E.g. --shard 0/4 ... --shard 3/4 on four machines");
  run->add_flag("--resume", rn.resume,
                "skip inputs the manifest in OUTDIR records as done from the same SHA-256, outputs in place (rerun "
                "of a killed shard: only what is missing). E.g. --shard 2/4 --resume");
  run->add_flag("--manifest", rn.manifest,
                "write OUTDIR/manifest.jsonl: one line per input (source, sha256, output, status, pages, ...); "
                "implied by --shard and --resume");
  run->add_flag("-q,--quiet", rn.quiet, "no progress or summary on stderr (errors are still printed)");
  run->add_flag("-v,--verbose", rn.verbose,
                "a line per page on stderr: the input, the page, the process that read it (a worker process's pid, "
                "or this one's with --no-isolate) and when (seconds since the run started)");
  run->footer(kRunFooter);

  std::string eval_output, eval_gold;
  bool eval_json = false;
  auto* eval = app.add_subcommand("eval", "score OUTPUT against GOLD: CER, paragraph-boundary P/R/F1, exact paragraphs");
  eval->add_option("OUTPUT", eval_output, "ocrflow output: a file, or a directory of files")->required();
  eval->add_option("GOLD", eval_gold, "ground truth: a file, or a directory matched to OUTPUT by relative path")->required();
  eval->add_flag("--json", eval_json, "machine-readable output");
  eval->footer(
      "\nBoth texts: one paragraph per non-blank line. Canonical form for all metrics:\n"
      "NFKC, whitespace removed. CER = edit distance / gold characters. Boundaries\n"
      "of OUTPUT are mapped onto GOLD through the character alignment.\n"
      "Exit codes: 0 scored, 2 a path is missing or unreadable.");

  auto* stages = app.add_subcommand("stages", "list the processing stages and their options with defaults");

  daemon::WatchOptions wo;
  std::string w_format;
  auto* watch = app.add_subcommand("watch", "watch a folder: OCR every page image that arrives into a corpus (daemon)");
  watch->add_option("INBOX", wo.inbox, "folder to watch (read only; subfolders too)")->required();
  watch->add_option("-o,--out", wo.corpus, "corpus folder: texts, manifest.jsonl, failed/, state")->required();
  watch->add_option("-j,--jobs", wo.overrides.jobs, "inputs processed in parallel (default: the number of cores)");
  watch->add_option("--state", wo.state, "state database (default: CORPUS/.ocrflow/state.db)");
  watch->add_option("--config", wo.config_file, "TOML config file, reloaded on SIGHUP (flags win over it)");
  watch->add_option("--lang", wo.overrides.lang,
                    "auto (default: each block with the model of its script) or Tesseract languages, '+'-joined");
  watch->add_option("--format", wo.overrides.format,
                    "comma-separated, txt or json among them: txt, json, alto (ALTO XML 4), hocr, pdf (searchable), "
                    "page (PAGE XML, a file per page), as `run` writes them; e.g. txt,alto,hocr,pdf (default txt)");
  watch->add_option("--settle", wo.overrides.settle, "seconds a written file must stay unchanged before it is taken (default 1)");
  watch->add_option("--rescan", wo.overrides.rescan, "seconds between full rescans of the inbox (default 60)");
  watch->add_option("--max-attempts", wo.overrides.max_attempts,
                    "starts that never finished (crashes) before an input is quarantined (default 5)");
  watch->add_option("--max-megapixels", wo.overrides.max_megapixels, "refuse pages larger than this (default 200)");
  watch->add_option("--pdf-dpi", wo.overrides.pdf_dpi, "resolution PDF pages are rasterised at (default 300)");
  watch->add_option("--page-timeout", wo.overrides.page_timeout,
                    "seconds one page may take; its worker process is killed this + grace after its last finished "
                    "page (default 300; 0: no bound)");
  watch->add_option("--memory-limit", wo.overrides.memory_limit_mb,
                    "a worker process's address-space limit in MB (RLIMIT_AS; default " +
                        std::to_string(kDefaultWorkerMemoryMb) + "; 0: none)");
  watch->add_option("--tessdata", wo.overrides.tessdata, "directory with the .traineddata models (default: Tesseract's)");
  watch->add_option("--set", wo.overrides.sets, "STAGE.OPTION=VALUE (see `ocrflow stages`); repeatable")->allow_extra_args(false);
  watch->add_option("--log-level", wo.overrides.log_level, "debug, info (one line per page; default), warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  watch->add_flag("--once", wo.once, "process what is in the inbox, then exit (no waiting for more)");
  watch->add_flag("--inbox-moved", wo.inbox_moved,
                  "the corpus's inbox moved to INBOX (one corpus serves one inbox; without this flag another inbox is refused)");
  watch->footer(kWatchFooter);

  std::string st_state, st_corpus;
  bool st_json = false;
  int st_max = 50;
  auto* status = app.add_subcommand("status", "what a watch daemon did: counts per status, failures, pages per minute");
  status->add_option("--state", st_state, "state database of the daemon");
  status->add_option("-o,--out", st_corpus,
                     "the daemon's corpus folder (its state: the one its daemon recorded there, else CORPUS/.ocrflow/state.db)");
  status->add_option("--failures", st_max, "list at most this many failures (latest first)")->capture_default_str();
  status->add_flag("--json", st_json, "machine-readable output");

  std::string merge_out, merge_inputs;
  auto* manifest = app.add_subcommand("manifest", "manifests of sharded runs: `ocrflow manifest merge OUTDIR`");
  manifest->require_subcommand(1);
  auto* merge = manifest->add_subcommand("merge", "join OUTDIR/manifest.K-of-N.jsonl into OUTDIR/manifest.jsonl");
  merge->add_option("OUTDIR", merge_out, "the output folder the shards wrote (run --shard K/N -o OUTDIR)")->required();
  merge->add_option("--inputs", merge_inputs,
                    "the input folder the shards ran on: every page file under it must be in a manifest (else named, "
                    "with its shard)");
  merge->footer(R"(
Reads every OUTDIR/manifest.K-of-N.jsonl and writes OUTDIR/manifest.jsonl:
one line per input, sorted by source (bytewise), each line as its shard
wrote it, so N shards merge to the very bytes one `run --manifest` writes.
Problems are listed on stderr and give exit 1 (the merged file is written
all the same): a shard K in 0..N-1 without its file, an input in two
shards (or twice in one), a shard file of another N (a leftover), a line
that is not JSON; with --inputs DIR, page files under DIR that are in no
manifest (counted by shard, the first few named). Inputs that failed are listed; they do not change the
exit code (`run --shard K/N --resume` runs them again).

Examples:
  ocrflow manifest merge corpus/       # after every shard of `run scans/ -o corpus/ --shard K/N`
  ocrflow manifest merge corpus/ --inputs scans/   # and check every page of scans/ is in it

Exit codes: 0 merged, every shard there once; 1 merged with problems
(listed); 2 usage (no such folder, no shard manifests in it); 3 the merged
manifest could not be written.)");

  // The watch daemon's and run --isolate's worker processes (app/worker.h):
  // not for people.
  auto* worker = app.add_subcommand("__worker", "");
  worker->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  int rc = kExitUsage;
  try {
    if (worker->parsed()) {
      SlowWorkerStart();
      return ServeWorker(FaultHook(), StageFaultHook());
    }
    if (reflow->parsed()) rc = RunReflow(ra);
    else if (run->parsed()) {
      rn.isolate_given = isolate_flag->count() > 0;
      rc = RunRun(rn);
    }
#ifdef OCRFLOW_HAVE_EVAL
    else if (eval->parsed()) rc = RunEval(eval_output, eval_gold, eval_json, std::cout, std::cerr);
#endif
    else if (stages->parsed()) rc = RunStages();
    else if (merge->parsed()) rc = RunManifestMerge(merge_out, merge_inputs);
    else if (watch->parsed()) {
      wo.worker_hooks = FaultHooks();  // its worker processes are forked from it
      rc = daemon::RunWatch(wo, std::cerr);
    }
    else if (status->parsed()) {
      if (st_state.empty() == st_corpus.empty()) {
        std::cerr << "ocrflow status: give --state FILE or --out CORPUS\n";
        return kExitUsage;
      }
      rc = daemon::RunStatus(st_state.empty() ? daemon::StateOfCorpus(st_corpus) : st_state, st_json, st_max, std::cout,
                             std::cerr);
    }
  } catch (const std::exception& e) {
    std::cerr << "ocrflow: internal error: " << e.what() << "\n";
    return kExitOutput;
  }
  // What went to standard output must have arrived: a full disk or a closed
  // pipe behind `> file` is an error, not a silent cut.
  errno = 0;
  std::cout.flush();
  if (!std::cout.good() || std::fflush(stdout) != 0) {
    const int e = errno;
    std::cerr << "ocrflow: cannot write to standard output: " << (e != 0 ? std::strerror(e) : "write failed") << "\n";
    return kExitOutput;
  }
  return rc;
}
