// The second recognizer (stages/ocr/ppocr.h, ctc.h): CTC decoding on
// hand-made probability tables, and PP-OCR on lines of generated pages. The
// model tests skip when models/ppocr is absent; scripts/setup.sh installs it,
// so they run in CI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/pagegen/pagegen.h"
#include "stages/ocr/ctc.h"
#include "stages/ocr/ppocr.h"

namespace fs = std::filesystem;

namespace ocrflow::ocr {
namespace {

// steps x classes table with probability `p` on the given class per step,
// the rest spread over the others.
std::vector<float> Table(const std::vector<int>& winners, int classes, float p = 0.9f) {
  std::vector<float> t(winners.size() * classes, (1 - p) / (classes - 1));
  for (size_t s = 0; s < winners.size(); ++s) t[s * classes + winners[s]] = p;
  return t;
}

const std::vector<std::string> kLabels = {"", "新", "闻", "a", " "};

TEST(GreedyCtc, RepeatsMergeAndBlanksSeparateADoubledCharacter) {
  // 新 新 _ 闻 闻 _ 闻 a
  auto t = Table({1, 1, 0, 2, 2, 0, 2, 3}, 5);
  CtcReading r = GreedyCtc(t.data(), 8, 5, kLabels);
  EXPECT_EQ(r.text, "新闻闻a");
  ASSERT_EQ(r.chars.size(), 4u);
  EXPECT_EQ(r.chars[0].first_step, 0);
  EXPECT_EQ(r.chars[0].last_step, 1);
  EXPECT_EQ(r.chars[2].first_step, 6);
  EXPECT_NEAR(r.confidence, 0.9, 1e-6);
}

TEST(GreedyCtc, ConfidenceIsTheMeanOfTheEmittingSteps) {
  std::vector<float> t = Table({1, 0, 3}, 5);
  t[0 * 5 + 1] = 0.5f;  // 新 at 0.5, a at 0.9
  CtcReading r = GreedyCtc(t.data(), 3, 5, kLabels);
  EXPECT_EQ(r.text, "新a");
  EXPECT_NEAR(r.confidence, 0.7, 1e-6);
}

TEST(GreedyCtc, AllBlankOrEmptyReadsNothing) {
  auto t = Table({0, 0, 0}, 5);
  EXPECT_EQ(GreedyCtc(t.data(), 3, 5, kLabels).text, "");
  EXPECT_EQ(GreedyCtc(t.data(), 3, 5, kLabels).confidence, 0);
  EXPECT_EQ(GreedyCtc(nullptr, 0, 5, kLabels).text, "");
}

TEST(GreedyCtc, AClassBeyondTheLabelsIsSkippedNotRead) {
  // classes 6 but labels only 5: class 5 emits nothing, and a repeat of it
  // does not extend the character before.
  auto t = Table({1, 5, 5, 2}, 6);
  CtcReading r = GreedyCtc(t.data(), 4, 6, kLabels);
  EXPECT_EQ(r.text, "新闻");
  ASSERT_EQ(r.chars.size(), 2u);
  EXPECT_EQ(r.chars[0].last_step, 0);
}

bool HaveModel() { return CheckPpOcr(DefaultPpOcrDir()).ok(); }

TEST(PpOcr, AMissingModelIsOneClearError) {
  Status st = CheckPpOcr("/nonexistent/ppocr");
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_NE(st.message().find("/nonexistent/ppocr/rec.onnx"), std::string::npos) << st.message();
  auto rec = ThreadPpOcr("/nonexistent/ppocr");
  EXPECT_FALSE(rec.ok());
}

TEST(PpOcr, ACorruptModelIsAnErrorNamingTheFileNotACrash) {
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-ppocr-corrupt-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "rec.onnx") << "this is not an ONNX model";
  std::ofstream(dir / "keys.txt") << "新\n闻\n";
  auto rec = PpOcrRecognizer::Load(dir.string());
  ASSERT_FALSE(rec.ok());
  EXPECT_NE(rec.status().message().find((dir / "rec.onnx").string()), std::string::npos) << rec.status().message();
  fs::remove_all(dir);
}

// Lines of a generated page, cropped by their ground-truth boxes, read by
// PP-OCR: the model really runs and reads our text.
TEST(PpOcr, ReadsLinesOfAGeneratedPage) {
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  auto rec = ThreadPpOcr(DefaultPpOcrDir());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  for (const char* lang : {"zh", "en"}) {
    pagegen::PageSpec spec;
    spec.seed = 41;
    spec.lang = lang;
    spec.columns = 2;
    spec.dpi = 200;
    spec.width_mm = 148;
    spec.height_mm = 210;
    auto page = pagegen::Generate(spec);
    ASSERT_TRUE(page.ok());
    int lines = 0, exact = 0;
    for (const auto& b : page->blocks) {
      if (b.role != Role::kBody) continue;
      std::vector<std::string> texts;
      std::string t;
      for (char c : b.text + "\n") {
        if (c == '\n') {
          texts.push_back(t);
          t.clear();
        } else {
          t += c;
        }
      }
      for (size_t i = 0; i < b.line_boxes.size() && i < texts.size() && lines < 12; ++i) {
        const Box& box = b.line_boxes[i];
        const int pad = box.h / 6;
        cv::Rect r(box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad);
        r &= cv::Rect(0, 0, page->image.cols, page->image.rows);
        auto read = (*rec)->Read(page->image(r));
        ASSERT_TRUE(read.ok()) << read.status().ToString();
        std::string want = texts[i], got = read->text;
        std::erase(want, ' ');
        std::erase(got, ' ');
        ++lines;
        exact += got == want;
        EXPECT_GT(read->confidence, 0.5) << lang << ": " << read->text;
      }
    }
    ASSERT_GE(lines, 8) << lang;
    EXPECT_GE(exact, lines * 3 / 4) << lang << ": " << exact << " of " << lines << " lines read exactly";
  }
}

}  // namespace
}  // namespace ocrflow::ocr
