// The page decoder (stages/image/load.h) on the decoder fuzzer's seed corpus
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

#include "stages/image/load.h"

namespace ocrflow::image {
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

}  // namespace
}  // namespace ocrflow::image
