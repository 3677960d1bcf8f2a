// End-to-end tests of `ocrflow run` through the real binary, on page images
// rendered here with our own text: outputs and their contract, orientation,
// blank pages, and bad input that must be reported, never crash the run.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "pipeline/eval/eval.h"
#include "tests/e2e/bad_images.h"
#include "tests/e2e/cli_harness.h"

namespace fs = std::filesystem;

namespace {

using namespace ocrflow::e2e;

// Our own model news prose, two paragraphs, hard-wrapped as printed: the
// second paragraph starts with a two-character indent.
const char* kLines[] = {
    "　　市政府今天召开新闻发布会，介绍了今年城市",
    "建设的主要成绩。全市新建道路一百二十公里，改",
    "造老旧小区三百余个。",
    "　　据介绍，明年将继续推进公共交通建设，新开通",
    "地铁线路两条，并在河湾区建设两座公园。",
};
const char* kExpected =
    "市政府今天召开新闻发布会，介绍了今年城市建设的主要成绩。全市新建道路一百二十公里，改造老旧小区三百余个。\n"
    "据介绍，明年将继续推进公共交通建设，新开通地铁线路两条，并在河湾区建设两座公园。\n";

constexpr const char* kCjkFont = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr int kCjkFace = 2;  // Simplified Chinese
constexpr const char* kLatinFont = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";

// Draws `lines` one under the other on `img` (BGR) from x, in 40 px type
// 62 px apart, the first baseline at y 120.
void DrawLines(cv::Mat& img, const char* font, int face, const std::vector<const char*>& lines, int x) {
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(font, face);
  int y = 120;
  for (const char* l : lines) {
    ft->putText(img, l, {x, y}, 40, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
    y += 62;
  }
}

cv::Mat Gray(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

cv::Mat RenderPage() {
  cv::Mat img(800, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  DrawLines(img, kCjkFont, kCjkFace, {std::begin(kLines), std::end(kLines)}, 60);
  return Gray(img);
}


// OCR may misread a character now and then; the tests hold the output to
// the paragraph structure exactly and to the characters within 2 % CER.
void ExpectReads(const std::string& output, const std::string& expected) {
  ocrflow::eval::Scores s = ocrflow::eval::Evaluate(output, expected);
  EXPECT_LE(s.cer, 0.02) << output;
  EXPECT_EQ(s.output_paragraphs, s.gold_paragraphs) << output;
  EXPECT_DOUBLE_EQ(s.f1, 1.0) << output;
}

// A one-page PDF holding `jpeg` as a full-page image at `dpi` (written by
// hand: the smallest valid file, with a correct cross-reference table).
std::string PdfWithJpeg(const std::vector<unsigned char>& jpeg, int w, int h, int dpi) {
  const double pw = w * 72.0 / dpi, ph = h * 72.0 / dpi;
  std::vector<std::string> objs;
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objs.push_back("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
                pw, ph);
  objs.push_back(buf);
  std::snprintf(buf, sizeof buf,
                "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
                "/Filter /DCTDecode /Length %zu >>\nstream\n",
                w, h, jpeg.size());
  objs.push_back(std::string(buf) + std::string(jpeg.begin(), jpeg.end()) + "\nendstream");
  std::snprintf(buf, sizeof buf, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph);
  std::string content = buf;
  objs.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

class RunCli : public CliTest {};

TEST_F(RunCli, ReadsAPageIntoParagraphsWithJson) {
  cv::imwrite((dir_ / "page.png").string(), RenderPage());
  CliResult r = Run("run page.png -o out --format txt,json --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/page.txt"), kExpected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/page.json"));
  ASSERT_EQ(j["pages"].size(), 1u);
  const auto& p = j["pages"][0];
  EXPECT_FALSE(p["blank"].get<bool>());
  EXPECT_EQ(p["orientation"]["degrees"], 0);
  // Taken as upright because the body text read well, without OSD.
  EXPECT_EQ(p["orientation"]["note"].get<std::string>().rfind("upright: the body text reads at median line confidence", 0), 0u)
      << p["orientation"].dump();
  EXPECT_GT(p["text_confidence"].get<double>(), 70);
  ASSERT_EQ(p["paragraphs"].size(), 2u);
  EXPECT_EQ(p["paragraphs"][1]["lines"][0], 4);  // the indented line starts paragraph 2
  size_t lines = 0;
  for (const auto& b : p["blocks"]) {
    for (const auto& l : b["lines"]) {
      ++lines;
      EXPECT_EQ(l["box"].size(), 4u);
      EXPECT_GT(l["confidence"].get<double>(), 50);
    }
  }
  EXPECT_EQ(lines, 5u);
}

// --lang auto (the default): one page with a Chinese block and an English
// block, each read with the model of its script, and the JSON says which
// and why. Read with both models at once (the old default chi_sim+eng),
// Chinese runs came out as Latin guesses.
TEST_F(RunCli, DefaultLanguageReadsEachBlockWithItsScript) {
  // Two columns: the Chinese paragraphs left, the English one right.
  cv::Mat img(800, 2100, CV_8UC3, cv::Scalar(255, 255, 255));
  DrawLines(img, kCjkFont, kCjkFace, {std::begin(kLines), std::end(kLines)}, 60);
  DrawLines(img, kLatinFont, 0,
            {"The harbour office said the new timetable", "had been agreed with the islanders and that",
             "three sailings a week would start in May."},
            1120);
  cv::imwrite((dir_ / "mixed.png").string(), Gray(img));
  CliResult r = Run("run mixed.png -o out --format txt,json --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string expected = std::string(kExpected) +
                               "The harbour office said the new timetable had been agreed with the islanders and that "
                               "three sailings a week would start in May.\n";
  ExpectReads(Slurp(dir_ / "out/mixed.txt"), expected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/mixed.json"));
  std::set<std::string> langs;
  for (const auto& b : j["pages"][0]["blocks"]) {
    ASSERT_TRUE(b.contains("lang")) << b.dump();
    EXPECT_FALSE(b["lang_reason"].get<std::string>().empty()) << b.dump();
    const std::string text = b["lines"][0]["text"];
    EXPECT_EQ(b["lang"], text.find("harbour") != std::string::npos ? "eng" : "chi_sim") << b.dump();
    langs.insert(b["lang"]);
  }
  EXPECT_EQ(langs.size(), 2u) << j["pages"][0]["blocks"].dump();
}

// Under 250 dpi a page is upscaled 1.5x for OCR, unless it is known to be
// Latin (here: --lang eng): Latin text reads as well without, for less CPU.
TEST_F(RunCli, ALowResolutionPageIsUpscaledUnlessKnownLatin) {
  const std::vector<int> at_200_dpi = {cv::IMWRITE_TIFF_RESUNIT, 2, cv::IMWRITE_TIFF_XDPI, 200, cv::IMWRITE_TIFF_YDPI, 200};
  cv::imwrite((dir_ / "zh.tif").string(), RenderPage(), at_200_dpi);
  cv::Mat img(500, 1100, CV_8UC3, cv::Scalar(255, 255, 255));
  DrawLines(img, kLatinFont, 0, {"The harbour office said the new timetable", "had been agreed with the islanders."}, 60);
  cv::imwrite((dir_ / "en.tif").string(), Gray(img), at_200_dpi);
  auto scale_of = [&](const std::string& name) {
    auto j = nlohmann::json::parse(Slurp(dir_ / ("out/" + name + ".json")));
    EXPECT_EQ(j["pages"][0]["dpi"].get<double>(), 200) << j["pages"][0].dump();
    return j["pages"][0]["ocr_scale"].get<double>();
  };
  CliResult zh = Run("run zh.tif -o out --format txt,json --jobs 1");
  ASSERT_EQ(zh.code, 0) << zh.err;
  EXPECT_DOUBLE_EQ(scale_of("zh"), 1.5);
  ExpectReads(Slurp(dir_ / "out/zh.txt"), kExpected);
  CliResult en = Run("run en.tif -o out --format txt,json --jobs 1 --lang eng");
  ASSERT_EQ(en.code, 0) << en.err;
  EXPECT_DOUBLE_EQ(scale_of("en"), 1.0);
  ExpectReads(Slurp(dir_ / "out/en.txt"),
              "The harbour office said the new timetable had been agreed with the islanders.\n");
}

// A table under the text: its cells are left out of the paragraphs (they
// are no prose) and the JSON lists the table's box.
TEST_F(RunCli, ATableIsListedNotReadAsProse) {
  cv::Mat page = RenderPage();
  cv::Mat tall(1400, page.cols, CV_8UC1, cv::Scalar(255));
  page.copyTo(tall(cv::Rect(0, 0, page.cols, page.rows)));
  const char* cells[4][4] = {{"2021", "118", "4.6", "37"},
                             {"2022", "126", "5.1", "42"},
                             {"2023", "131", "5.9", "45"},
                             {"2024", "140", "6.3", "51"}};
  for (int r = 0; r < 4; ++r) {
    const int y = 860 + r * 90;
    cv::line(tall, {60, y - 55}, {940, y - 55}, cv::Scalar(0), 2);
    for (int c = 0; c < 4; ++c) {
      cv::putText(tall, cells[r][c], {100 + c * 230, y}, cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar(0), 3, cv::LINE_AA);
    }
  }
  cv::line(tall, {60, 860 + 4 * 90 - 55}, {940, 860 + 4 * 90 - 55}, cv::Scalar(0), 2);
  cv::imwrite((dir_ / "table.png").string(), tall);
  CliResult r = Run("run table.png -o out --format txt,json --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = Slurp(dir_ / "out/table.txt");
  ExpectReads(text, kExpected);
  for (const char* cell : {"2021", "126", "5.9", "51"}) EXPECT_EQ(text.find(cell), std::string::npos) << cell;
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/table.json"));
  ASSERT_EQ(j["pages"][0]["tables"].size(), 1u) << j["pages"][0].dump();
  EXPECT_TRUE(j["pages"][0]["figures"].is_array());  // no photo here: none
  EXPECT_TRUE(j["pages"][0]["figures"].empty());
  const auto& box = j["pages"][0]["tables"][0];
  EXPECT_LE(box[1].get<int>(), 860 - 25);                        // above the first row's digits
  EXPECT_GE(box[1].get<int>() + box[3].get<int>(), 860 + 3 * 90)  // down to the last row's baseline
      << j["pages"][0]["dropped"].dump();
}

TEST_F(RunCli, TurnsAnUpsideDownPageBack) {
  cv::Mat page = RenderPage(), turned;
  cv::rotate(page, turned, cv::ROTATE_180);
  cv::imwrite((dir_ / "upside.png").string(), turned);
  CliResult r = Run("run upside.png -o out --format txt,json --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/upside.txt"), kExpected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/upside.json"));
  EXPECT_EQ(j["pages"][0]["orientation"]["degrees"], 180) << j["pages"][0]["orientation"].dump();
  const std::string note = j["pages"][0]["orientation"]["note"];
  EXPECT_EQ(note.rfind("turned 180 degrees: OSD confidence", 0), 0u) << note;
  EXPECT_NE(note.find("the body text read as the page came in at median line confidence"), std::string::npos) << note;
}

// A full page turned a quarter: its first 20 body lines read badly, so the
// OCR stops there, orient turns the page, and the chain reads it again; the
// text is as good as the upright page's.
TEST_F(RunCli, QuarterTurnedPageStopsEarlyAndReadsAsUpright) {
  const std::string sample = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/zh-scan-001";
  cv::Mat page = cv::imread(sample + ".jpg", cv::IMREAD_GRAYSCALE), turned;
  ASSERT_FALSE(page.empty());
  cv::rotate(page, turned, cv::ROTATE_90_CLOCKWISE);
  cv::imwrite((dir_ / "quarter.png").string(), turned);
  CliResult r = Run("run quarter.png -o out --format txt,json --jobs 1 --lang chi_sim");
  ASSERT_EQ(r.code, 0) << r.err;
  auto o = nlohmann::json::parse(Slurp(dir_ / "out/quarter.json"))["pages"][0]["orientation"];
  const std::string note = o["note"];
  EXPECT_EQ(o["degrees"].get<int>(), 270) << note;
  EXPECT_NE(note.find("; the first "), std::string::npos) << note;
  fs::create_directories(dir_ / "gold");
  fs::copy_file(sample + ".gold.txt", dir_ / "gold/quarter.txt");
  CliResult eval = Run("eval --json out/quarter.txt gold/quarter.txt");
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_LE(nlohmann::json::parse(eval.out)["total"]["cer"].get<double>(), 0.03) << eval.out;
}

// An upright page is taken as upright from a patch read as it is, without
// OSD; the same page turned any other way must not pass that check (it goes
// to OSD, which turns it back).
TEST_F(RunCli, UprightPageSkipsOsdAndTurnedOnesAreTurnedBack) {
  cv::Mat page = cv::imread(std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/zh-scan-001.jpg", cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(page.empty());
  const std::pair<int, int> cases[] = {{0, -1}, {90, cv::ROTATE_90_CLOCKWISE}, {180, cv::ROTATE_180},
                                       {270, cv::ROTATE_90_COUNTERCLOCKWISE}};
  for (auto [turned_by, code] : cases) {
    cv::Mat img = page.clone();
    if (code >= 0) cv::rotate(page, img, code);
    cv::imwrite((dir_ / ("r" + std::to_string(turned_by) + ".png")).string(), img);
  }
  CliResult r = Run("run r0.png r90.png r180.png r270.png -o out --stages orient --format json --lang chi_sim --jobs 2");
  ASSERT_EQ(r.code, 0) << r.err;
  for (auto [turned_by, code] : cases) {
    SCOPED_TRACE("turned " + std::to_string(turned_by));
    auto o = nlohmann::json::parse(Slurp(dir_ / ("out/r" + std::to_string(turned_by) + ".json")))["pages"][0]["orientation"];
    const std::string note = o["note"];
    EXPECT_EQ(o["degrees"].get<int>(), (360 - turned_by) % 360) << note;
    EXPECT_EQ(note.rfind("upright:", 0) == 0, turned_by == 0) << note;
  }
}

TEST_F(RunCli, BlankPageGivesEmptyTextFlaggedInJson) {
  cv::imwrite((dir_ / "blank.png").string(), cv::Mat(600, 500, CV_8UC1, cv::Scalar(255)));
  CliResult r = Run("run blank.png -o out --format txt,json --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "out/blank.txt"), "");
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/blank.json"));
  EXPECT_TRUE(j["pages"][0]["blank"].get<bool>());
}

TEST_F(RunCli, BadInputsAreNamedAndDoNotStopTheOthers) {
  cv::imwrite((dir_ / "good.png").string(), RenderPage());
  std::vector<unsigned char> png, jpg;
  cv::imencode(".png", RenderPage(), png);
  cv::imencode(".jpg", RenderPage(), jpg);
  Spit(dir_ / "empty.png", "");
  Spit(dir_ / "cut.png", std::string(png.begin(), png.begin() + static_cast<long>(png.size() / 2)));
  Spit(dir_ / "cutjpeg.jpg", std::string(jpg.begin(), jpg.begin() + static_cast<long>(jpg.size() / 2)));
  Spit(dir_ / "notes.png", "this is a text file, not an image\n");
  Spit(dir_ / "huge.png", PngClaiming(30000, 30000));
  fs::create_directories(dir_ / "adir");
  CliResult r = Run("run empty.png cut.png cutjpeg.jpg notes.png huge.png missing.png adir good.png -o out --jobs 2");
  EXPECT_EQ(r.code, 1) << r.err;
  ExpectReads(Slurp(dir_ / "out/good.txt"), kExpected);
  auto mentions = [&](const std::string& file, const std::string& reason) {
    std::istringstream in(r.err);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(file) != std::string::npos && line.find(reason) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(mentions("empty.png", "zero bytes")) << r.err;
  EXPECT_TRUE(mentions("cut.png", "truncated PNG")) << r.err;
  EXPECT_TRUE(mentions("cutjpeg.jpg", "truncated JPEG")) << r.err;
  EXPECT_TRUE(mentions("notes.png", "not an image")) << r.err;
  EXPECT_TRUE(mentions("huge.png", "30000x30000")) << r.err;
  EXPECT_TRUE(mentions("missing.png", "no such file")) << r.err;
  EXPECT_TRUE(mentions("adir", "no page images")) << r.err;
  for (const char* bad : {"empty", "cut", "notes", "huge", "missing"}) {
    EXPECT_FALSE(fs::exists(dir_ / "out" / (std::string(bad) + ".txt"))) << bad;
  }
}

TEST_F(RunCli, DirectoryInputKeepsRelativePaths) {
  fs::create_directories(dir_ / "scans/day1");
  cv::imwrite((dir_ / "scans/day1/a.png").string(), RenderPage());
  Spit(dir_ / "scans/readme.txt", "not a page\n");  // ignored: not a page file
  CliResult r = Run("run scans -o out --jobs 2");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/day1/a.txt"), kExpected);
}

// Same-name inputs from two folders keep their folder below the common
// one: two outputs, each with its own page (a/x.txt the text, b/x.txt the
// blank page's empty text), never one overwriting the other.
TEST_F(RunCli, SameNameInputsFromTwoFoldersGiveTwoOutputs) {
  fs::create_directories(dir_ / "a");
  fs::create_directories(dir_ / "b");
  cv::Mat page = RenderPage();
  cv::imwrite((dir_ / "a/x.png").string(), page);
  cv::imwrite((dir_ / "b/x.png").string(), cv::Mat(page.size(), CV_8UC1, cv::Scalar(255)));
  CliResult r = Run("run a/x.png b/x.png -o out --jobs 2");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/a/x.txt"), kExpected);
  EXPECT_TRUE(fs::exists(dir_ / "out/b/x.txt"));
  EXPECT_EQ(Slurp(dir_ / "out/b/x.txt"), "");
  EXPECT_FALSE(fs::exists(dir_ / "out/x.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "out/x.png.txt"));
  // One folder: x.png -> x.txt, not x.png.txt.
  r = Run("run a/x.png -o single --jobs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "single/x.txt"), kExpected);
}

// Two inputs that would still share an output, or an output that is an
// input, stop the run before any work: exit 2, both names, nothing written.
TEST_F(RunCli, InputsSharingAnOutputAreRefusedBeforeAnyWork) {
  cv::Mat page = RenderPage();
  cv::imwrite((dir_ / "x.png").string(), page);
  cv::imwrite((dir_ / "x.jpg").string(), page);
  CliResult r = Run("run x.png x.jpg -o out");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("x.png and x.jpg would both be written to out/x.txt"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  // A page image named like a text file, read into its own folder.
  std::vector<unsigned char> png;
  cv::imencode(".png", page, png);
  Spit(dir_ / "scan.txt", std::string(png.begin(), png.end()));
  r = Run("run scan.txt -o .");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("would replace an input"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(dir_ / "scan.txt"), std::string(png.begin(), png.end()));
}

TEST_F(RunCli, MultiPageTiffGivesEveryPageInOrder) {
  cv::Mat page = RenderPage(), blank(page.size(), CV_8UC1, cv::Scalar(255));
  ASSERT_TRUE(cv::imwritemulti((dir_ / "two.tif").string(), std::vector<cv::Mat>{page, blank, page}));
  CliResult r = Run("run two.tif -o out --format txt,json --jobs 2");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/two.txt"), std::string(kExpected) + kExpected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/two.json"));
  ASSERT_EQ(j["pages"].size(), 3u);
  EXPECT_EQ(j["pages"][1]["source_page"], 2);
  EXPECT_TRUE(j["pages"][1]["blank"].get<bool>());
  EXPECT_FALSE(j["pages"][2]["blank"].get<bool>());
}

// Pages of a TIFF are decoded one at a time as workers take them, each
// page's header checked on its own (issue 16: a 300-page book held every
// page's pixels, 2.9 GB). A page over the pixel limit in the middle fails
// alone, named; the pages around it are read and written.
TEST_F(RunCli, AnOversizedTiffPageFailsAloneTheOthersAreRead) {
  cv::Mat page = RenderPage(), huge(3000, 3000, CV_8UC1, cv::Scalar(255));
  ASSERT_TRUE(cv::imwritemulti((dir_ / "book.tif").string(), std::vector<cv::Mat>{page, huge, page}));
  const double limit = (static_cast<double>(page.cols) * page.rows + 3000.0 * 3000.0) / 2e6;  // between the two
  CliResult r = Run("run book.tif -o out --format txt,json --jobs 2 --max-megapixels " + std::to_string(limit));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("book.tif: page 2: TIFF page 2 is 3000x3000"), std::string::npos) << r.err;
  ExpectReads(Slurp(dir_ / "out/book.txt"), std::string(kExpected) + kExpected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/book.json"));
  ASSERT_EQ(j["pages"].size(), 2u);
  EXPECT_EQ(j["pages"][1]["source_page"], 3);
}

// A file name with a newline and an ANSI escape cannot forge a line of the
// run's messages nor reach the terminal raw (issue 16, item 9).
TEST_F(RunCli, ControlCharactersInFileNamesAreEscapedInMessages) {
  const std::string name = "bad\n2026-12-06T08:00:00Z info done fake\x1b[2J.png";
  Spit(dir_ / name, "not an image at all");
  CliResult r = Run("run '" + name + "' -o out");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("bad\\n2026-12-06T08:00:00Z info done fake\\x1b[2J.png"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\n2026"), std::string::npos) << r.err;
}

TEST_F(RunCli, PdfScanIsRasterisedAndRead) {
  cv::Mat page = RenderPage();
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", page, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
  Spit(dir_ / "scan.pdf", PdfWithJpeg(jpeg, page.cols, page.rows, 200));
  CliResult r = Run("run scan.pdf -o out --format txt,json --jobs 1 --pdf-dpi 200");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectReads(Slurp(dir_ / "out/scan.txt"), kExpected);
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/scan.json"));
  EXPECT_EQ(j["pages"][0]["dpi"], 200);
  EXPECT_EQ(j["pages"][0]["width"], page.cols);
}

TEST_F(RunCli, UnknownLanguageIsAUsageError) {
  cv::imwrite((dir_ / "page.png").string(), RenderPage());
  CliResult r = Run("run page.png -o out --lang xx_nope");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("xx_nope"), std::string::npos) << r.err;
}

// Issue 16, item 11: `run` keeps the link rules of `watch`. A folder inside
// OUTDIR that is a symlink is never written through: refused before any
// work, exit 2, naming it.
TEST_F(RunCli, AnOutputFolderThatIsALinkIsNeverWrittenThrough) {
  fs::create_directories(dir_ / "scans/day1");
  cv::imwrite((dir_ / "scans/day1/a.png").string(), cv::Mat(400, 600, CV_8UC1, cv::Scalar(255)));
  fs::create_directories(dir_ / "elsewhere");
  fs::create_directories(dir_ / "out");
  fs::create_directory_symlink(dir_ / "elsewhere", dir_ / "out/day1");
  CliResult r = Run("run scans -o out --jobs 1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("out/day1 is a symbolic link (to " + (dir_ / "elsewhere").string() + ")"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir_ / "elsewhere")) << "written through the link";
}

// ... and an input link in an input folder that leads out of it (here to
// /etc/passwd) is never read, and said so; a link to a file inside the
// folder is left out (the file is read under its own name).
TEST_F(RunCli, InputLinksOutOfTheFolderAreNeverRead) {
  fs::create_directories(dir_ / "scans");
  cv::imwrite((dir_ / "scans/real.png").string(), cv::Mat(400, 600, CV_8UC1, cv::Scalar(255)));
  fs::create_symlink("/etc/passwd", dir_ / "scans/evil.png");
  fs::create_symlink("real.png", dir_ / "scans/alias.png");
  fs::create_symlink(dir_ / "nowhere.png", dir_ / "scans/dangling.png");
  CliResult r = Run("run scans -o out --jobs 1");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("scans/evil.png: a symbolic link to /etc/passwd, outside the input folder scans: not read"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("scans/dangling.png: a symbolic link to " + (dir_ / "nowhere.png").string() + ", which does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("alias.png"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out/real.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "out/evil.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "out/alias.txt"));
}

}  // namespace
