// The text path on its own: `ocrflow reflow`'s job (pipeline/app/text_job.h)
// linked with the core and the text stages only. That this program links at
// all shows the text path needs no image stage; text_only_test.sh reads its
// NEEDED libraries (no Tesseract, Leptonica, OpenCV, poppler or libtiff)
// and checks that it writes what `ocrflow reflow` writes.
//
//   text_only_reflow FILE [--json]
#include <cstdio>
#include <string>

#include "pipeline/app/text_job.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: text_only_reflow FILE [--json]\n");
    return 2;
  }
  const std::string path = argv[1];
  const bool json = argc > 2 && std::string(argv[2]) == "--json";
  auto job = ocrflow::TextJob::Build({});
  if (!job.ok()) {
    std::fprintf(stderr, "%s\n", job.status().ToString().c_str());
    return 1;
  }
  auto bytes = ocrflow::ReadFileBytes(path);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s\n", bytes.status().ToString().c_str());
    return 1;
  }
  auto page = job->Run(bytes.value(), ocrflow::RunContext{});
  if (!page.ok()) {
    std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
    return 1;
  }
  const std::string out = json ? ocrflow::RenderJson(page.value(), path, false) : ocrflow::RenderText(page.value());
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
