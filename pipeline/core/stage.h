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

#include "pipeline/core/document.h"
#include "pipeline/core/options.h"
#include "pipeline/core/status.h"

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
  // (pipeline/core/shared_work.h); null: the stage runs its items itself.
  SharedWork* shared_work = nullptr;
  bool explain = false;                       // record join/split decisions on the page
  // Set by the orient-and-reread step (pipeline/app/page_chain.h) when a
  // stage that confirms the page upright follows: a stage that turns pages
  // upright may then take the page as upright on trust.
  bool orientation_checked_by_ocr = false;
  // Set by the same step when it checks a page whose text read badly: a
  // stage that turns pages upright also finds the page's script (OSD),
  // even when it needs no OSD to find the page upright
  // (ImageInfo::script).
  bool script_wanted = false;
  // Called as each stage starts on the page (a worker process tells its
  // parent, so that a worker killed for time names the stage). May be empty.
  std::function<void(const std::string& stage)> on_stage;
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
  // For the orient-and-reread step (pipeline/app/page_chain.h), which the
  // runner knows by these, never by stage names: a stage that turns pages
  // upright and, with RunContext::orientation_checked_by_ocr, may take one
  // as upright on trust; and a stage that reads the text and sets
  // ImageInfo::orientation_unconfirmed when it did not read as upright.
  bool turns_page_upright = false;
  bool confirms_upright = false;
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

  // Runs every stage on the page in order; stops at the first error. Past
  // the context's deadline the page is timed out in the stage that ran
  // (ImageInfo::timed_out_stage).
  Status Run(Page& page, const RunContext& ctx) const;

  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return stages_.size(); }
  const StageInfo& info(size_t i) const { return infos_[i]; }
  // Stages [first, last) as a chain of their own (the built stages shared).
  Pipeline Slice(size_t first, size_t last) const;

 private:
  std::vector<std::string> names_;
  std::vector<StageInfo> infos_;
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
