// The second recognizer (stages/ocr/ppocr.h, ppocr_worker.h, ctc.h): CTC
// decoding on hand-made probability tables, PP-OCR on lines of generated
// pages on both backends, and the ONNX Runtime worker killed, hung, broken
// or absent. The model tests skip when models/ppocr (or ONNX Runtime in it)
// is absent; scripts/setup.sh installs both, so they run in CI.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "bench/pagegen/pagegen.h"
#include "stages/ocr/ctc.h"
#include "stages/ocr/ocr.h"
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

struct TextLine {
  cv::Mat image;
  std::string text;
};

// Body lines of a generated page, cropped by their ground-truth boxes plus
// a sixth of their height (as ocr.cpp crops Tesseract's).
std::vector<TextLine> GeneratedLines(const char* lang, size_t max) {
  pagegen::PageSpec spec;
  spec.seed = 41;
  spec.lang = lang;
  spec.columns = 2;
  spec.dpi = 200;
  spec.width_mm = 148;
  spec.height_mm = 210;
  auto page = pagegen::Generate(spec);
  std::vector<TextLine> out;
  if (!page.ok()) return out;
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
    for (size_t i = 0; i < b.line_boxes.size() && i < texts.size() && out.size() < max; ++i) {
      const Box& box = b.line_boxes[i];
      const int pad = box.h / 6;
      cv::Rect r(box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad);
      r &= cv::Rect(0, 0, page->image.cols, page->image.rows);
      out.push_back({page->image(r).clone(), texts[i]});
    }
  }
  return out;
}

PpOcrOptions Backend(const char* backend) {
  PpOcrOptions o;
  o.backend = backend;
  return o;
}

// A recognizer on the onnxruntime backend, or null when ONNX Runtime is
// not installed (OCRFLOW_NO_ORT=1, not linux x86_64, no node).
std::unique_ptr<PpOcrRecognizer> OrtRecognizer(const PpOcrOptions& options = {}) {
  if (!HaveModel()) return nullptr;
  auto rec = PpOcrRecognizer::Load(DefaultPpOcrDir(), options);
  if (!rec.ok() || std::string(rec.value()->backend()) != "onnxruntime") return nullptr;
  return std::move(rec).value();
}

// Waits until `pid` (our child, reaped by the recognizer) is a zombie: its
// end of the socket is closed, so the next request meets a dead peer.
void WaitUntilDead(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t paren = all.rfind(')');
    if (paren == std::string::npos || (paren + 2 < all.size() && all[paren + 2] == 'Z')) return;
    usleep(10000);
  }
}

