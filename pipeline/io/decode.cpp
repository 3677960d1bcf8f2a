#include "pipeline/io/decode.h"

#include "stages/image/ink_components.h"

#include <leptonica/allheaders.h>
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <opencv2/imgproc.hpp>

namespace ocrflow::io {
namespace {

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

void QuietLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Any PIX depth -> 8-bit gray Mat (copied).
cv::Mat PixToGray(PIX* pix) {
  PixPtr gray;
  int d = pixGetDepth(pix);
  if (pixGetColormap(pix) != nullptr) {
    gray.reset(pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE));
  } else if (d == 8) {
    gray.reset(pixClone(pix));
  } else if (d == 32) {
    gray.reset(pixConvertRGBToLuminance(pix));
  } else {
    gray.reset(pixConvertTo8(pix, 0));
  }
  if (!gray || pixGetDepth(gray.get()) != 8) return {};
  const int w = pixGetWidth(gray.get()), h = pixGetHeight(gray.get());
  cv::Mat out(h, w, CV_8UC1);
  const l_uint32* data = pixGetData(gray.get());
  const int wpl = pixGetWpl(gray.get());
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int x = 0; x < w; ++x) dst[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  return out;
}

double PlausibleDpi(PIX* pix) {
  int xres = pixGetXRes(pix), yres = pixGetYRes(pix);
  int r = std::max(xres, yres);
  return (r >= 72 && r <= 2400) ? r : 0;
}

// The file is complete: PNG has its IEND chunk, JPEG its EOI marker (some
// writers pad after it, so look near the end).
Status CheckComplete(std::string_view bytes, const std::string& format) {
  if (format == "png") {
    if (bytes.size() < 12 || bytes.find("IEND", bytes.size() > 64 ? bytes.size() - 64 : 0) == std::string_view::npos)
      return Status(Code::kBadInput, "truncated PNG (no IEND chunk; " + std::to_string(bytes.size()) + " bytes)");
  } else if (format == "jpeg") {
    size_t from = bytes.size() > 4096 ? bytes.size() - 4096 : 0;
    if (bytes.find("\xFF\xD9", from) == std::string_view::npos)
      return Status(Code::kBadInput, "truncated JPEG (no end-of-image marker; " + std::to_string(bytes.size()) + " bytes)");
  }
  return Status::Ok();
}

std::string Megapixels(double w, double h) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0fx%.0f = %.0f Mpixel", w, h, w * h / 1e6);
  return buf;
}

