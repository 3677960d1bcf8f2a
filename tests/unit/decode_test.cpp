// The page decoder (pipeline/io/decode.h) on the decoder fuzzer's seed corpus
// (tests/fuzz/decode_corpus, made by tests/fuzz/make_decode_corpus.sh): every
// seed is a valid page in its format, so the fuzzer starts from inputs that
// reach the pixel decoders, and every format the header promises is read.
// Former fuzzer findings are at the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "pipeline/io/decode.h"

#include <leptonica/allheaders.h>

namespace ocrflow::io {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const fs::path kCorpus = fs::path(OCRFLOW_SOURCE_DIR) / "tests/fuzz/decode_corpus";

TEST(DecodeCorpusTest, EverySeedDecodesEveryPage) {
  // extension -> format the content must be sniffed as
  const std::map<std::string, std::string> kFormat = {
      {".png", "png"}, {".jpg", "jpeg"}, {".tif", "tiff"}, {".pgm", "pnm"},  {".pbm", "pnm"}, {".ppm", "pnm"},
      {".webp", "webp"}, {".jp2", "jp2"}, {".j2k", "jp2"}, {".bmp", "bmp"}, {".gif", "gif"}, {".pdf", "pdf"}};
  // file -> {pages, width, height}; others are one 96x40 page
  struct Shape { int pages, w, h; };
  const std::map<std::string, Shape> kShape = {
      {"multipage.tif", {3, 96, 40}}, {"twopage.pdf", {2, 600, 300}},  // 144x72 pt at 300 dpi; page 2 rotated
      {"ascii.pgm", {1, 40, 20}},     {"rgb.ppm", {1, 48, 20}}};
  std::set<std::string> formats;
  int files = 0;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    const std::string name = e.path().filename().string();
    SCOPED_TRACE(name);
    ++files;
    const std::string bytes = ReadAll(e.path());
    ASSERT_TRUE(kFormat.count(e.path().extension().string()));
    EXPECT_EQ(SniffFormat(bytes), kFormat.at(e.path().extension().string()));
    formats.insert(SniffFormat(bytes));
    auto pages = DecodePages(bytes);
    ASSERT_TRUE(pages.ok()) << pages.status().ToString();
    Shape want = kShape.count(name) ? kShape.at(name) : Shape{1, 96, 40};
    ASSERT_EQ(static_cast<int>(pages->size()), want.pages);
    for (size_t i = 0; i < pages->size(); ++i) {
      const DecodedPage& p = (*pages)[i];
      EXPECT_EQ(p.source_page, static_cast<int>(i) + 1);
      EXPECT_EQ(p.gray.type(), CV_8UC1);
      EXPECT_EQ(p.gray.cols, want.w);
      EXPECT_EQ(p.gray.rows, want.h);
      // Every seed has ink on white: not a blank or inverted decode.
      double lo = 0, hi = 0;
      cv::minMaxLoc(p.gray, &lo, &hi);
      EXPECT_LT(lo, 100) << "page " << i + 1 << " has no ink";
      EXPECT_GT(hi, 200) << "page " << i + 1 << " has no paper";
    }
  }
  EXPECT_GE(files, 20);
  EXPECT_EQ(formats.size(), 9u);  // png jpeg tiff pnm webp jp2 bmp gif pdf
}

// ImageMagick writes 8-bit BMP run-length encoded unless told otherwise;
// Leptonica reads uncompressed BMP only. Refused, and the message says why
// (it said "bmp header is damaged").
TEST(DecodeCorpusTest, RunLengthEncodedBmpIsRefusedWithTheReason) {
  std::string bmp(14 + 40 + 256 * 4, '\0');
  auto put = [&](size_t at, uint32_t v, int n) {
    for (int i = 0; i < n; ++i) bmp[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  bmp[0] = 'B', bmp[1] = 'M';
  put(10, static_cast<uint32_t>(bmp.size()), 4);  // pixels right after the palette
  put(14, 40, 4);                                  // BITMAPINFOHEADER
  put(18, 4, 4), put(22, 4, 4), put(26, 1, 2), put(28, 8, 2);
  put(30, 1, 4);  // BI_RLE8
  bmp += std::string("\x04\x00\x00\x00\x04\x00\x00\x00\x04\x00\x00\x00\x04\x00\x00\x01", 16);
  put(2, static_cast<uint32_t>(bmp.size()), 4);
  put(34, 16, 4);
  auto pages = DecodePages(bmp);
  ASSERT_FALSE(pages.ok());
  EXPECT_NE(pages.status().message().find("run-length encoded"), std::string::npos) << pages.status().ToString();
}

// A multi-page TIFF is indexed once (each page's directory offset and size)
// and each page read from its own directory: pages of different sizes come
// out in order with their own sizes, a page over the pixel limit is refused
// on its own from its header, and a file over the page limit at Open.
std::string MultipageTiff(const std::vector<cv::Size>& sizes) {
  PIXA* pixa = pixaCreate(0);
  for (size_t i = 0; i < sizes.size(); ++i) {
    PIX* pix = pixCreate(sizes[i].width, sizes[i].height, 1);
    pixSetAll(pix);                                        // black
    BOX* mark = boxCreate(1, 1, 3 + static_cast<int>(i), 2);  // a white mark of its own width
    pixClearInRect(pix, mark);
    boxDestroy(&mark);
    pixaAddPix(pixa, pix, L_INSERT);
  }
  l_uint8* data = nullptr;
  size_t size = 0;
  pixaWriteMemMultipageTiff(&data, &size, pixa);
  pixaDestroy(&pixa);
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}

TEST(DecodeCorpusTest, MultipageTiffPagesInOrderEachCheckedOnItsOwn) {
  const std::vector<cv::Size> sizes = {{40, 30}, {41, 31}, {300, 300}, {43, 33}, {44, 34}};
  const std::string tiff = MultipageTiff(sizes);
  ASSERT_FALSE(tiff.empty());
  LoadOptions options;
  options.max_pixels = 10000;  // page 3 (90000) is over it
  auto decoder = PageDecoder::Open(tiff, options);
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  ASSERT_EQ((*decoder)->pages(), 5);
  for (int i : {4, 0, 3, 1}) {  // any order: each page from its own directory
    auto page = (*decoder)->Decode(i);
    ASSERT_TRUE(page.ok()) << i << ": " << page.status().ToString();
    EXPECT_EQ(page->source_page, i + 1);
    EXPECT_EQ(page->gray.cols, sizes[i].width);
    EXPECT_EQ(page->gray.rows, sizes[i].height);
    EXPECT_EQ(cv::countNonZero(page->gray), (3 + i) * 2) << "page " << i + 1 << " is another page's pixels";
  }
  auto big = (*decoder)->Decode(2);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), Code::kTooLarge);
  EXPECT_NE(big.status().message().find("TIFF page 3"), std::string::npos) << big.status().ToString();
  EXPECT_FALSE((*decoder)->Decode(5).ok());

  options.max_pages = 4;
  auto refused = PageDecoder::Open(tiff, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kTooLarge);
}

}  // namespace
}  // namespace ocrflow::io
