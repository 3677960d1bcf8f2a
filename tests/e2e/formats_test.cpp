// The archive formats of `ocrflow run --format alto,hocr,pdf`
// (docs/formats.md) through the real binary, on generated pages whose
// truth is known: a Chinese page (PNG: the PDF carries Flate pixels) and an
// English one (JPEG: embedded as is), both skewed so that the boxes must be
// mapped back through deskew's rotation, and the English one again turned
// a quarter (PNG), so that they must be mapped back through orient's turn.
//
// The text rule, the same for every format: per page, per block
// (TextBlock, ocr_par), per line, per word: its text, then one space where
// the file has one (ALTO: an SP; hOCR: a space after the word's span);
// "\n" after each block. That must be the .txt exactly; so must PAGE XML's
// TextRegion texts, one a line. The PDF's text
// (pdftotext -raw) must be the .txt with all whitespace removed: pdftotext
// puts its own line ends and spaces where the words stand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/archive_text.h"
#include "tests/e2e/cli_harness.h"

namespace fs = std::filesystem;

namespace {

using namespace ocrflow::e2e;

struct Generated {
  std::string lang, dir, image;  // image: file name under the test's folder, in dir/
  double skew;
  bool turned = false;  // the en page turned 90 degrees clockwise: orient turns it back
};

const Generated kPages[] = {{"zh", "zh", "zh/page-001.png", 2.0},
                            {"en", "en", "en/page-001.jpg", -2.0},
                            {"en", "turned", "turned/page-001.png", -2.0, true}};

struct Rect {
  double x0, y0, x1, y1;
};

double Iou(const Rect& a, const Rect& b) {
  const double ix = std::max(0.0, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const double iy = std::max(0.0, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const double u = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - ix * iy;
  return u > 0 ? ix * iy / u : 0;
}

// pagegen's line boxes (em boxes on the unskewed page) in the image: the
// bounding box of their corners through truth.json's rotation (and, for
// the turned page, the clockwise turn: (x, y) -> (H - y, x)).
std::vector<Rect> TruthLines(const fs::path& truth_file, bool turned) {
  const auto t = nlohmann::json::parse(Slurp(truth_file));
  const auto& r = t["rotation"];
  std::vector<Rect> out;
  for (const auto& b : t["blocks"])
    for (const auto& l : b["lines"]) {
      const double x = l["x"], y = l["y"], w = l["w"], h = l["h"];
      Rect a{1e9, 1e9, -1e9, -1e9};
      for (double cx : {x, x + w})
        for (double cy : {y, y + h}) {
          const double px = r[0][0].get<double>() * cx + r[0][1].get<double>() * cy + r[0][2].get<double>();
          const double py = r[1][0].get<double>() * cx + r[1][1].get<double>() * cy + r[1][2].get<double>();
          a = {std::min(a.x0, px), std::min(a.y0, py), std::max(a.x1, px), std::max(a.y1, py)};
        }
      if (turned) {
        const double H = t["image"]["height"].get<double>();
        a = {H - a.y1, a.x0, H - a.y0, a.x1};
      }
      out.push_back(a);
    }
  return out;
}

std::vector<Rect> AltoLines(const std::string& x) {
  std::vector<Rect> out;
  static const std::regex kLine(R"re(<TextLine ID="[^"]*" HPOS="(-?\d+)" VPOS="(-?\d+)" WIDTH="(\d+)" HEIGHT="(\d+)")re");
  for (std::sregex_iterator it(x.begin(), x.end(), kLine), end; it != end; ++it) {
    const double l = std::stod((*it)[1]), t = std::stod((*it)[2]), w = std::stod((*it)[3]), h = std::stod((*it)[4]);
    out.push_back({l, t, l + w, t + h});
  }
  return out;
}

// The pages are generated and read once (~50 s of OCR): ctest runs every
// test in a process of its own, so the checks are the steps of one test.
class Formats : public ::testing::Test {
 protected:
  static void Generate() {
    dir_ = fs::temp_directory_path() / ("ocrflow-e2e-formats-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string gen = std::string("'") + OCRFLOW_PAGEGEN + "' --columns 2 --dpi 200 --seed 5 --out '" + dir_.string();
    ran_ = std::system((gen + "/zh' --lang zh --skew 2 > /dev/null").c_str()) == 0 &&
           std::system((gen + "/en' --lang en --skew -2 --jpeg 90 > /dev/null").c_str()) == 0;
    if (!ran_) return;
    cv::Mat turned;
    cv::rotate(cv::imread((dir_ / kPages[1].image).string(), cv::IMREAD_GRAYSCALE), turned, cv::ROTATE_90_CLOCKWISE);
    fs::create_directories(dir_ / "turned");
    ran_ = cv::imwrite((dir_ / kPages[2].image).string(), turned);
    const std::string run = std::string("'") + OCRFLOW_BIN + "' run '" + (dir_ / kPages[0].image).string() + "' '" +
                            (dir_ / kPages[1].image).string() + "' '" + (dir_ / kPages[2].image).string() + "' -o '" +
                            (dir_ / "out").string() +
                            "' --format txt,alto,hocr,pdf,page --jobs 2 2> '" + (dir_ / "run.log").string() + "'";
    ran_ = std::system(run.c_str()) == 0;
  }
  void SetUp() override { Generate(); }
  void TearDown() override { fs::remove_all(dir_); }

  void EveryFormatIsWrittenAndTheXmlIsWellFormed();
  void AltoAndHocrWordsAreTheTxtExactly();
  void ThePdfTextIsTheTxtAndAJpegIsEmbeddedAsIs();
  void LineBoxesLandWhereTheLinesWereDrawn();
  void ReflowFromAltoAndHocrGivesTheTextBack();
  void ChineseAltoHasAStringPerCharacter();
  void WordBoxesLieOnTheirInk();

  static fs::path Out(const Generated& p, const std::string& ext) {
    return dir_ / "out" / p.dir / ("page-001" + ext);
  }

  static fs::path dir_;
  static bool ran_;
};

fs::path Formats::dir_;
bool Formats::ran_ = false;

void Formats::EveryFormatIsWrittenAndTheXmlIsWellFormed() {
  for (const Generated& p : kPages) {
    for (const char* ext : {".txt", ".alto.xml", ".hocr", ".pdf", ".page.xml"})
      EXPECT_TRUE(fs::exists(Out(p, ext))) << p.dir << ext;
    for (const char* ext : {".alto.xml", ".hocr", ".page.xml"}) {
      int st = -1;
      const std::string err = Command("xmllint --noout '" + Out(p, ext).string() + "' 2>&1", &st);
      EXPECT_EQ(st, 0) << p.dir << ext << ": " << err;
    }
  }
}

void Formats::AltoAndHocrWordsAreTheTxtExactly() {
  for (const Generated& p : kPages) {
    const std::string txt = Slurp(Out(p, ".txt"));
    ASSERT_GT(txt.size(), 500u) << p.dir;
    EXPECT_EQ(AltoText(Slurp(Out(p, ".alto.xml"))), txt) << p.dir;
    EXPECT_EQ(HocrText(Slurp(Out(p, ".hocr"))), txt) << p.dir;
    EXPECT_EQ(PageXmlText(Slurp(Out(p, ".page.xml"))), txt) << p.dir;
  }
}

void Formats::ThePdfTextIsTheTxtAndAJpegIsEmbeddedAsIs() {
  for (const Generated& p : kPages) {
    int st = -1;
    const std::string text = Command("pdftotext -raw '" + Out(p, ".pdf").string() + "' - 2>&1", &st);
    ASSERT_EQ(st, 0) << "pdftotext (poppler-utils, scripts/setup.sh) failed: " << text;
    EXPECT_EQ(NoWhitespace(text), NoWhitespace(Slurp(Out(p, ".txt")))) << p.dir;
  }
  const std::string jpeg_pdf = Slurp(Out(kPages[1], ".pdf"));
  EXPECT_NE(jpeg_pdf.find("/DCTDecode"), std::string::npos);
  EXPECT_NE(jpeg_pdf.find(Slurp(dir_ / kPages[1].image)), std::string::npos) << "the JPEG's bytes, unchanged";
  EXPECT_NE(Slurp(Out(kPages[0], ".pdf")).find("/FlateDecode /Length"), std::string::npos);
}

// Lines read on the deskewed page, mapped back to the skewed image, against
// where pagegen drew them: the median of each line's mean edge distance
// (left, top, right, bottom; pagegen's boxes are em boxes, the OCR's are
// ink boxes, so part of it is that difference).
void Formats::LineBoxesLandWhereTheLinesWereDrawn() {
  for (const Generated& p : kPages) {
    const std::vector<Rect> truth = TruthLines(dir_ / p.lang / "page-001.truth.json", p.turned);
    const std::vector<Rect> read = AltoLines(Slurp(Out(p, ".alto.xml")));
    ASSERT_GT(read.size(), 30u) << p.dir;
    std::vector<double> errors;
    for (const Rect& r : read) {
      const Rect* best = nullptr;
      for (const Rect& t : truth)
        if (!best || Iou(r, t) > Iou(r, *best)) best = &t;
      if (!best || Iou(r, *best) < 0.5) continue;
      errors.push_back((std::abs(r.x0 - best->x0) + std::abs(r.y0 - best->y0) + std::abs(r.x1 - best->x1) +
                        std::abs(r.y1 - best->y1)) / 4);
    }
    EXPECT_GE(errors.size(), read.size() * 9 / 10) << p.dir << ": lines matched to a drawn line";
    std::nth_element(errors.begin(), errors.begin() + errors.size() / 2, errors.end());
    const double median = errors[errors.size() / 2];
    std::printf("[ measured ] %s, skew %.1f%s: median line box error %.2f px over %zu lines\n", p.lang.c_str(), p.skew,
                p.turned ? ", turned 90" : "", median, errors.size());
    EXPECT_LE(median, 2.0) << p.dir;
  }
}

// `reflow --from alto|hocr|page` reads the words and boxes back and reflows
// them as `run` did: the same characters in the same order (measured: en and
// the turned en page give the .txt byte for byte, zh one paragraph break
// more; docs/formats.md).
void Formats::ReflowFromAltoAndHocrGivesTheTextBack() {
  for (const Generated& p : kPages) {
    const std::string txt = Slurp(Out(p, ".txt"));
    for (const char* from : {"alto", "hocr", "page"}) {
      int st = -1;
      const std::string f(from);
      const std::string file = Out(p, f == "alto" ? ".alto.xml" : f == "hocr" ? ".hocr" : ".page.xml").string();
      const std::string back = Command(std::string("'") + OCRFLOW_BIN + "' reflow --from " + from + " '" + file + "'", &st);
      ASSERT_EQ(st, 0) << p.dir << " " << from;
      EXPECT_EQ(NoWhitespace(back), NoWhitespace(txt)) << p.dir << " " << from;
      const auto lines = [](const std::string& t) { return std::count(t.begin(), t.end(), '\n'); };
      EXPECT_NEAR(lines(back), lines(txt), 2) << p.dir << " " << from << ": paragraphs\n" << back;
      std::printf("[ measured ] %s from %s: %s\n", p.dir.c_str(), from, back == txt ? "the .txt exactly" : "differs");
    }
  }
}

// ALTO on the Chinese page: a String per CJK character, its box about one
// character wide (pagegen's characters are square: width/height near 1)
// and inside its line; no SP between two CJK characters of one run. The
// words still give the .txt (AltoAndHocrWordsAreTheTxtExactly).
void Formats::ChineseAltoHasAStringPerCharacter() {
  const std::string x = Slurp(Out(kPages[0], ".alto.xml"));
  static const std::regex kItem(
      R"re(<TextLine ID="[^"]*" HPOS="(-?\d+)" VPOS="(-?\d+)" WIDTH="(\d+)" HEIGHT="(\d+)"|<String ID="[^"]*" HPOS="(-?\d+)" VPOS="(-?\d+)" WIDTH="(\d+)" HEIGHT="(\d+)" CONTENT="([^"]*)"|<SP )re");
  const auto is_cjk = [](const std::string& s) {  // a UTF-8 character of 3 bytes from U+2E80 on: CJK here
    return s.size() >= 3 && static_cast<unsigned char>(s[0]) >= 0xE2 && static_cast<unsigned char>(s[0]) < 0xF0 &&
           !(static_cast<unsigned char>(s[0]) == 0xE2 && static_cast<unsigned char>(s[1]) < 0xBA);
  };
  double lx0 = 0, ly0 = 0, lx1 = 0, ly1 = 0;
  int cjk_strings = 0, outside = 0, sp_between = 0;
  std::vector<double> ratios;
  bool last_cjk = false, sp_after_cjk = false;
  for (std::sregex_iterator it(x.begin(), x.end(), kItem), end; it != end; ++it) {
    const std::smatch& m = *it;
    if (m[1].matched) {
      lx0 = std::stod(m[1]), ly0 = std::stod(m[2]), lx1 = lx0 + std::stod(m[3]), ly1 = ly0 + std::stod(m[4]);
      last_cjk = sp_after_cjk = false;
      continue;
    }
    if (!m[5].matched) {  // <SP
      sp_after_cjk = last_cjk;
      continue;
    }
    const std::string content = Unescape(m[9]);
    const bool cjk = is_cjk(content);
    if (cjk) {
      EXPECT_EQ(content.size(), 3u) << "a String of CJK holds one character: " << content;
      ++cjk_strings;
      const double x0 = std::stod(m[5]), y0 = std::stod(m[6]), w = std::stod(m[7]), h = std::stod(m[8]);
      ratios.push_back(w / std::max(1.0, h));
      outside += x0 < lx0 - 2 || y0 < ly0 - 2 || x0 + w > lx1 + 2 || y0 + h > ly1 + 2;
      sp_between += sp_after_cjk;
    }
    last_cjk = cjk;
    sp_after_cjk = false;
  }
  EXPECT_GT(cjk_strings, 500);
  EXPECT_EQ(outside, 0) << "CJK Strings outside their TextLine";
  EXPECT_LE(sp_between, cjk_strings / 50) << "SP between two CJK characters";
  ASSERT_FALSE(ratios.empty());
  std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
  const double median = ratios[ratios.size() / 2];
  std::printf("[ measured ] zh ALTO: %d CJK Strings, median width/height %.2f\n", cjk_strings, median);
  EXPECT_GT(median, 0.6);
  EXPECT_LT(median, 1.4);
}

// Every ALTO String's box lies on its ink in the image as given (deskew and
// the turn undone). Across the line: the box holds most of the ink of the
// band around it (grown by a quarter of its height over and under the line;
// a box shifted off its line or too thin leaves its glyphs' ink outside).
// Along the line: its ink spans most of its length (a box shifted along the
// line, or too long, holds white at one end). pagegen records line boxes
// only, so the ink is the truth here.
void Formats::WordBoxesLieOnTheirInk() {
  static const std::regex kString(R"re(<String ID="[^"]*" HPOS="(-?\d+)" VPOS="(-?\d+)" WIDTH="(\d+)" HEIGHT="(\d+)")re");
  for (const Generated& p : kPages) {
    const cv::Mat gray = cv::imread((dir_ / p.image).string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(gray.empty()) << p.image;
    const cv::Mat ink = gray < 128;
    const cv::Rect page(0, 0, ink.cols, ink.rows);
    const std::string x = Slurp(Out(p, ".alto.xml"));
    int words = 0, empty = 0;
    std::vector<double> captured, spanned;
    for (std::sregex_iterator it(x.begin(), x.end(), kString), end; it != end; ++it) {
      const cv::Rect box = cv::Rect(std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])) & page;
      ++words;
      const int inside = box.area() > 0 ? cv::countNonZero(ink(box)) : 0;
      if (inside == 0) {
        ++empty;
        continue;
      }
      // The turned page's lines run down the image.
      const int across = p.turned ? box.width : box.height, grow = std::max(1, across / 4);
      const cv::Rect band = (p.turned ? cv::Rect(box.x - grow, box.y, box.width + 2 * grow, box.height)
                                      : cv::Rect(box.x, box.y - grow, box.width, box.height + 2 * grow)) & page;
      captured.push_back(static_cast<double>(inside) / cv::countNonZero(ink(band)));
      cv::Mat profile;
      cv::reduce(ink(box), profile, p.turned ? 1 : 0, cv::REDUCE_MAX);
      std::vector<cv::Point> on;
      cv::findNonZero(profile, on);
      int lo = 1 << 30, hi = -1;
      for (const cv::Point& q : on) lo = std::min(lo, p.turned ? q.y : q.x), hi = std::max(hi, p.turned ? q.y : q.x);
      spanned.push_back(static_cast<double>(hi - lo + 1) / (p.turned ? box.height : box.width));
    }
    ASSERT_GT(words, 100) << p.dir;
    std::sort(captured.begin(), captured.end());
    std::sort(spanned.begin(), spanned.end());
    const auto at = [](const std::vector<double>& v, double q) { return v[static_cast<size_t>(q * (v.size() - 1))]; };
    std::printf("[ measured ] %s%s: %d words, %d without ink; ink of the band captured: median %.3f, 5th pct %.3f; "
                "ink along the box: median %.3f, 5th pct %.3f\n",
                p.lang.c_str(), p.turned ? " turned 90" : "", words, empty, at(captured, 0.5), at(captured, 0.05),
                at(spanned, 0.5), at(spanned, 0.05));
    EXPECT_LE(empty, words / 100) << p.dir << ": word boxes on white paper";
    // Measured: band 1.000 / 0.99 everywhere; along the box en 0.97 / 0.92
    // (turned 0.97 / 0.89), zh 0.90 / 0.44: a CJK comma or full stop fills
    // a character's cell with its ink in one corner.
    EXPECT_GE(at(captured, 0.5), 0.95) << p.dir;
    EXPECT_GE(at(captured, 0.05), 0.9) << p.dir;
    EXPECT_GE(at(spanned, 0.5), p.lang == "zh" ? 0.8 : 0.9) << p.dir;
    EXPECT_GE(at(spanned, 0.05), p.lang == "zh" ? 0.3 : 0.8) << p.dir;
  }
}

TEST_F(Formats, ZhAndEnPagesInEveryFormat) {
  ASSERT_TRUE(ran_) << Slurp(dir_ / "run.log");
  {
    SCOPED_TRACE("written, well-formed");
    EveryFormatIsWrittenAndTheXmlIsWellFormed();
  }
  {
    SCOPED_TRACE("ALTO and hOCR text");
    AltoAndHocrWordsAreTheTxtExactly();
  }
  {
    SCOPED_TRACE("PDF");
    ThePdfTextIsTheTxtAndAJpegIsEmbeddedAsIs();
  }
  {
    SCOPED_TRACE("box accuracy");
    LineBoxesLandWhereTheLinesWereDrawn();
  }
  {
    SCOPED_TRACE("reflow --from");
    ReflowFromAltoAndHocrGivesTheTextBack();
  }
  {
    SCOPED_TRACE("zh ALTO per character");
    ChineseAltoHasAStringPerCharacter();
  }
  {
    SCOPED_TRACE("word boxes on their ink");
    WordBoxesLieOnTheirInk();
  }
}

// A broken PAGE file: exit 1 (an input failed, as for alto and hocr), the
// file and what is wrong on stderr, the next input still read.
TEST(FormatsUsage, ReflowFromBrokenPageXmlNamesTheFileAndGoesOn) {
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-e2e-pagein-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string good =
      "<PcGts><Page imageWidth=\"500\" imageHeight=\"500\"><TextRegion id=\"r\"><Coords points=\"10,10 400,10 "
      "400,40 10,40\"/><TextLine id=\"l\"><Coords points=\"10,10 400,10 400,40 10,40\"/><TextEquiv><Unicode>Hello "
      "there.</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>";
  std::string bad = good;
  bad.replace(bad.find("400,40"), 6, "400,4x");
  {
    FILE* f = std::fopen((dir / "bad.page.xml").c_str(), "w");
    std::fputs(bad.c_str(), f);
    std::fclose(f);
    f = std::fopen((dir / "good.page.xml").c_str(), "w");
    std::fputs(good.c_str(), f);
    std::fclose(f);
  }
  int st = -1;
  const std::string out = Command(std::string("'") + OCRFLOW_BIN + "' reflow --from page '" + (dir / "bad.page.xml").string() +
                                      "' '" + (dir / "good.page.xml").string() + "' -o '" + (dir / "out").string() +
                                      "' 2>&1",
                                  &st);
  EXPECT_EQ(WEXITSTATUS(st), 1) << out;
  EXPECT_NE(out.find("bad.page.xml: Coords of TextRegion: points"), std::string::npos) << out;
  // (reflow keeps an input's name under -o DIR, as for alto and hocr)
  EXPECT_EQ(Slurp(dir / "out" / "good.page.xml"), "Hello there.\n") << out;
  fs::remove_all(dir);
}

// run --isolate: the worker process renders the formats and sends them
// back with the .txt; the files are the in-process run's, byte for byte.
TEST(FormatsIsolated, AWorkerProcessWritesTheSameFiles) {
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-e2e-formats-isolated-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::string page = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/en-2col-001.png";
  for (const char* mode : {"inproc", "isolate"}) {
    const std::string cmd = std::string("'") + OCRFLOW_BIN + "' run '" + page + "' -o '" + (dir / mode).string() +
                            "' --format txt,alto,hocr,pdf -q --jobs 1" + (std::string(mode) == "isolate" ? " --isolate" : " --no-isolate");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  for (const char* ext : {".txt", ".alto.xml", ".hocr", ".pdf"}) {
    const std::string a = Slurp(dir / "inproc" / ("en-2col-001" + std::string(ext)));
    EXPECT_FALSE(a.empty()) << ext;
    EXPECT_TRUE(a == Slurp(dir / "isolate" / ("en-2col-001" + std::string(ext)))) << ext << " differs";
  }
  fs::remove_all(dir);
}

// PAGE XML from a worker process: a document per page of a 2-page TIFF
// (<name>-p1.page.xml, -p2), the in-process run's files byte for byte
// (SOURCE_DATE_EPOCH fixes the one thing two runs would differ in, the
// Metadata's time); each well-formed, and the pages' region texts, one
// after the other, are the .txt.
TEST(FormatsIsolated, PageXmlOfATwoPageInputIsTheSameFromAWorker) {
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-e2e-formats-page-isolated-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string samples = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/";
  const std::vector<cv::Mat> pages = {cv::imread(samples + "en-2col-001.png", cv::IMREAD_GRAYSCALE),
                                      cv::imread(samples + "zh-clean-001.png", cv::IMREAD_GRAYSCALE)};
  ASSERT_FALSE(pages[0].empty() || pages[1].empty());
  const fs::path tiff = dir / "two.tif";
  ASSERT_TRUE(cv::imwritemulti(tiff.string(), pages));
  for (const char* mode : {"inproc", "isolate"}) {
    const std::string cmd = "SOURCE_DATE_EPOCH=1700000000 '" + std::string(OCRFLOW_BIN) + "' run '" + tiff.string() +
                            "' -o '" + (dir / mode).string() + "' --format txt,page -q --jobs 1" +
                            (std::string(mode) == "isolate" ? " --isolate" : " --no-isolate");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  EXPECT_FALSE(fs::exists(dir / "isolate" / "two.page.xml")) << "one file per page, not one for the input";
  std::string page_text;
  for (const char* name : {"two.txt", "two-p1.page.xml", "two-p2.page.xml"}) {
    const std::string a = Slurp(dir / "inproc" / name);
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_TRUE(a == Slurp(dir / "isolate" / name)) << name << " differs";
    if (std::string(name).ends_with(".page.xml")) {
      int st = -1;
      const std::string err = Command("xmllint --noout '" + (dir / "isolate" / name).string() + "' 2>&1", &st);
      EXPECT_EQ(st, 0) << name << ": " << err;
      EXPECT_NE(a.find("<Created>2023-11-14T22:13:20</Created>"), std::string::npos) << name;
      page_text += PageXmlText(a);
    }
  }
  EXPECT_EQ(page_text, Slurp(dir / "isolate" / "two.txt"));
  fs::remove_all(dir);
}

}  // namespace