// A page of a PDF, rasterised at pdf_dpi; its size checked first.
Result<DecodedPage> RenderPdfPage(poppler::document& doc, int i, const LoadOptions& options) {
  std::unique_ptr<poppler::page> page(doc.create_page(i));
  if (!page) return Status(Code::kBadInput, "PDF page " + std::to_string(i + 1) + " could not be read");
  poppler::rectf r = page->page_rect();
  double w = r.width() / 72.0 * options.pdf_dpi, h = r.height() / 72.0 * options.pdf_dpi;
  if (w * h > options.max_pixels)
    return Status(Code::kTooLarge, "PDF page " + std::to_string(i + 1) + " would be " + Megapixels(w, h) + " at " +
                                       std::to_string(static_cast<int>(options.pdf_dpi)) + " dpi, over the limit");
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  poppler::image img = renderer.render_page(page.get(), options.pdf_dpi, options.pdf_dpi);
  if (!img.is_valid()) return Status(Code::kBadInput, "PDF page " + std::to_string(i + 1) + " could not be rendered");
  cv::Mat view;
  if (img.format() == poppler::image::format_gray8) {
    view = cv::Mat(img.height(), img.width(), CV_8UC1, img.data(), img.bytes_per_row());
  } else {  // older poppler ignores gray8: argb32 / rgb24
    cv::Mat argb(img.height(), img.width(), img.format() == poppler::image::format_rgb24 ? CV_8UC3 : CV_8UC4, img.data(),
                 img.bytes_per_row());
    cv::cvtColor(argb, view, argb.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  DecodedPage p;
  p.gray = view.clone();
  p.dpi = options.pdf_dpi;
  p.source_page = i + 1;
  p.original_width = p.gray.cols;
  p.original_height = p.gray.rows;
  return p;
}

class PdfDecoder : public PageDecoder {
 public:
  PdfDecoder(std::vector<char> data, const LoadOptions& options) : data_(std::move(data)), options_(options) {}
  Status Load() {
    doc_.reset(poppler::document::load_from_raw_data(data_.data(), static_cast<int>(data_.size())));
    if (!doc_) return Status(Code::kBadInput, "PDF could not be opened (damaged or encrypted)");
    if (doc_->is_locked()) return Status(Code::kBadInput, "PDF is password-protected");
    pages_ = doc_->pages();
    if (pages_ <= 0) return Status(Code::kBadInput, "PDF has no pages");
    if (pages_ > options_.max_pages)
      return Status(Code::kTooLarge, "PDF has " + std::to_string(pages_) + " pages, more than the limit of " +
                                         std::to_string(options_.max_pages));
    return Status::Ok();
  }
  int pages() const override { return pages_; }
  Result<DecodedPage> Decode(int index) override {
    if (index < 0 || index >= pages_) return Status(Code::kInvalidArgument, "no PDF page " + std::to_string(index + 1));
    std::lock_guard<std::mutex> lock(mu_);  // one poppler document, one renderer at a time
    return RenderPdfPage(*doc_, index, options_);
  }

 private:
  std::vector<char> data_;
  LoadOptions options_;
  std::unique_ptr<poppler::document> doc_;
  int pages_ = 0;
  std::mutex mu_;
};

}  // namespace

std::string SniffFormat(std::string_view b) {
  using namespace std::literals;
  if (b.empty()) return "zero bytes";
  if (StartsWith(b, "\x89PNG\r\n\x1a\n"sv)) return "png";
  if (StartsWith(b, "\xFF\xD8\xFF"sv)) return "jpeg";
  if (StartsWith(b, "II*\0"sv) || StartsWith(b, "MM\0*"sv)) return "tiff";
  if (StartsWith(b, "%PDF-"sv)) return "pdf";
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return "pnm";
  if (StartsWith(b, "BM"sv)) return "bmp";
  if (StartsWith(b, "GIF8"sv)) return "gif";
  if (b.size() >= 12 && StartsWith(b, "RIFF"sv) && b.substr(8, 4) == "WEBP"sv) return "webp";
  if (StartsWith(b, "\0\0\0\x0CjP  "sv) || StartsWith(b, "\xFF\x4F\xFF\x51"sv)) return "jp2";
  // Not an image: say what it looks like.
  size_t n = std::min<size_t>(b.size(), 512), printable = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    printable += (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') && c != 0x7F;
  }
  if (StartsWith(b, "<"sv) && b.find("html"sv) < 512) return "HTML text";
  if (printable == n) return "text";
  return "unknown binary data";
}

namespace {

// Gray pixels, DPI (metadata, else estimated from the text) and size of one
// decoded page; its size checked again (a header can lie).
Result<DecodedPage> ToDecodedPage(PIX* pix, int index, const LoadOptions& options) {
  if (static_cast<double>(pixGetWidth(pix)) * pixGetHeight(pix) > options.max_pixels)
    return Status(Code::kTooLarge,
                  "page " + std::to_string(index) + " is " + Megapixels(pixGetWidth(pix), pixGetHeight(pix)) + ", over the limit");
  DecodedPage p;
  p.gray = PixToGray(pix);
  if (p.gray.empty()) return Status(Code::kBadInput, "page " + std::to_string(index) + " has an unsupported pixel format");
  p.dpi = PlausibleDpi(pix);
  if (p.dpi == 0) {
    cv::Mat mask;
    cv::threshold(p.gray, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    p.dpi = EstimateDpiFromText(mask);
    p.dpi_estimated = p.dpi > 0;
  }
  p.source_page = index;
  p.original_width = p.gray.cols;
  p.original_height = p.gray.rows;
  return p;
}

Status CheckPixels(double w, double h, const LoadOptions& options, const std::string& what) {
  if (w * h > options.max_pixels)
    return Status(Code::kTooLarge, what + " is " + Megapixels(w, h) + ", over the limit of " +
                                       std::to_string(static_cast<long>(options.max_pixels / 1e6)) + " Mpixel");
  return Status::Ok();
}

// PNG, JPEG, PNM, BMP, GIF, WebP, JP2: one page.
class SingleImageDecoder : public PageDecoder {
 public:
  SingleImageDecoder(std::string bytes, std::string format, const LoadOptions& options)
      : bytes_(std::move(bytes)), format_(std::move(format)), options_(options) {}
  int pages() const override { return 1; }
  Result<DecodedPage> Decode(int index) override {
    if (index != 0) return Status(Code::kInvalidArgument, "no page " + std::to_string(index + 1));
    PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes_.data()), bytes_.size()));
    if (!pix) return Status(Code::kBadInput, format_ + " could not be decoded (damaged or truncated)");
    return ToDecodedPage(pix.get(), 1, options_);
  }

 private:
  std::string bytes_, format_;
  LoadOptions options_;
};

