// libFuzzer target for the page decoder (pipeline/io/decode.h): any bytes
// through PageDecoder::Open and Decode() of every page, the way `ocrflow run`
// and the daemon's workers read their inputs. Limits are small so that a
// header which lies about its size is refused instead of exhausting memory:
// 4 Mpixel per page, 8 pages, PDF at 72 dpi.
//
// Besides "no crash, no sanitizer report" it checks the decoder's contract
// on every page it accepts: 8-bit gray, non-empty, within the pixel limit,
// original size equal to the pixels, source page numbered in order.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DOCRFLOW_FUZZ=ON -DOCRFLOW_TESTS=OFF
//   cmake --build build-fuzz --target decode_fuzz
//   scripts/fuzz.sh decode_fuzz 600          # seeds: tests/fuzz/decode_corpus
//
// Seeds are made by tests/fuzz/make_decode_corpus.sh (PNG, JPEG, TIFF single,
// multi-page and G4, PDF, PNM, WebP, JP2, BMP, GIF; a few hundred bytes each).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <poppler/cpp/poppler-global.h>

#include "pipeline/io/decode.h"

using namespace ocrflow;

static void Quiet(const std::string&, void*) {}

// poppler reports every damaged object on stderr: millions of lines in ten
// minutes. Silenced here only; ocrflow itself keeps poppler's messages.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  poppler::set_debug_error_function(Quiet, nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  io::LoadOptions options;
  options.max_pixels = 4e6;
  options.max_pages = 8;
  options.pdf_dpi = 72;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoder = io::PageDecoder::Open(bytes, options);
  if (!decoder.ok()) return 0;
  const int n = (*decoder)->pages();
  if (n <= 0 || n > options.max_pages) std::abort();
  for (int i = 0; i < n; ++i) {
    auto page = (*decoder)->Decode(i);
    if (!page.ok()) continue;  // a damaged page is refused; the next may be fine
    const io::DecodedPage& p = page.value();
    if (p.gray.empty() || p.gray.type() != CV_8UC1) std::abort();
    if (static_cast<double>(p.gray.cols) * p.gray.rows > options.max_pixels) std::abort();
    if (p.original_width != p.gray.cols || p.original_height != p.gray.rows) std::abort();
    if (p.source_page != i + 1) std::abort();
    if (p.dpi < 0) std::abort();
  }
  (void)(*decoder)->Decode(n);  // out of range: an error, not a crash
  return 0;
}
