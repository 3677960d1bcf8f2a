// Decoding page images: bytes in, 8-bit grayscale pages out.
//
//   PageDecoder::Open(bytes, options) -> page count, then Decode(i) per page
//   DecodePages(bytes, options)        -> every page at once (small files)
//
// A multi-page TIFF or PDF is decoded one page at a time: a 300-page book
// costs one page's pixels, not 300 (issue 16: 2.9 GB before). Each page's
// header is checked against the limits before its pixels are decoded.
//
// Formats are recognised by their content, never by the file name: PNG,
// JPEG, TIFF (every page of a multi-page file), PNM, BMP, GIF, WebP and JP2
// through Leptonica; PDF through poppler-cpp, each page rasterised at
// `pdf_dpi`. Anything else is refused with what the bytes look like ("text",
// "zero bytes").
//
// Limits are checked from the header before any pixel is decoded: an image
// over `max_pixels` is refused with its size, so a 30000x30000 file costs
// nothing. Truncated PNG and JPEG files are refused (missing IEND / EOI),
// not decoded into half-grey pages.
//
// DPI comes from the file's metadata when it is plausible (72..2400);
// otherwise it is estimated from the text height (EstimateDpiFromText on an
// Otsu mask), and 0 when the page has too little text to tell.
//
// Pure: no file I/O, no globals touched except Leptonica's message level
// (silenced once). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/core/status.h"

namespace ocrflow::io {

struct LoadOptions {
  double max_pixels = 200e6;  // per page (a 30000x30000 scan is 900e6)
  int max_pages = 5000;       // per file (pages are decoded one at a time)
  double pdf_dpi = 300;       // rasterisation of PDF pages
};

struct DecodedPage {
  cv::Mat gray;             // CV_8UC1
  double dpi = 0;           // 0 = unknown
  bool dpi_estimated = false;  // from the text height, not from metadata
  int source_page = 1;      // 1-based
  int original_width = 0, original_height = 0;
};

// What the bytes look like, for messages and format dispatch:
// "png", "jpeg", "tiff", "pnm", "bmp", "gif", "webp", "jp2", "pdf", or a
// description of non-image content ("text", "zero bytes", "unknown binary").
std::string SniffFormat(std::string_view bytes);

// The pages of one file, decoded on demand. Open() checks the format, the
// first header and the page count (over max_pages: kTooLarge) and keeps its
// own copy of the bytes. Decode() may be called from several threads.
class PageDecoder {
 public:
  static Result<std::unique_ptr<PageDecoder>> Open(std::string_view bytes, const LoadOptions& options = {});
  virtual ~PageDecoder() = default;
  virtual int pages() const = 0;
  // Page `index` (0-based): its header checked, then decoded to gray.
  virtual Result<DecodedPage> Decode(int index) = 0;
};

Result<std::vector<DecodedPage>> DecodePages(std::string_view bytes, const LoadOptions& options = {});

// DPI from the body text height: median height of connected components of
// the ink mask (0 = ink), assuming body text of about 10 pt. 0 when the page
// has too little text to tell.
double EstimateDpiFromText(const cv::Mat& text_mask);

}  // namespace ocrflow::io