bool Reaped(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

// Lines of a generated page read by PP-OCR, on each backend: the model
// really runs and reads our text.
TEST(PpOcr, ReadsLinesOfAGeneratedPage) {
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  for (const char* backend : {"auto", "opencv"}) {
    auto rec = ThreadPpOcr(DefaultPpOcrDir(), Backend(backend));
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    for (const char* lang : {"zh", "en"}) {
      const auto lines = GeneratedLines(lang, 12);
      ASSERT_GE(lines.size(), 8u) << lang;
      size_t exact = 0;
      for (const TextLine& line : lines) {
        auto read = (*rec)->Read(line.image);
        ASSERT_TRUE(read.ok()) << read.status().ToString();
        std::string want = line.text, got = read->text;
        std::erase(want, ' ');
        std::erase(got, ' ');
        exact += got == want;
        EXPECT_GT(read->confidence, 0.5) << (*rec)->backend() << ", " << lang << ": " << read->text;
      }
      EXPECT_GE(exact, lines.size() * 3 / 4)
          << (*rec)->backend() << ", " << lang << ": " << exact << " of " << lines.size() << " lines read exactly";
    }
  }
}

// The two backends run two graphs of the same weights on the same input:
// the same text, confidences a rounding apart.
TEST(PpOcr, OnnxRuntimeAndOpenCvReadTheSameText) {
  auto ort = OrtRecognizer();
  if (!ort) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  auto cv = PpOcrRecognizer::Load(DefaultPpOcrDir(), Backend("opencv"));
  ASSERT_TRUE(cv.ok()) << cv.status().ToString();
  ASSERT_STREQ((*cv)->backend(), "opencv");
  EXPECT_NE(ort->version().find("ONNX Runtime"), std::string::npos) << ort->version();
  EXPECT_NE((*cv)->version().find("OpenCV"), std::string::npos) << (*cv)->version();
  size_t lines = 0, same = 0, placed = 0, same_place = 0;
  for (const char* lang : {"zh", "en"}) {
    for (const TextLine& line : GeneratedLines(lang, 12)) {
      auto a = ort->Read(line.image);
      auto b = (*cv)->Read(line.image);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      ++lines;
      same += a->text == b->text;
      EXPECT_EQ(a->text, b->text) << lang;
      // A worker of this tree also says where each character won
      // (ppocr_worker.js, the words' boxes: stages/ocr/words.h): the same
      // steps as OpenCV's. (An older worker in the model directory does not.)
      if (a->text == b->text && !a->chars.empty()) {
        ASSERT_EQ(a->chars.size(), b->chars.size()) << lang;
        EXPECT_EQ(a->steps, b->steps) << lang;
        for (size_t i = 0; i < a->chars.size(); ++i) {
          ++placed;
          same_place += std::abs(a->chars[i].first_step - b->chars[i].first_step) <= 1;
        }
      }
      EXPECT_NEAR(a->confidence, b->confidence, 0.01) << lang << ": " << a->text;
    }
  }
  EXPECT_GE(lines, 16u);
  EXPECT_GE(same, lines - 1) << same << " of " << lines << " lines read the same";
  EXPECT_GE(same_place, placed * 99 / 100) << same_place << " of " << placed << " characters placed alike";
  EXPECT_TRUE(ort->TakeWarning().empty());
}

// ONNX Runtime runs rec-folded.onnx (scripts/ppocr/fold.py, which
// fetch-models.sh runs: the affine layers and hardswish folded into the
// convolutions, ~45 % less CPU): it must be installed beside the original,
// and read what the original reads. ocr.ppocr_model=original (or a
// directory without it) runs rec-original.onnx.
TEST(PpOcr, TheFoldedModelIsInstalledAndReadsAsTheOriginal) {
  auto folded = OrtRecognizer();
  if (!folded) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  ASSERT_TRUE(fs::exists(fs::path(DefaultPpOcrDir()) / "rec-folded.onnx"))
      << DefaultPpOcrDir() << " has no rec-folded.onnx: run scripts/ppocr/fetch-models.sh";
  EXPECT_NE(folded->version().find("rec-folded.onnx"), std::string::npos) << folded->version();
  PpOcrOptions o;
  o.model = "original";
  auto original = OrtRecognizer(o);
  ASSERT_TRUE(original);
  EXPECT_NE(original->version().find("rec-original.onnx"), std::string::npos) << original->version();
  size_t lines = 0, exact = 0;
  for (const char* lang : {"zh", "en"}) {
    for (const TextLine& line : GeneratedLines(lang, 12)) {
      auto a = folded->Read(line.image);
      auto b = original->Read(line.image);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      ++lines;
      EXPECT_EQ(a->text, b->text) << lang;
      EXPECT_NEAR(a->confidence, b->confidence, 1e-4) << lang << ": " << a->text;
      EXPECT_EQ(a->steps, b->steps) << lang;
      std::string want = line.text, got = a->text;
      std::erase(want, ' ');
      std::erase(got, ' ');
      exact += got == want;
    }
  }
  EXPECT_GE(lines, 16u);
  EXPECT_GE(exact, lines * 3 / 4) << exact << " of " << lines << " lines read exactly";
  EXPECT_TRUE(folded->TakeWarning().empty());

  // A directory installed before the fold: the original, no error.
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-ppocr-unfolded-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* f : {"rec.onnx", "rec-original.onnx", "keys.txt", "VERSION", "ppocr_worker.js", "node_modules"})
    fs::create_symlink(fs::absolute(fs::path(DefaultPpOcrDir()) / f), dir / f);
  auto unfolded = PpOcrRecognizer::Load(dir.string());
  ASSERT_TRUE(unfolded.ok()) << unfolded.status().ToString();
  EXPECT_NE((*unfolded)->version().find("rec-original.onnx"), std::string::npos) << (*unfolded)->version();
  fs::remove_all(dir);

  o.model = "int8";
  auto bad = PpOcrRecognizer::Load(DefaultPpOcrDir(), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

// rec-folded.onnx also gives each step's best class and its probability
// (fold.py's ctc_best, ctc_best_p), and the worker then fetches only those
// instead of the steps x 6,625 probabilities: its replies must be the same
// bit for bit (text, confidence, each character's steps and probability)
// as from the probabilities (OCRFLOW_PPOCR_ALL_PROBS=1 in its environment).
TEST(PpOcr, TheBestClassOutputsReadAsTheProbabilitiesDo) {
  auto best = OrtRecognizer();
  if (!best) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  const fs::path model = fs::path(DefaultPpOcrDir()) / "rec-folded.onnx";
  std::ifstream in(model, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A model directory folded before fold.py added them (the worker then
  // reads the probabilities, as before) is stale, not wrong.
  if (bytes.find("ctc_best_p") == std::string::npos)
    GTEST_SKIP() << model << " has no ctc_best outputs: run scripts/ppocr/fetch-models.sh to fold it again";
  auto all = OrtRecognizer();
  ASSERT_TRUE(all);
  size_t lines = 0;
  for (const char* lang : {"zh", "en"}) {
    for (const TextLine& line : GeneratedLines(lang, 12)) {
      auto a = best->Read(line.image);
      if (lines == 0) setenv("OCRFLOW_PPOCR_ALL_PROBS", "1", 1);  // the second worker starts now
      auto b = all->Read(line.image);
      if (lines == 0) unsetenv("OCRFLOW_PPOCR_ALL_PROBS");
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      ++lines;
      EXPECT_EQ(a->text, b->text) << lang;
      EXPECT_EQ(a->confidence, b->confidence) << lang << ": " << a->text;
      EXPECT_EQ(a->steps, b->steps) << lang;
      ASSERT_EQ(a->chars.size(), b->chars.size()) << lang;
      for (size_t i = 0; i < a->chars.size(); ++i) {
        EXPECT_EQ(a->chars[i].first_step, b->chars[i].first_step);
        EXPECT_EQ(a->chars[i].last_step, b->chars[i].last_step);
        EXPECT_EQ(a->chars[i].probability, b->chars[i].probability);
      }
    }
  }
  EXPECT_GE(lines, 16u);
  EXPECT_NE(best->worker_pid(), all->worker_pid());
}

// Both backends take any width: a line is padded to a whole CTC step (8
// columns), at least 160, not to the 160-column buckets of OpenCV's first
// graphs (~80 columns of model time a line for nothing). A step is still
// 8 columns of the padded input.
TEST(PpOcr, ALineIsPaddedToAWholeStepNotToABucket) {
  EXPECT_EQ(PpOcrRecognizer::PaddedWidth(650), 656);
  EXPECT_EQ(PpOcrRecognizer::PaddedWidth(656), 656);
  EXPECT_EQ(PpOcrRecognizer::PaddedWidth(1304), 1304);
  EXPECT_EQ(PpOcrRecognizer::PaddedWidth(50), 160);  // a short line as before
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  for (const char* backend : {"auto", "opencv"}) {
    auto rec = ThreadPpOcr(DefaultPpOcrDir(), Backend(backend));
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    for (const TextLine& line : GeneratedLines("zh", 12)) {
      auto read = (*rec)->Read(line.image);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      const int input = PpOcrRecognizer::InputWidth(line.image.cols, line.image.rows);
      if (read->steps > 0) {
        EXPECT_EQ(read->steps, PpOcrRecognizer::PaddedWidth(input) / 8) << (*rec)->backend();
      }
    }
  }
}

// ocr.ppocr_squeeze: a line is read narrower than its aspect (the model's
// CPU grows with the width), unless the squeezed reading holds a character
// twice in a row: greedy CTC needs a blank step between the two, and an
// ellipsis's dots squeezed together lose some (book p128 of the OmniDocBench
// pages: "······" read as "·····" at 0.85). Such a line is read again at its
// own aspect. The pipeline reads unsqueezed by default (OcrOptions: the
// held-out varied Chinese pages read 3 points fewer paragraphs exactly).
TEST(PpOcr, ASqueezedLineIsReadNarrowerUnlessACharacterDoubles) {
  EXPECT_TRUE(HasDoubledCharacter("宫花······据说"));
  EXPECT_TRUE(HasDoubledCharacter("共100元"));
  EXPECT_FALSE(HasDoubledCharacter("据说光锅子火"));
  EXPECT_FALSE(HasDoubledCharacter("a  b"));  // spaces aside
  EXPECT_FALSE(HasDoubledCharacter(""));
  EXPECT_EQ(OcrOptions{}.ppocr_squeeze, 1.0);
  EXPECT_EQ(PpOcrRecognizer::InputWidth(400, 40, 0.75), 360);
  EXPECT_EQ(PpOcrRecognizer::InputWidth(400, 40), 480);
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  for (const char* backend : {"auto", "opencv"}) {
    PpOcrOptions o = Backend(backend);
    o.squeeze = 0.75;
    auto rec = PpOcrRecognizer::Load(DefaultPpOcrDir(), o);
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    size_t exact = 0, squeezed = 0;
    const auto lines = GeneratedLines("zh", 12);
    ASSERT_GE(lines.size(), 8u);
    for (const TextLine& line : lines) {
      auto read = (*rec)->Read(line.image);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      const int full = PpOcrRecognizer::InputWidth(line.image.cols, line.image.rows);
      if (HasDoubledCharacter(read->text)) {
        EXPECT_EQ(read->input_width, full) << backend << ": " << read->text;
      } else {
        EXPECT_EQ(read->input_width, PpOcrRecognizer::InputWidth(line.image.cols, line.image.rows, 0.75)) << backend;
        EXPECT_LT(read->input_width, full);
        ++squeezed;
      }
      std::string want = line.text, got = read->text;
      std::erase(want, ' ');
      std::erase(got, ' ');
      exact += got == want;
    }
    EXPECT_GE(squeezed, lines.size() / 2) << backend;
    EXPECT_GE(exact, lines.size() * 3 / 4) << backend << ": " << exact << " of " << lines.size() << " read exactly";
    // A drawn line with a doubled character comes back read unsqueezed.
    for (const pagegen::FaceInfo& f : pagegen::FaceCatalogue()) {
      if (!f.cjk || !f.available) continue;
      auto img = pagegen::RenderSample(f.name, "花宫花花据说光锅子火", 36);
      ASSERT_TRUE(img.ok()) << img.status().ToString();
      auto read = (*rec)->Read(*img);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_TRUE(HasDoubledCharacter(read->text)) << backend << ": " << read->text;
      EXPECT_EQ(read->input_width, PpOcrRecognizer::InputWidth(img->cols, img->rows)) << read->text;
      break;
    }
  }
}

// A worker killed between lines (SIGKILL: it cannot clean up) is reaped and
// restarted, and the line is read. The request to the dead worker meets a
// closed socket: EPIPE, not a SIGPIPE that would end this test program.
// The second failure moves the thread to OpenCV with one warning.
TEST(PpOcr, AKilledWorkerIsRestartedOnceThenOpenCvReads) {
  auto rec = OrtRecognizer();
  if (!rec) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  const auto lines = GeneratedLines("zh", 3);
  ASSERT_EQ(lines.size(), 3u);
  auto first = rec->Read(lines[0].image);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const pid_t pid1 = rec->worker_pid();
  ASSERT_GT(pid1, 0);

  ASSERT_EQ(kill(pid1, SIGKILL), 0);
  WaitUntilDead(pid1);
  auto again = rec->Read(lines[0].image);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->text, first->text);
  EXPECT_STREQ(rec->backend(), "onnxruntime");
  const pid_t pid2 = rec->worker_pid();
  EXPECT_GT(pid2, 0);
  EXPECT_NE(pid2, pid1);
  EXPECT_TRUE(Reaped(pid1)) << "the killed worker was left a zombie";
  EXPECT_TRUE(rec->TakeWarning().empty());
  auto next = rec->Read(lines[1].image);
  ASSERT_TRUE(next.ok()) << next.status().ToString();

  ASSERT_EQ(kill(pid2, SIGKILL), 0);
  WaitUntilDead(pid2);
  auto fallen = rec->Read(lines[2].image);
  ASSERT_TRUE(fallen.ok()) << fallen.status().ToString();
  EXPECT_FALSE(fallen->text.empty());
  EXPECT_STREQ(rec->backend(), "opencv");
  EXPECT_EQ(rec->worker_pid(), -1);
  EXPECT_TRUE(Reaped(pid2));
  const std::string warning = rec->TakeWarning();
  EXPECT_NE(warning.find("failed twice"), std::string::npos) << warning;
  EXPECT_NE(warning.find("signal 9"), std::string::npos) << warning;
  EXPECT_TRUE(rec->TakeWarning().empty()) << "one warning, not one per line";
  EXPECT_NE(rec->version().find("failed twice"), std::string::npos) << rec->version();
}

// SIGTERM to the worker (a service manager stopping the whole group) does
// not end it: it goes when ocrflow closes its stdin.
TEST(PpOcr, AWorkerOutlivesSigtermUntilItsStdinEnds) {
  auto rec = OrtRecognizer();
  if (!rec) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  const auto lines = GeneratedLines("zh", 1);
  ASSERT_EQ(lines.size(), 1u);
  auto first = rec->Read(lines[0].image);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const pid_t pid = rec->worker_pid();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  usleep(200000);
  auto again = rec->Read(lines[0].image);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->text, first->text);
  EXPECT_EQ(rec->worker_pid(), pid);
  rec.reset();  // closes its stdin: it exits and is reaped
  EXPECT_TRUE(Reaped(pid));
}

// A worker that stops answering (SIGSTOP) is killed at the line's deadline
// and the line read by a new one.
TEST(PpOcr, AHungWorkerIsKilledAtItsDeadline) {
  PpOcrOptions options;
  options.line_timeout_ms = 3000;
  auto rec = OrtRecognizer(options);
  if (!rec) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed (scripts/ppocr/fetch-models.sh)";
  const auto lines = GeneratedLines("zh", 1);
  ASSERT_EQ(lines.size(), 1u);
  auto first = rec->Read(lines[0].image);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const pid_t pid1 = rec->worker_pid();
  ASSERT_EQ(kill(pid1, SIGSTOP), 0);
  const auto t0 = std::chrono::steady_clock::now();
  auto again = rec->Read(lines[0].image);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->text, first->text);
  EXPECT_GE(s, 2.9);
  EXPECT_LT(s, 20);
  EXPECT_NE(rec->worker_pid(), pid1);
  EXPECT_TRUE(Reaped(pid1));
  EXPECT_STREQ(rec->backend(), "onnxruntime");
}

// Without node, or without ONNX Runtime beside the model, OpenCV reads:
// no error, and version() says why.
TEST(PpOcr, WithoutNodeOrOnnxRuntimeOpenCvReads) {
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  const auto lines = GeneratedLines("zh", 1);
  ASSERT_EQ(lines.size(), 1u);
  PpOcrOptions no_node;
  no_node.node = "/nonexistent/node";
  auto a = PpOcrRecognizer::Load(DefaultPpOcrDir(), no_node);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_STREQ((*a)->backend(), "opencv");
  EXPECT_NE((*a)->version().find("node not found"), std::string::npos) << (*a)->version();
  auto read = (*a)->Read(lines[0].image);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->text.empty());
  EXPECT_TRUE((*a)->TakeWarning().empty());

  // The model without node_modules/ beside it.
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-ppocr-nomodules-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* f : {"rec.onnx", "rec-original.onnx", "keys.txt", "VERSION", "ppocr_worker.js"})
    if (fs::exists(fs::path(DefaultPpOcrDir()) / f))
      fs::create_symlink(fs::absolute(fs::path(DefaultPpOcrDir()) / f), dir / f);
  auto b = PpOcrRecognizer::Load(dir.string());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_STREQ((*b)->backend(), "opencv");
  EXPECT_NE((*b)->version().find("node_modules"), std::string::npos) << (*b)->version();
  auto read_b = (*b)->Read(lines[0].image);
  ASSERT_TRUE(read_b.ok()) << read_b.status().ToString();
  EXPECT_EQ(read_b->text, read->text);
  fs::remove_all(dir);
}

