// Reflow throughput benchmark (not a test): MB/s of `ocrflow reflow`'s text
// path, single thread, on generated OCR-like newspaper text, and peak RSS.
//
//   build/bench/reflow_bench [total_MB=64] [doc_KB=64]
//   build/bench/reflow_bench single MB     # one document only: peak RSS vs size
//
// Two runs: many documents of doc_KB (throughput; memory stays at one
// document), then one document of total_MB (memory must grow linearly with
// the document, so peak RSS / document size is reported).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/news_text_gen.h"
#include "pipeline/app/text_job.h"

using namespace ocrflow;

// CPU time of this process: on a shared machine wall time mostly measures
// the neighbours.
static double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int Single(size_t mb) {
  auto job = TextJob::Build({});
  if (!job.ok()) return 1;
  RunContext ctx;
  std::string doc = bench::NewsTextGenerator(7).Document(mb << 20);
  long before = PeakRssKb();
  double c0 = CpuSeconds();
  auto page = job->Run(doc, ctx);
  double s = CpuSeconds() - c0;
  if (!page.ok()) return 1;
  std::printf("single document %.1f MB: %.2f s CPU, %.1f MB/s, peak RSS %.1f MB (%.1f MB with the input alone): "
              "%.1f bytes of RSS per input byte\n",
              doc.size() / 1048576.0, s, doc.size() / 1048576.0 / s, PeakRssKb() / 1024.0, before / 1024.0,
              static_cast<double>(PeakRssKb() - before) * 1024.0 / static_cast<double>(doc.size()));
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "single") return Single(std::strtoul(argv[2], nullptr, 10));
  const size_t total_mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  const size_t doc_kb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 64;
  auto job = TextJob::Build({});
  if (!job.ok()) {
    std::fprintf(stderr, "%s\n", job.status().ToString().c_str());
    return 1;
  }
  RunContext ctx;

  // Pre-generate so generation is not timed.
  bench::NewsTextGenerator gen(42);
  std::vector<std::string> docs;
  size_t bytes = 0;
  while (bytes < total_mb << 20) {
    docs.push_back(gen.Document(doc_kb << 10));
    bytes += docs.back().size();
  }
  // Three passes; the best is reported (the machine is shared: slower passes
  // measure the neighbours), the median beside it.
  std::vector<double> cpu_runs;
  size_t paragraphs = 0;
  double wall = 0;
  for (int pass = 0; pass < 3; ++pass) {
    auto t0 = std::chrono::steady_clock::now();
    double c0 = CpuSeconds();
    paragraphs = 0;
    for (const auto& d : docs) {
      auto page = job->Run(d, ctx);
      if (!page.ok()) {
        std::fprintf(stderr, "failed: %s\n", page.status().ToString().c_str());
        return 1;
      }
      paragraphs += page->paragraphs.size();
    }
    cpu_runs.push_back(CpuSeconds() - c0);
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::sort(cpu_runs.begin(), cpu_runs.end());
  const double mb = bytes / 1048576.0;
  std::printf(
      "many documents: %zu docs, %.1f MB, best of 3: %.2f s CPU = %.1f MB/s (median %.1f MB/s; last wall %.2f s), "
      "%zu paragraphs, peak RSS %.1f MB (input held: %.1f MB)\n",
      docs.size(), mb, cpu_runs[0], mb / cpu_runs[0], mb / cpu_runs[1], wall, paragraphs, PeakRssKb() / 1024.0, mb);
  docs.clear();
  docs.shrink_to_fit();

  // One big document: memory linear in it.
  for (size_t mb : {total_mb / 4, total_mb / 2}) {
    if (mb == 0) continue;
    std::string big = bench::NewsTextGenerator(7).Document(mb << 20);
    long before = PeakRssKb();
    double c1 = CpuSeconds();
    auto page = job->Run(big, ctx);
    double s = CpuSeconds() - c1;
    if (!page.ok()) return 1;
    std::printf("one document of %.1f MB: %.2f s CPU, %.1f MB/s, peak RSS %.1f MB (%.1f MB before the run)\n",
                big.size() / 1048576.0, s, big.size() / 1048576.0 / s, PeakRssKb() / 1024.0, before / 1024.0);
  }
  return 0;
}
