// libFuzzer target for the whole text chain: decode -> normalize ->
// boilerplate -> classify -> reflow -> repeats, plus the JSON renderer.
// Besides "no crash, no sanitizer report" it checks two invariants on every
// input that decodes: the output follows the contract (no blank lines, no
// leading/trailing spaces) and reflowing the output again does not crash.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DOCRFLOW_FUZZ=ON -DOCRFLOW_TESTS=OFF
//   cmake --build build-fuzz --target reflow_fuzz
//   build-fuzz/fuzz/reflow_fuzz -max_len=4096 -max_total_time=600 tests/fuzz/corpus
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pipeline/app/text_job.h"

using namespace ocrflow;

static const TextJob& Job() {
  static const TextJob job = [] {
    auto j = TextJob::Build({});
    if (!j.ok()) std::abort();
    return std::move(j).value();
  }();
  return job;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  RunContext ctx;
  ctx.explain = true;
  auto page = Job().Run(bytes, ctx);
  if (!page.ok()) return 0;
  std::string out = RenderText(page.value());
  (void)RenderJson(page.value(), "fuzz", true);
  (void)RenderExplain(page.value(), "fuzz");
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) std::abort();  // every paragraph ends with '\n'
    std::string_view line(out.data() + start, end - start);
    if (line.empty() || line.front() == ' ' || line.back() == ' ') std::abort();
    start = end + 1;
  }
  if (!out.empty()) (void)Job().Run(out, ctx);
  return 0;
}
