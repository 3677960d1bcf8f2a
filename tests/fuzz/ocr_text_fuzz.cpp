// libFuzzer target for the text stages as `ocrflow run` drives them: lines
// WITH geometry (boxes, confidences) and layout roles, as the OCR stage
// produces them, through glyphs -> normalize -> boilerplate -> classify ->
// layout_roles -> reflow -> repeats. The geometry path of the wrap-width
// model (em measured from boxes, indents, column edges) only runs here.
//
// Input format (any bytes are valid): the text is split into lines at '\n';
// a line's box and its block come from the bytes of the line itself, so the
// fuzzer steers widths, indents, zero-size boxes and block breaks.
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DOCRFLOW_FUZZ=ON -DOCRFLOW_TESTS=OFF
//   cmake --build build-fuzz --target ocr_text_fuzz
//   build-fuzz/fuzz/ocr_text_fuzz -max_len=4096 -max_total_time=600 tests/fuzz/corpus
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pipeline/app/page_job.h"
#include "pipeline/app/text_job.h"
#include "stages/text/register.h"
#include "stages/text/unicode_clean.h"

using namespace ocrflow;

static const Pipeline& Chain() {
  static const Pipeline p = [] {
    RegisterBuiltinStages();
    auto built = Pipeline::Build(text::DefaultOcrTextStages(), {});
    if (!built.ok()) std::abort();
    return std::move(built).value();
  }();
  return p;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string storage;
  text::DecodeReport report;
  auto decoded = text::DecodeTextView(std::string_view(reinterpret_cast<const char*>(data), size), {}, &report, storage);
  if (!decoded.ok()) return 0;
  std::string_view text = decoded.value();
  Page page;
  int n = 0, y = 0;
  size_t start = 0;
  const Role roles[] = {Role::kBody, Role::kHeadline, Role::kCaption, Role::kRunningHeader, Role::kBody, Role::kByline};
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const unsigned h = static_cast<unsigned char>(line[0]);
    if (page.blocks.empty() || h % 7 == 0) {
      page.blocks.emplace_back();
      page.blocks.back().box = Box{0, y, 1000, 100};
      page.blocks.back().layout_role = roles[h % 6];
    }
    Line l;
    l.text = std::string(line);
    l.source_line = ++n;
    const int x = static_cast<int>(h % 5) * 20;                            // indent 0..80 px
    const int w = static_cast<int>(line.size() * (h % 3 == 0 ? 0 : 13));  // zero-width boxes too
    l.box = Box{x, y, w, static_cast<int>(h % 40)};
    l.confidence = static_cast<float>(h % 101);
    y += 30;
    page.blocks.back().lines.push_back(std::move(l));
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
  RunContext ctx;
  ctx.explain = true;
  if (!Chain().Run(page, ctx).ok()) return 0;
  std::string out = RenderPagesText({page});
  (void)RenderPagesJson({page}, "fuzz");
  size_t s = 0;
  while (s < out.size()) {
    size_t e = out.find('\n', s);
    if (e == std::string::npos) std::abort();  // every paragraph ends with '\n'
    if (e == s) std::abort();                  // no blank lines
    s = e + 1;
  }
  return 0;
}