// Where each page of a TIFF starts (its directory's offset) and its size,
// from one walk along the directory chain. Reading page i afterwards starts
// at its own directory: Leptonica's pixReadMemTiff(data, i) and
// readHeaderMemTiff(data, i) walk the chain from the first page every time,
// O(n^2) directory reads over a book (3,000 pages: 4.5 million).
struct TiffPageIndex {
  uint64_t offset = 0;
  uint32_t width = 0, height = 0;
};

struct MemStream {
  const char* data;
  toff_t size, pos = 0;
};

tmsize_t MemRead(thandle_t h, void* buf, tmsize_t n) {
  auto* m = static_cast<MemStream*>(h);
  if (n < 0 || m->pos >= m->size) return 0;
  const toff_t k = std::min<toff_t>(static_cast<toff_t>(n), m->size - m->pos);
  std::memcpy(buf, m->data + m->pos, k);
  m->pos += k;
  return static_cast<tmsize_t>(k);
}
tmsize_t MemWrite(thandle_t, void*, tmsize_t) { return -1; }
toff_t MemSeek(thandle_t h, toff_t off, int whence) {
  auto* m = static_cast<MemStream*>(h);
  toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;
  if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return static_cast<toff_t>(-1);
  m->pos = base + off;  // past the end is allowed; reads there return nothing
  return m->pos;
}
int MemClose(thandle_t) { return 0; }
toff_t MemSize(thandle_t h) { return static_cast<MemStream*>(h)->size; }
int MemMap(thandle_t h, void** base, toff_t* size) {
  auto* m = static_cast<MemStream*>(h);
  *base = const_cast<char*>(m->data);
  *size = m->size;
  return 1;
}
void MemUnmap(thandle_t, void*, toff_t) {}
int TiffQuiet(TIFF*, void*, const char*, const char*, va_list) { return 1; }  // handled: not printed

// The pages of a TIFF in memory (empty when it cannot be read); stops after
// `max_pages` + 1 so that a file over the limit is not walked to its end.
std::vector<TiffPageIndex> IndexTiff(std::string_view bytes, int max_pages) {
  std::vector<TiffPageIndex> pages;
  MemStream stream{bytes.data(), static_cast<toff_t>(bytes.size())};
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(opts, TiffQuiet, nullptr);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, TiffQuiet, nullptr);
  TIFF* tif = TIFFClientOpenExt("ocrflow", "r", &stream, MemRead, MemWrite, MemSeek, MemClose, MemSize, MemMap, MemUnmap,
                                opts);
  TIFFOpenOptionsFree(opts);
  if (tif == nullptr) return pages;
  do {
    TiffPageIndex p;
    p.offset = TIFFCurrentDirOffset(tif);
    if (TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width) != 1 || TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height) != 1)
      p.width = p.height = 0;  // refused when decoded
    pages.push_back(p);
  } while (static_cast<int>(pages.size()) <= max_pages && TIFFReadDirectory(tif) == 1);
  TIFFClose(tif);
  return pages;
}

// A TIFF of any number of pages, each read on its own from its directory
// (pixReadMemFromMultipageTiff at the page's offset), its size checked
// first.
class TiffDecoder : public PageDecoder {
 public:
  TiffDecoder(std::string bytes, std::vector<TiffPageIndex> index, const LoadOptions& options)
      : bytes_(std::move(bytes)), index_(std::move(index)), options_(options) {}
  int pages() const override { return static_cast<int>(index_.size()); }
  Result<DecodedPage> Decode(int index) override {
    if (index < 0 || index >= pages()) return Status(Code::kInvalidArgument, "no TIFF page " + std::to_string(index + 1));
    const TiffPageIndex& page = index_[index];
    if (page.width == 0 || page.height == 0)
      return Status(Code::kBadInput, "TIFF page " + std::to_string(index + 1) + " header is damaged");
    if (Status st = CheckPixels(page.width, page.height, options_, "TIFF page " + std::to_string(index + 1)); !st.ok())
      return st;
    size_t offset = page.offset;
    PixPtr pix(pixReadMemFromMultipageTiff(reinterpret_cast<const l_uint8*>(bytes_.data()), bytes_.size(), &offset));
    if (!pix) return Status(Code::kBadInput, "TIFF page " + std::to_string(index + 1) + " could not be decoded");
    return ToDecodedPage(pix.get(), index + 1, options_);
  }