// ONNX Runtime that looks installed but does not load (a broken
// node_modules): the worker exits at start, twice, and OpenCV reads the
// line, with one warning that carries the worker's own error.
TEST(PpOcr, AWorkerThatCannotStartFallsBackToOpenCv) {
  if (!HaveModel() || !OrtRecognizer()) GTEST_SKIP() << "PP-OCR with ONNX Runtime not installed";
  const fs::path dir = fs::temp_directory_path() / ("ocrflow-ppocr-broken-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* f : {"rec.onnx", "rec-original.onnx", "keys.txt", "VERSION"})
    fs::create_symlink(fs::absolute(fs::path(DefaultPpOcrDir()) / f), dir / f);
  // A copy: node finds modules beside a script's real path first.
  fs::copy_file(fs::path(DefaultPpOcrDir()) / "ppocr_worker.js", dir / "ppocr_worker.js");
  for (const char* m : {"onnxruntime-node", "onnxruntime-common"}) {
    fs::create_directories(dir / "node_modules" / m);
    std::ofstream(dir / "node_modules" / m / "package.json") << "{\"main\": \"missing.js\"}\n";
  }
  auto rec = PpOcrRecognizer::Load(dir.string());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_STREQ((*rec)->backend(), "onnxruntime");
  const auto lines = GeneratedLines("zh", 1);
  ASSERT_EQ(lines.size(), 1u);
  auto read = (*rec)->Read(lines[0].image);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->text.empty());
  EXPECT_STREQ((*rec)->backend(), "opencv");
  const std::string warning = (*rec)->TakeWarning();
  EXPECT_NE(warning.find("failed twice"), std::string::npos) << warning;
  EXPECT_NE(warning.find("exited with status"), std::string::npos) << warning;
  fs::remove_all(dir);
}

TEST(PpOcr, AnUnknownBackendIsAnError) {
  if (!HaveModel()) GTEST_SKIP() << "PP-OCR model not installed (scripts/ppocr/fetch-models.sh)";
  auto rec = PpOcrRecognizer::Load(DefaultPpOcrDir(), Backend("cuda"));
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace ocrflow::ocr
