// Stages, their registry, and the runner that chains them.
//
// A stage is a named unit that transforms a Page. It declares what it reads
// and what it produces (DataKind), so the runner can check that neighbouring
// stages fit: image -> image, image -> lines (OCR), lines -> lines,
// lines -> paragraphs (reflow), paragraphs -> paragraphs.
//
// Each stage family registers its stages explicitly (RegisterTextStages() in
// stages/text/register.h), called once by the application layer; `ocrflow
// stages` lists them with their options. Stages never include the CLI or the
// daemon.
//
// Thread safety: a constructed Stage is immutable; Run() may be called from
// several threads at once on different pages.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/document.h"
#include "pipeline/options.h"
#include "pipeline/status.h"

namespace ocrflow {

enum class DataKind { kImage, kLines, kParagraphs };
const char* DataKindName(DataKind kind);

// Carried through a run: cancellation, logging, and what to record.
class SharedWork;

struct RunContext {
  using Clock = std::chrono::steady_clock;
  const std::atomic<bool>* cancel = nullptr;  // set by a signal handler or the daemon
  // The page's time bound (--page-timeout): past it, stages stop at their
  // next check as if cancelled, a Tesseract call stops through its
  // ETEXT_DESC, and Pipeline::Run reports kDeadlineExceeded naming the
  // stage. max() = none.
  Clock::time_point deadline = Clock::time_point::max();
  // Idle workers of the same run take items of a stage's SharedWork::Run
  // (pipeline/shared_work.h); null: the stage runs its items itself.
  SharedWork* shared_work = nullptr;
  bool explain = false;                       // record join/split decisions on the page
  // Set by Pipeline::Run when an ocr stage follows orient: orient may then
  // take the page as upright on trust and let the OCR confirm it.
  bool orientation_checked_by_ocr = false;
  // The page as it came into Pipeline::Run, made again (decoded again) for
  // the orient-and-reread loop when orient turns a page after the OCR. Set
  // by the page job; when empty, Run keeps a copy of the page all along
  // instead (its image: 200 MB on a 200-Mpixel page).
  std::function<Result<Page>()> original_page;
  std::function<void(const std::string&)> log;  // may be empty
  // Named debug images ("20-deskew"), set only with --debug-dir. Stages call
  // debug_image() and never write files themselves.
  std::function<void(const std::string& name, const Raster& image)> debug;

  bool debugging() const { return static_cast<bool>(debug); }
  void debug_image(const std::string& name, const Raster& image) const {
    if (debug) debug(name, image);
  }

  bool past_deadline() const { return deadline != Clock::time_point::max() && Clock::now() >= deadline; }
  // Cancelled, or past the deadline: either way, stop.
  bool cancelled() const {
    return (cancel != nullptr && cancel->load(std::memory_order_relaxed)) || past_deadline();
  }
  // Seconds left before the deadline (a large number without one; 0 past it).
  double seconds_left() const {
    if (deadline == Clock::time_point::max()) return 1e9;
    return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual Status Run(Page& page, const RunContext& ctx) const = 0;
};

// name=value pairs for one stage, from the CLI (--set) or a config file.
using StageSettings = std::map<std::string, std::string>;

struct StageInfo {
  std::string name;
  std::string help;
  DataKind input;
  DataKind output;
  std::vector<OptionRow> options;  // for listing
  // Builds the stage with its defaults overridden by `settings`.
  std::function<Result<std::unique_ptr<Stage>>(const StageSettings& settings)> make;
};

class StageRegistry {
 public:
  static StageRegistry& Global();
  void Register(StageInfo info);
  const StageInfo* Find(const std::string& name) const;
  std::vector<const StageInfo*> All() const;  // in registration order

 private:
  std::vector<std::unique_ptr<StageInfo>> stages_;
};

// A chain of built stages. Immutable after Build(); Run() is thread-safe.
class Pipeline {
 public:
  // Builds the named stages in order. `settings` maps stage name -> options.
  // Fails if a name is unknown, an option is bad, or two neighbours do not fit.
  static Result<Pipeline> Build(const std::vector<std::string>& names,
                                const std::map<std::string, StageSettings>& settings);

  // Runs every stage on the page in order; stops at the first error.
  // When the chain starts with orient and has an ocr stage later, orient
  // may take the page as upright and the OCR confirm it (see
  // ImageInfo::orientation_check); a page the OCR does not confirm is
  // checked by orient as it came in and, when orient turns it, run again.
  Status Run(Page& page, const RunContext& ctx) const;

  const std::vector<std::string>& names() const { return names_; }

 private:
  Status RunRange(Page& page, const RunContext& ctx, size_t first, size_t last) const;

  std::vector<std::string> names_;
  std::vector<std::shared_ptr<const Stage>> stages_;
  std::vector<DataKind> text_kinds_;  // per stage: lines or paragraphs in and out (edits recorded), else image
};

// Options for stage `name`: the defaults overridden by `settings`, each
// checked against the declared fields.
template <typename Opts>
Result<Opts> ParseStageOptions(const std::string& name, const std::vector<OptionField<Opts>>& fields,
                               const StageSettings& settings) {
  Opts opts;
  for (const auto& [key, value] : settings) {
    Status st = SetOption(fields, opts, key, value);
    if (!st.ok()) return Status(st.code(), "stage " + name + ": " + st.message());
  }
  return opts;
}

// Helper for stage adapters: a Stage whose options are parsed from the
// declared table and which calls a pure function `fn(page, options, ctx)`.
template <typename Opts>
StageInfo MakeStageInfo(std::string name, std::string help, DataKind in, DataKind out,
                        std::vector<OptionField<Opts>> fields,
                        std::function<Status(Page&, const Opts&, const RunContext&)> fn) {
  struct Impl : Stage {
    Opts opts;
    std::function<Status(Page&, const Opts&, const RunContext&)> fn;
    Status Run(Page& page, const RunContext& ctx) const override { return fn(page, opts, ctx); }
  };
  StageInfo info;
  info.name = name;
  info.help = std::move(help);
  info.input = in;
  info.output = out;
  info.options = DescribeOptions(fields);
  info.make = [fields, fn, name](const StageSettings& settings) -> Result<std::unique_ptr<Stage>> {
    auto opts = ParseStageOptions(name, fields, settings);
    if (!opts.ok()) return opts.status();
    auto impl = std::make_unique<Impl>();
    impl->fn = fn;
    impl->opts = std::move(opts).value();
    return std::unique_ptr<Stage>(std::move(impl));
  };
  return info;
}

}  // namespace ocrflow