 private:
  std::string bytes_;
  std::vector<TiffPageIndex> index_;
  LoadOptions options_;
};

}  // namespace

Result<std::unique_ptr<PageDecoder>> PageDecoder::Open(std::string_view bytes, const LoadOptions& options) {
  QuietLeptonica();
  if (bytes.empty()) return Status(Code::kBadInput, "empty file (zero bytes)");
  const std::string format = SniffFormat(bytes);
  static const char* kImage[] = {"png", "jpeg", "tiff", "pnm", "bmp", "gif", "webp", "jp2"};
  if (format == "pdf") {
    auto pdf = std::make_unique<PdfDecoder>(std::vector<char>(bytes.begin(), bytes.end()), options);
    if (Status st = pdf->Load(); !st.ok()) return st;
    return std::unique_ptr<PageDecoder>(std::move(pdf));
  }
  if (std::find_if(std::begin(kImage), std::end(kImage), [&](const char* f) { return format == f; }) == std::end(kImage))
    return Status(Code::kBadInput, "not an image or PDF (content is " + format + ")");
  if (Status st = CheckComplete(bytes, format); !st.ok()) return st;
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 fmt = 0, w = 0, h = 0, bps = 0, spp = 0, iscmap = 0;
  if (pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &iscmap) != 0 || w <= 0 || h <= 0) {
    // Leptonica reads uncompressed BMP only; ImageMagick writes 8-bit BMP
    // run-length encoded by default (compression field at byte 30).
    if (format == "bmp" && bytes.size() >= 34 && (bytes[30] == 1 || bytes[30] == 2) && bytes[31] == 0 &&
        bytes[32] == 0 && bytes[33] == 0)
      return Status(Code::kBadInput, "run-length encoded (RLE) BMP is not supported; save it uncompressed or as PNG");
    return Status(Code::kBadInput, format + " header is damaged");
  }
  if (Status st = CheckPixels(w, h, options, "image"); !st.ok()) return st;
  if (format == "tiff") {
    std::vector<TiffPageIndex> index = IndexTiff(bytes, options.max_pages);
    if (index.empty()) return Status(Code::kBadInput, "TIFF could not be decoded (damaged or truncated)");
    if (static_cast<int>(index.size()) > options.max_pages)
      return Status(Code::kTooLarge, "TIFF has more pages than the limit of " + std::to_string(options.max_pages));
    return std::unique_ptr<PageDecoder>(std::make_unique<TiffDecoder>(std::string(bytes), std::move(index), options));
  }
  return std::unique_ptr<PageDecoder>(std::make_unique<SingleImageDecoder>(std::string(bytes), format, options));
}

Result<std::vector<DecodedPage>> DecodePages(std::string_view bytes, const LoadOptions& options) {
  auto decoder = PageDecoder::Open(bytes, options);
  if (!decoder.ok()) return decoder.status();
  std::vector<DecodedPage> pages;
  for (int i = 0; i < (*decoder)->pages(); ++i) {
    auto page = (*decoder)->Decode(i);
    if (!page.ok()) return page.status();
    pages.push_back(std::move(page).value());
  }
  return pages;
}

double EstimateDpiFromText(const cv::Mat& text_mask) {
  if (text_mask.empty()) return 0;
  // Ink: mask values up to 127. No label image (ink_components.h).
  cv::Mat stats, centroids;
  const int n = image::InkComponents(text_mask, 128, &stats, &centroids);
  std::vector<int> heights;
  for (int i = 1; i < n; ++i) {
    int h = stats.at<int>(i, cv::CC_STAT_HEIGHT), w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    if (h >= 6 && h < text_mask.rows / 8 && w < 4 * h) heights.push_back(h);
  }
  if (heights.size() < 50) return 0;
  std::nth_element(heights.begin(), heights.begin() + heights.size() * 3 / 4, heights.end());
  // The upper quartile of component heights is close to the full glyph
  // height (many CJK components are radicals, many Latin ones x-height).
  // Body text of about 10 pt has glyphs about 0.8 em = 8 pt tall.
  double glyph_px = heights[heights.size() * 3 / 4];
  return glyph_px / (8.0 / 72.0);
}

}  // namespace ocrflow::io
