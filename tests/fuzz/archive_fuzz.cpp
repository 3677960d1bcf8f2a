// libFuzzer target for the archive readers of `reflow --from alto|hocr|page`
// (pipeline/formats/archive_reader.h): ALTO, hOCR and PAGE XML come from
// other programs, so every reader gets every input. What a reader accepts is
// reflowed with the text chain and rendered. Besides "no crash, no sanitizer
// report": a reader either returns pages or an error, never both or neither,
// and the rendered text keeps the output contract (every paragraph ends
// with '\n').
//
//   scripts/fuzz.sh archive_fuzz 600 -max_len=8192
// The regular test build replays tests/fuzz/archive_corpus once
// (ArchiveFuzz.ReplaySeedsAndRegressions).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pipeline/app/text_job.h"
#include "pipeline/formats/archive_reader.h"

using namespace ocrflow;

static const TextJob& Job() {
  static const TextJob job = [] {
    RegisterTextStagesOnce();
    auto j = TextJob::Build({});
    if (!j.ok()) std::abort();
    return std::move(j).value();
  }();
  return job;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  for (auto* read : {&formats::ReadAlto, &formats::ReadHocr, &formats::ReadPageXml}) {
    auto pages = (*read)(xml);
    if (!pages.ok()) {
      if (pages.status().message().empty()) std::abort();  // an error says what is wrong
      continue;
    }
    for (Page& page : pages.value()) {
      RunContext ctx;
      if (!Job().RunPage(page, ctx).ok()) continue;
      const std::string out = RenderText(page);
      if (!out.empty() && out.back() != '\n') std::abort();
    }
  }
  return 0;
}
