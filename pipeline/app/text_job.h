// Runs the text pipeline on one input: bytes in, a Page with paragraphs (and
// what was dropped) out. Shared by `ocrflow reflow`, the benchmarks, the
// fuzzer and the tests, so they all exercise the same path.
//
// Thread safety: ReflowBytes is re-entrant; a TextJob may be shared between
// threads once built.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"
#include "stages/text/unicode_clean.h"

namespace ocrflow {

struct TextJobOptions {
  std::vector<std::string> stages;                    // empty: the default text chain
  std::map<std::string, StageSettings> settings;      // stage -> option -> value
  text::DecodeOptions decode;
};

class TextJob {
 public:
  static Result<TextJob> Build(const TextJobOptions& options);

  // Decodes `bytes` (see stages/text/unicode_clean.h) and runs the chain.
  Result<Page> Run(std::string_view bytes, const RunContext& ctx) const;

  // Runs the chain on a page that already has its blocks and lines (read
  // from ALTO or hOCR: reflow --from, pipeline/formats/archive_reader.h).
  Status RunPage(Page& page, const RunContext& ctx) const;

 private:
  Pipeline pipeline_;
  text::DecodeOptions decode_;
};

// Registers the text stages once (idempotent): all the text path needs,
// so that `reflow` links no image library (the image and OCR stages are
// registered by RegisterBuiltinStages, pipeline/app/page_job.h).
void RegisterTextStagesOnce();

// The output formats of `ocrflow reflow`.
std::string RenderText(const Page& page);
std::string RenderJson(const Page& page, const std::string& source, bool with_decisions);
// Page::edits as a JSON array (run and reflow write the same form): each
// {"stage", "line" or "paragraph", "at", "before", "after"}.
nlohmann::json EditsJson(const std::vector<Edit>& edits);
std::string RenderExplain(const Page& page, const std::string& source);

// Reads a whole file; kNotFound / kIoError name the file and the reason
// (a directory, a permission problem).
Result<std::string> ReadFileBytes(const std::string& path);

}  // namespace ocrflow
