// Time bounds and worker-process isolation (issue 16), through the real
// binaries: build/ocrflow, and build/tests/ocrflow_faulty (the same program
// with fault injection: an input named *__segv__*, *__abort__*, *__hang__* or
// *__alloc__* makes its worker process fail that way).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <set>
#include <thread>

#include "pipeline/app/worker.h"
#include "stages/ocr/ppocr.h"
#include "tests/e2e/archive_text.h"
#include "tests/e2e/cli_harness.h"

namespace ocrflow::e2e {
namespace {

using Clock = std::chrono::steady_clock;
const std::string kPage = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/en-2col-001.png";

long LineCount(const fs::path& p) {
  const std::string s = Slurp(p);
  return static_cast<long>(std::count(s.begin(), s.end(), '\n'));
}

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A multi-page TIFF of small pages, one printed line each. Lines unlike
// each other: alike on 3 pages, they would be dropped as a running head.
bool WriteLineBook(const fs::path& path, std::initializer_list<const char*> lines) {
  std::vector<cv::Mat> pages;
  for (const char* line : lines) {
    cv::Mat img(70, 400, CV_8UC1, cv::Scalar(255));
    cv::putText(img, line, cv::Point(12, 46), cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2, cv::LINE_AA);
    pages.push_back(img);
  }
  return cv::imwritemulti(path.string(), pages);
}

// A multi-page TIFF of `n` such pages, each line its own words and number.
bool WriteBook(const fs::path& path, int n) {
  static const char* const kColours[] = {"Blue", "Green", "Red", "Grey", "Brown", "White"};
  static const char* const kThings[] = {"house", "door", "roof", "gate", "wall"};
  std::vector<cv::Mat> pages;
  for (int i = 1; i <= n; ++i) {
    cv::Mat img(70, 400, CV_8UC1, cv::Scalar(255));
    const std::string line = std::string(kColours[i % 6]) + " " + kThings[(i / 6) % 5] + " " + std::to_string(100 + i);
    cv::putText(img, line, cv::Point(12, 46), cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2, cv::LINE_AA);
    pages.push_back(img);
  }
  return cv::imwritemulti(path.string(), pages);
}

// A small page of one printed line, "Item <n> ready", that OCRs in a blink.
void WriteTinyPage(const fs::path& path, int n) {
  cv::Mat img(70, 360, CV_8UC1, cv::Scalar(255));
  cv::putText(img, "Item " + std::to_string(n) + " ready", cv::Point(12, 46), cv::FONT_HERSHEY_SIMPLEX, 1.0,
              cv::Scalar(0), 2, cv::LINE_AA);
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", img, png));
  const fs::path part = path.string() + ".part";  // moved in whole, as a scanner would deliver it
  Spit(part, std::string(png.begin(), png.end()));
  fs::rename(part, path);
}

// What a fault must be named by, in stderr or in .error.txt.
const std::map<std::string, std::string> kFaultNames = {
    {"segv", "SIGSEGV"}, {"abort", "SIGABRT"}, {"hang", "timed out"}, {"alloc", "RLIMIT_AS"}};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

std::string FaultName(const std::string& kind) {
  // Under ASan the memory limit is ASan's own RSS limit (worker.cpp).
  if (kAsan && kind == "alloc") return "hard_rss_limit_mb";
  return kFaultNames.at(kind);
}

class IsolateTest : public CliTest {
 protected:
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    CliTest::TearDown();
  }
  // `bin ARGS` in the temp dir; stdout and stderr captured.
  CliResult RunBin(const std::string& bin, const std::string& args) { return CliTest::RunBin(bin, args, "", Env()); }
  // The state's counts by status (done, failed, queued, working), as
  // `ocrflow status --out CORPUS --json` gives them; null when it failed.
  nlohmann::json StatusCounts(const fs::path& corpus) {
    auto st = RunBin(OCRFLOW_BIN, "status --out '" + corpus.string() + "' --json");
    EXPECT_EQ(st.code, 0) << st.err;
    if (st.code != 0) return nullptr;
    return nlohmann::json::parse(st.out)["counts"];
  }
  // Arguments of a daemon that reads the inbox once with one worker, in
  // English with Tesseract and no settle time, then `extra`.
  static std::vector<std::string> OnceArgs(const fs::path& inbox, const fs::path& corpus,
                                           const std::vector<std::string>& extra) {
    std::vector<std::string> args = {inbox.string(), "-o", corpus.string(), "--once", "--jobs", "1", "--lang", "eng",
                                     "--set", "ocr.engine=tesseract", "--settle", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // Under ASan a SIGSEGV must stay a signal for the parent to name.
  static std::string Env() { return kAsan ? "ASAN_OPTIONS=handle_segv=0:detect_leaks=0 " : ""; }

  // Starts `ocrflow_faulty watch ARGS`, stderr appended to dir_/watch.log.
  void StartWatch(const std::vector<std::string>& args) {
    log_ = dir_ / "watch.log";
    pid_ = SpawnWatch(OCRFLOW_FAULTY_BIN, args, log_, kAsan ? "handle_segv=0:detect_leaks=0" : nullptr);
    ASSERT_GE(pid_, 0);
  }
  // Waits for the daemon to end by itself (--once); its exit code, or -1
  // when it is still running after `seconds` (then it is killed).
  int WaitWatch(double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    int status = 0;
    while (Clock::now() < end) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }
  void KillWatch() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // The daemon's worker processes still running: every process but the
  // daemon whose stderr is its log, forked (whose command line is the
  // daemon's) or exec'd (whose is "/proc/self/exe __worker": no name to look
  // for). Every one is gone with the daemon (PR_SET_PDEATHSIG).
  int CountWorkers() const {
    const fs::path log = fs::weakly_canonical(log_);
    int n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == pid_) continue;
      std::error_code link_ec;
      const fs::path err = fs::read_symlink(e.path() / "fd" / "2", link_ec);
      n += !link_ec && err == log;
    }
    return n;
  }
  // Waits up to `seconds` for `text` in the daemon's log.
  bool WaitForLog(const std::string& text, double seconds) const {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      if (Slurp(log_).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  pid_t pid_ = -1;
  fs::path log_;
};

// --- time bounds --------------------------------------------------------------

TEST_F(IsolateTest, RunPageTimeoutFlagsThePageAndNeverHangs) {
  // The same real page: with time enough it is read; with 0.3 s it is cut,
  // named on stderr and in the JSON, without text, and the run ends.
  auto ok = RunBin(OCRFLOW_BIN, "run '" + kPage + "' -o full --format txt,json --engine tesseract -q --no-isolate");
  ASSERT_EQ(ok.code, 0) << ok.err;
  auto full = nlohmann::json::parse(Slurp(dir_ / "full/en-2col-001.json"));
  EXPECT_FALSE(full["pages"][0]["timed_out"].get<bool>());
  EXPECT_GT(Slurp(dir_ / "full/en-2col-001.txt").size(), 1000u);

  const auto t0 = Clock::now();
  auto cut = RunBin(OCRFLOW_BIN,
                    "run '" + kPage + "' -o cut --format txt,json --engine tesseract --page-timeout 0.3 --no-isolate");
  EXPECT_LT(Since(t0), 20);
  EXPECT_EQ(cut.code, 1) << cut.err;
  EXPECT_NE(cut.err.find("en-2col-001.png: page 1: timed out after 0.3 s (--page-timeout) in stage "), std::string::npos)
      << cut.err;
  auto j = nlohmann::json::parse(Slurp(dir_ / "cut/en-2col-001.json"));
  const auto& page = j["pages"][0];
  EXPECT_TRUE(page["timed_out"].get<bool>());
  const std::string stage = page["timed_out_stage"];
  EXPECT_NE(cut.err.find("in stage " + stage), std::string::npos);
  EXPECT_TRUE(page["paragraphs"].empty());
  EXPECT_EQ(Slurp(dir_ / "cut/en-2col-001.txt"), "");

  // The same in a worker process.
  auto iso = RunBin(OCRFLOW_BIN, "run '" + kPage + "' -o iso --isolate --format txt,json --engine tesseract --page-timeout 0.3");
  EXPECT_EQ(iso.code, 1) << iso.err;
  EXPECT_NE(iso.err.find("page 1: timed out after 0.3 s (--page-timeout) in stage "), std::string::npos) << iso.err;
  auto ji = nlohmann::json::parse(Slurp(dir_ / "iso/en-2col-001.json"));
  EXPECT_TRUE(ji["pages"][0]["timed_out"].get<bool>());
  EXPECT_EQ(Slurp(dir_ / "iso/en-2col-001.txt"), "");
}

TEST_F(IsolateTest, TesseractCallTimeoutIsNamed) {
  // One Tesseract call bounded to 1 ms (ETEXT_DESC): the page times out in
  // the ocr stage, and the message names that bound, not the page's.
  auto r = RunBin(OCRFLOW_BIN,
                  "run '" + kPage + "' -o out --format json --engine tesseract --set ocr.call_timeout=0.001" +
                      " --no-isolate");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("page 1: timed out in stage ocr: ocr: a Tesseract call ran out of its 0.0 s (ocr.call_timeout)"),
            std::string::npos)
      << r.err;
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/en-2col-001.json"));
  EXPECT_TRUE(j["pages"][0]["timed_out"].get<bool>());
  EXPECT_EQ(j["pages"][0]["timed_out_stage"], "ocr");
}

TEST_F(IsolateTest, RunPageTimeoutIsValidated) {
  auto r = RunBin(OCRFLOW_BIN, "run '" + kPage + "' -o out --page-timeout -1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--page-timeout"), std::string::npos) << r.err;
}

// --- run --isolate -------------------------------------------------------------

TEST_F(IsolateTest, RunIsolateWritesWhatTheInProcessRunWrites) {
  fs::create_directories(dir_ / "in");
  for (int i = 0; i < 3; ++i) WriteTinyPage(dir_ / "in" / ("t" + std::to_string(i) + ".png"), 40 + i);
  fs::copy_file(kPage, dir_ / "in" / "page.png");
  const std::string common = " --format txt,json --lang eng --engine tesseract -j 2 -q";
  auto a = RunBin(OCRFLOW_BIN, "run in -o a --no-isolate" + common);
  auto b = RunBin(OCRFLOW_BIN, "run in -o b --isolate" + common);
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  for (const std::string name : {"t0", "t1", "t2", "page"}) {
    for (const std::string ext : {".txt", ".json"}) {
      const std::string x = Slurp(dir_ / "a" / (name + ext));
      EXPECT_FALSE(x.empty()) << name << ext;
      EXPECT_EQ(x, Slurp(dir_ / "b" / (name + ext))) << name << ext;
    }
  }
  EXPECT_NE(Slurp(dir_ / "b/t1.txt").find("41"), std::string::npos);
}

// The lines of `run -v` for pages of `input`: page -> (pid, start, end),
// one entry per line (a page read twice has two).
struct PageLine {
  int page = 0, pid = 0;
  bool worker = false;
  double from = 0, to = 0;
};
std::vector<PageLine> VerbosePageLines(const std::string& err, const std::string& input) {
  std::vector<PageLine> lines;
  const std::regex re(std::regex_replace(input, std::regex("[.]"), "[.]") +
                      ": page ([0-9]+): (worker process|in process) pid ([0-9]+), ([0-9.]+)-([0-9.]+) s");
  for (auto it = std::sregex_iterator(err.begin(), err.end(), re); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    lines.push_back({std::stoi(m[1]), std::stoi(m[3]), m[2] == "worker process", std::stod(m[4]), std::stod(m[5])});
  }
  return lines;
}

// The pids `run -v` names as worker processes forked from the run (not
// exec'd: WorkerProcess::ForkNow).
std::set<int> ForkedWorkers(const std::string& err) {
  std::set<int> pids;
  const std::regex re("worker process pid ([0-9]+): forked from pid ([0-9]+)");
  for (auto it = std::sregex_iterator(err.begin(), err.end(), re); it != std::sregex_iterator(); ++it)
    pids.insert(std::stoi((*it)[1]));
  return pids;
}

// A multi-page input under --isolate: its pages are shared among the
// worker processes as the in-process run shares them among its threads,
// and the parent assembles the input (running lines across pages, every
// output format) to the same bytes as the in-process run.
TEST_F(IsolateTest, RunIsolateSharesThePagesOfOneInputAndWritesTheSameBytes) {
  fs::create_directories(dir_ / "in");
  std::vector<cv::Mat> pages;
  for (int n = 1; n <= 4; ++n) {
    cv::Mat img(260, 900, CV_8UC1, cv::Scalar(255));
    // A running head on every page: dropped only when the pages are seen
    // together (at least 3 of them), i.e. in the parent.
    cv::putText(img, "The Morning Post  " + std::to_string(n), cv::Point(20, 45), cv::FONT_HERSHEY_SIMPLEX, 1.0,
                cv::Scalar(0), 2, cv::LINE_AA);
    cv::putText(img, "Item " + std::to_string(60 + n) + " ready to go", cv::Point(20, 135), cv::FONT_HERSHEY_SIMPLEX,
                1.0, cv::Scalar(0), 2, cv::LINE_AA);
    cv::putText(img, "and more words on line " + std::to_string(n), cv::Point(20, 185), cv::FONT_HERSHEY_SIMPLEX, 1.0,
                cv::Scalar(0), 2, cv::LINE_AA);
    pages.push_back(img);
  }
  ASSERT_TRUE(cv::imwritemulti((dir_ / "in" / "book.tif").string(), pages));
  const std::string common = " --format txt,json,alto,hocr,page,pdf --lang eng --engine tesseract -j 2 -q -v";
  // SOURCE_DATE_EPOCH: the PAGE XML's time, the one thing two runs differ in.
  const std::string env = Env() + "SOURCE_DATE_EPOCH=1700000000 ";
  auto a = CliTest::RunBin(OCRFLOW_BIN, "run in -o a --no-isolate" + common, "", env);
  auto b = CliTest::RunBin(OCRFLOW_BIN, "run in -o b --isolate" + common, "", env);
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_ / "a")) names.insert(e.path().filename().string());
  std::set<std::string> names_b;
  for (const auto& e : fs::directory_iterator(dir_ / "b")) names_b.insert(e.path().filename().string());
  EXPECT_EQ(names, names_b);
  for (const std::string name : {"book.txt", "book.json", "book.alto.xml", "book.hocr", "book.pdf", "book-p1.page.xml",
                                 "book-p4.page.xml"})
    EXPECT_TRUE(names.count(name)) << name;
  for (const auto& name : names) {
    const std::string x = Slurp(dir_ / "a" / name);
    EXPECT_FALSE(x.empty()) << name;
    EXPECT_TRUE(x == Slurp(dir_ / "b" / name)) << name << " differs";
  }
  // The cross-page step ran on the whole input: the head is dropped.
  const std::string txt = Slurp(dir_ / "b/book.txt");
  EXPECT_NE(txt.find("62"), std::string::npos) << txt;
  EXPECT_EQ(txt.find("Morning"), std::string::npos) << txt;
  EXPECT_NE(Slurp(dir_ / "b/book.json").find("running header/footer: repeated on 4 of 4 pages"), std::string::npos);

  // Each page read once, in-process by this process, isolated by two
  // worker processes (not the parent) whose pages overlap in time.
  const auto inproc = VerbosePageLines(a.err, "in/book.tif");
  ASSERT_EQ(inproc.size(), 4u) << a.err;
  for (const auto& l : inproc) EXPECT_FALSE(l.worker);
  const auto iso = VerbosePageLines(b.err, "in/book.tif");
  ASSERT_EQ(iso.size(), 4u) << b.err;
  std::set<int> page_numbers, pids;
  for (const auto& l : iso) {
    EXPECT_TRUE(l.worker);
    page_numbers.insert(l.page);
    pids.insert(l.pid);
  }
  EXPECT_EQ(page_numbers, (std::set<int>{1, 2, 3, 4}));
  EXPECT_EQ(pids.size(), 2u) << b.err;
  // (Under ASan the workers are exec'd: their memory limit is an
  // ASAN_OPTIONS setting, read as a process starts.)
  if (!kAsan) {
    EXPECT_EQ(pids, ForkedWorkers(b.err)) << "the pages were read by the forked workers:\n" << b.err;
  }
  EXPECT_FALSE(pids.count(inproc[0].pid)) << "the in-process run's pid: pages read in the parent";
  bool together = false;
  for (const auto& x : iso)
    for (const auto& y : iso) together |= x.pid != y.pid && x.from < y.to && y.from < x.to;
  EXPECT_TRUE(together) << "no two pages ran in two worker processes at once:\n" << b.err;
}

TEST_F(IsolateTest, RunIsolateFailsOnlyTheFaultyInputsAndNamesWhy) {
  fs::create_directories(dir_ / "in");
  WriteTinyPage(dir_ / "in" / "good.png", 7);
  for (const auto& [kind, name] : kFaultNames) WriteTinyPage(dir_ / "in" / ("x__" + kind + "__.png"), 1);
  const auto t0 = Clock::now();
  auto r = RunBin(OCRFLOW_FAULTY_BIN,
                  "run in -o out --isolate -j 2 --lang eng --engine tesseract --page-timeout 2 --memory-limit 600 -q");
  EXPECT_LT(Since(t0), 30);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(Slurp(dir_ / "out/good.txt").find("7"), std::string::npos) << r.err;
  for (const auto& [kind, unused] : kFaultNames) {
    const std::string input = "in/x__" + kind + "__.png";
    std::smatch m;
    const std::regex line(std::regex_replace(input, std::regex("[.]"), "[.]") + ": ([^\n]*)");
    ASSERT_TRUE(std::regex_search(r.err, m, line)) << kind << "\n" << r.err;
    EXPECT_NE(m[1].str().find(FaultName(kind)), std::string::npos) << kind << ": " << m[1];
    EXPECT_FALSE(fs::exists(dir_ / "out" / ("x__" + kind + "__.txt"))) << kind;
  }
}

// A worker killed for time names the stage it was in, on run's stderr and
// in the daemon's .error.txt (the worker says so as each stage starts).
TEST_F(IsolateTest, WorkerKilledForTimeNamesTheStage) {
  fs::create_directories(dir_ / "in");
  WriteTinyPage(dir_ / "in" / "x__hang_in_layout__.png", 3);
  const auto t0 = Clock::now();
  auto r = RunBin(OCRFLOW_FAULTY_BIN, "run in -o out --isolate --lang eng --engine tesseract --page-timeout 2 -q");
  EXPECT_LT(Since(t0), 30);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("x__hang_in_layout__.png: timed out in stage layout (page 1): no page finished in 3 s"),
            std::string::npos)
      << r.err;

  fs::path inbox = dir_ / "inbox", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  WriteTinyPage(inbox / "y__hang_in_deskew__.png", 4);
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "1", "--page-timeout", "2"}));
  ASSERT_EQ(WaitWatch(60), 0) << Slurp(log_);
  const std::string note = Slurp(corpus / "failed" / "y__hang_in_deskew__.png.error.txt");
  EXPECT_NE(note.find("timed out in stage deskew (page 1)"), std::string::npos) << note;
}

// A worker that dies on one page of a multi-page input under run --isolate
// loses that page only: the page is reported failed with the signal, the
// others are in the outputs, and no page is read twice (each page is a
// request of its own).
TEST_F(IsolateTest, RunIsolateCrashOnOnePageLosesOnlyThatPage) {
  fs::create_directories(dir_ / "in");
  std::vector<cv::Mat> pages;
  for (int n : {31, 32, 33}) {
    cv::Mat img(70, 360, CV_8UC1, cv::Scalar(255));
    cv::putText(img, "Item " + std::to_string(n) + " ready", cv::Point(12, 46), cv::FONT_HERSHEY_SIMPLEX, 1.0,
                cv::Scalar(0), 2, cv::LINE_AA);
    pages.push_back(img);
  }
  ASSERT_TRUE(cv::imwritemulti((dir_ / "in" / "book__segv_on_p2__.tif").string(), pages));
  auto r = RunBin(OCRFLOW_FAULTY_BIN, "run in -o out --isolate --lang eng --engine tesseract --format txt,json -q -v");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("book__segv_on_p2__.tif: page 2: left out: the worker process"), std::string::npos) << r.err;
  const auto lines = VerbosePageLines(r.err, "in/book__segv_on_p2__.tif");
  ASSERT_EQ(lines.size(), 3u) << r.err;
  std::multiset<int> read;
  for (const auto& l : lines) read.insert(l.page);
  EXPECT_EQ(read, (std::multiset<int>{1, 2, 3})) << r.err;
  EXPECT_NE(r.err.find("SIGSEGV"), std::string::npos) << r.err;
  const std::string txt = Slurp(dir_ / "out/book__segv_on_p2__.txt");
  EXPECT_NE(txt.find("31"), std::string::npos) << txt;
  EXPECT_EQ(txt.find("32"), std::string::npos) << txt;
  EXPECT_NE(txt.find("33"), std::string::npos) << txt;
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/book__segv_on_p2__.json"));
  ASSERT_EQ(j["pages"].size(), 2u);
  EXPECT_EQ(j["pages"][0]["page"], 1);
  EXPECT_EQ(j["pages"][1]["page"], 3);
}

// run --isolate forks its worker processes from itself before its threads
// start. One of them that dies (its fault hook, in the forked copy) fails
// its page only: the run goes on, the next page goes to a worker started
// anew (by exec: the run has threads by then), and every page is read once.
TEST_F(IsolateTest, RunIsolateForkedWorkerThatDiesIsReplacedAndNoPageIsReadTwice) {
  if (kAsan) GTEST_SKIP() << "under AddressSanitizer run's workers are exec'd, not forked (worker.cpp)";
  fs::create_directories(dir_ / "in");
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book__segv_on_p2__.tif",
                            {"Item 41 ready", "Blue house 42", "Cold river 43 bank", "Tall 44 oak"}));
  auto r =
      RunBin(OCRFLOW_FAULTY_BIN, "run in -o out --isolate -j 1 --lang eng --engine tesseract --format txt,json -v");
  EXPECT_EQ(r.code, 1) << r.err;
  const std::set<int> forked = ForkedWorkers(r.err);
  ASSERT_EQ(forked.size(), 1u) << "one worker forked for --jobs 1:\n" << r.err;
  const auto lines = VerbosePageLines(r.err, "in/book__segv_on_p2__.tif");
  ASSERT_EQ(lines.size(), 4u) << r.err;
  std::map<int, int> reader;  // page -> pid
  for (const auto& l : lines) {
    EXPECT_TRUE(l.worker) << r.err;
    EXPECT_TRUE(reader.emplace(l.page, l.pid).second) << "page " << l.page << " read twice:\n" << r.err;
  }
  // Pages 1 and 2 in the forked worker, which died on page 2; 3 and 4 in
  // one started after it, not forked.
  EXPECT_EQ(reader[1], *forked.begin()) << r.err;
  EXPECT_EQ(reader[2], *forked.begin()) << r.err;
  EXPECT_NE(reader[3], reader[2]) << r.err;
  EXPECT_EQ(reader[4], reader[3]) << r.err;
  EXPECT_FALSE(forked.count(reader[3])) << r.err;
  EXPECT_NE(r.err.find("book__segv_on_p2__.tif: page 2: left out: the worker process (pid " +
                       std::to_string(reader[2]) + ") was killed by SIGSEGV"),
            std::string::npos)
      << r.err;
  const std::string txt = Slurp(dir_ / "out/book__segv_on_p2__.txt");
  for (const char* n : {"41", "43", "44"}) EXPECT_NE(txt.find(n), std::string::npos) << n << "\n" << txt;
  EXPECT_EQ(txt.find("42"), std::string::npos) << txt;
  EXPECT_EQ(nlohmann::json::parse(Slurp(dir_ / "out/book__segv_on_p2__.json"))["pages"].size(), 3u);
  // The summary line: the run itself went on to its end.
  EXPECT_NE(r.err.find("1 inputs, 4 pages"), std::string::npos) << r.err;
}

// A worker that spins on the CPU as page 2 starts (the test build's
// marker; `__hang_on_p<N>__` sleeps, using none) is killed by its CPU time
// bound, set by the test build's hook to 2 s a page (it is the page's wall
// clock bound on every core otherwise), long before the wall clock's 66 s:
// the kernel ends it (SIGXCPU), whatever the parent does. Pages 1 and 3
// are read. Before, it spun until the wall clock's bound.
TEST_F(IsolateTest, RunIsolateWorkerThatSpinsDiesOfItsCpuBound) {
  fs::create_directories(dir_ / "in");
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book__spin_on_p2__.tif", {"Item 51 ready", "Blue house 52", "Green door 53"}));
  const auto t0 = Clock::now();
  auto r = CliTest::RunBin(OCRFLOW_FAULTY_BIN, "run in -o out --isolate -j 1 --lang eng --engine tesseract --page-timeout 60",
                           "", Env() + "OCRFLOW_FAULT_WORKER_CPU_BOUND=2 ");
  const double seconds = Since(t0);
  EXPECT_LT(seconds, 60) << r.err;  // under the 66 s of the wall clock, on a machine loaded by others too
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("book__spin_on_p2__.tif: page 2: left out: the worker process (pid "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("was killed by SIGXCPU (CPU time limit exceeded): more than its bound of 2 s of CPU time for a "
                       "page (RLIMIT_CPU)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  const std::string txt = Slurp(dir_ / "out/book__spin_on_p2__.txt");
  EXPECT_NE(txt.find("51"), std::string::npos) << txt << r.err;
  EXPECT_NE(txt.find("53"), std::string::npos) << txt << r.err;
  EXPECT_EQ(txt.find("52"), std::string::npos) << txt;
}

// The PP-OCR helper (stages/ocr/ppocr_worker.h: a node process a worker
// starts for its thread, ONNX Runtime in it) and a `node` in front of it
// on PATH, for the tests of its CPU time bound; empty when the models, ONNX
// Runtime or node are absent (the tests skip, as the PP-OCR model tests
// do). `prelude` runs in node before the helper's script (--require).
std::string PpOcrHelperMissing() {
  const fs::path d = ocr::DefaultPpOcrDir();
  if (!ocr::CheckPpOcr(d.string()).ok()) return "PP-OCR models absent (" + d.string() + ")";
  for (const char* f : {"rec-original.onnx", "ppocr_worker.js", "node_modules/onnxruntime-node/package.json"})
    if (!fs::exists(d / f)) return "ONNX Runtime route absent: no " + (d / f).string();
  if (std::system("command -v node >/dev/null 2>&1") != 0) return "node is not on PATH";
  return "";
}

// A `node` that is `script` (a shell script's body), first on PATH.
std::string FakeNodeOnPath(const fs::path& dir, const std::string& script) {
  fs::create_directories(dir);
  Spit(dir / "node", "#!/bin/sh\n" + script);
  fs::permissions(dir / "node", fs::perms::owner_all);
  return "PATH='" + dir.string() + "':\"$PATH\" ";
}

// The warnings of every page of a run's JSON output, one string.
std::string JsonWarnings(const fs::path& json_path) {
  auto j = nlohmann::json::parse(Slurp(json_path), nullptr, false);
  if (j.is_discarded()) return "(no JSON at " + json_path.string() + ")";
  std::string all;
  for (const auto& p : j["pages"])
    for (const auto& w : p["warnings"]) all += w.get<std::string>() + "\n";
  return all;
}

// A PP-OCR helper that spins on the CPU (a `node` that never reads its
// requests, spinning on three threads) dies of the CPU time bound it has
// from its worker process (RLIMIT_CPU, 3 s a page here by the test build's
// hook; the page's wall clock bound on every core otherwise), not of the
// 30 s a line may take (ppocr.h, line_timeout_ms: that one is SIGKILL):
// the second helper too, and the page is read by OpenCV, the warning
// naming SIGXCPU. Before this test nothing showed that a helper is bounded
// at all: a helper that spins outlives its worker (it is in a process
// group of its own, and a worker killed by SIGKILL cannot end it), and
// only the CPU bound ends it then. The signal named is what tells the two
// apart, not the time taken: three threads reach 3 s of CPU well inside
// 30 s even with a small share of a loaded machine (one thread at 4 s took
// 20 s of the 30 in a full suite run).
TEST_F(IsolateTest, RunIsolatePpOcrHelperThatSpinsDiesOfItsCpuBound) {
  if (const std::string why = PpOcrHelperMissing(); !why.empty()) GTEST_SKIP() << why;
  fs::create_directories(dir_ / "in");
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book.tif", {"Item 51 ready"}));
  int status = 0;
  std::string node = Command("command -v node", &status);
  node.erase(node.find_last_not_of('\n') + 1);
  const std::string path = FakeNodeOnPath(
      dir_ / "bin", "exec '" + node +
                        "' -e 'const {Worker} = require(\"worker_threads\"); "
                        "for (let i = 0; i < 2; ++i) new Worker(\"for (;;) {}\", {eval: true}); for (;;) {}'\n");
  auto r = CliTest::RunBin(OCRFLOW_FAULTY_BIN,
                           "run in -o out --isolate -j 1 --lang eng --engine ppocr --page-timeout 60 --format txt,json",
                           "", Env() + path + "OCRFLOW_FAULT_WORKER_CPU_BOUND=3 ");
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string warnings = JsonWarnings(dir_ / "out/book.json");
  const std::string xcpu = "killed by signal " + std::to_string(SIGXCPU) + " (" + strsignal(SIGXCPU) + ")";
  EXPECT_NE(warnings.find("the ONNX Runtime worker failed twice"), std::string::npos) << warnings << r.err;
  EXPECT_NE(warnings.find(xcpu), std::string::npos) << warnings << r.err;
  EXPECT_EQ(warnings.find("killed by signal " + std::to_string(SIGKILL)), std::string::npos) << warnings;
  EXPECT_NE(Slurp(dir_ / "out/book.txt").find("51"), std::string::npos) << r.err;
}

// The helper's bound is set again at each page (WorkerProcess::BoundCpu, on
// the worker's children): to the CPU it has used plus the bound, so a
// helper that does a page's work on every page of a book is never killed
// by the sum. Its `node` here burns 2 s of CPU on each request (a line)
// before the helper's script reads it, and names itself in a file: 3 pages
// of a line each, 6 s and more in all (its start too), under a bound of 5 s
// a page. Without the renewal the helper keeps the bound it inherited from
// its worker as it started (5 s from then) and dies of SIGXCPU on page 2 or
// 3; the next helper reads on, so only the second pid in the file shows it.
TEST_F(IsolateTest, RunIsolatePpOcrHelperCpuBoundIsRenewedAtEachPage) {
  if (const std::string why = PpOcrHelperMissing(); !why.empty()) GTEST_SKIP() << why;
  fs::create_directories(dir_ / "in");
  // Lines without a doubled letter: one request each (ppocr.h reads such a
  // line a second time).
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book.tif", {"Item 51 ready", "Blue house 52", "Cold river 53"}));
  // Requests are a little-endian u32 length and that many bytes
  // (ppocr_worker.js); the listener the helper's script gives stdin gets
  // each chunk after the burn.
  const fs::path pids = dir_ / "helper.pids";
  Spit(dir_ / "burn.js",
       "const fs = require('fs');\n"
       "const on = process.stdin.on.bind(process.stdin);\n"
       "let need = 0, head = [];\n"
       "process.stdin.on = (ev, fn) => on(ev, ev !== 'data' ? fn : (chunk) => {\n"
       "  for (let off = 0; off < chunk.length;) {\n"
       "    if (need > 0) { const take = Math.min(need, chunk.length - off); need -= take; off += take; continue; }\n"
       "    head.push(chunk[off++]);\n"
       "    if (head.length < 4) continue;\n"
       "    need = Buffer.from(head).readUInt32LE(0); head = [];\n"
       "    fs.appendFileSync('" + pids.string() + "', process.pid + '\\n');\n"
       "    const t0 = process.cpuUsage();\n"
       "    for (;;) { const u = process.cpuUsage(t0); if (u.user + u.system >= 2e6) break; }\n"
       "  }\n"
       "  fn(chunk);\n"
       "});\n");
  int status = 0;
  std::string node = Command("command -v node", &status);
  node.erase(node.find_last_not_of('\n') + 1);
  const std::string path =
      FakeNodeOnPath(dir_ / "bin", "exec '" + node + "' --require '" + (dir_ / "burn.js").string() + "' \"$@\"\n");
  auto r = CliTest::RunBin(OCRFLOW_FAULTY_BIN,
                           "run in -o out --isolate -j 1 --lang eng --engine ppocr --page-timeout 60 --format txt,json",
                           "", Env() + path + "OCRFLOW_FAULT_WORKER_CPU_BOUND=5 ");
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string warnings = JsonWarnings(dir_ / "out/book.json");
  EXPECT_EQ(warnings.find("ONNX Runtime worker failed"), std::string::npos) << warnings << r.err;
  // One helper served every request: none died.
  std::istringstream in(Slurp(pids));
  std::vector<std::string> served;
  for (std::string pid; std::getline(in, pid);) served.push_back(pid);
  ASSERT_GE(served.size(), 3u) << Slurp(pids) << r.err;
  EXPECT_EQ(std::set<std::string>(served.begin(), served.end()).size(), 1u) << Slurp(pids) << warnings << r.err;
  auto j = nlohmann::json::parse(Slurp(dir_ / "out/book.json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.err;
  ASSERT_EQ(j["pages"].size(), 3u) << r.err;
  for (const auto& p : j["pages"]) {
    int by_ppocr = 0;
    for (const auto& b : p["blocks"]) by_ppocr += b.value("engine", "") == "ppocr";
    EXPECT_GT(by_ppocr, 0) << p.dump();
  }
}

// A worker process started by exec (the replacement of one that died)
// starts outside its first page's time bound: it says "ready" when it can
// take a page, and the bound starts then. The fault hook makes every exec'd
// worker take 7 s to start (a loaded machine's loader), more than the page
// timeout of 5 s plus its 1 s grace; the forked first one does not pass
// there. Before, the replacement's first page was killed for time, and so
// was the next one's. (5 s, not 2: a tiny page read in time on a machine
// loaded by others' builds too.)
TEST_F(IsolateTest, RunIsolateReplacementWorkerStartsOutsideThePageBound) {
  fs::create_directories(dir_ / "in");
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book__segv_on_p2__.tif",
                            {"Item 61 ready", "Blue house 62", "Cold river 63 bank", "Tall 64 oak"}));
  const auto t0 = Clock::now();
  auto r = CliTest::RunBin(OCRFLOW_FAULTY_BIN,
                           "run in -o out --isolate -j 1 --lang eng --engine tesseract --page-timeout 5 -v", "",
                           Env() + "OCRFLOW_FAULT_WORKER_START_SECONDS=7 ");
  EXPECT_LT(Since(t0), 60);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("book__segv_on_p2__.tif: page 2: left out: the worker process"), std::string::npos) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("worker process pid [0-9]+: started by exec, ready in ([0-9.]+) s")))
      << r.err;
  EXPECT_GE(std::stod(m[1]), 7.0) << r.err;
  const std::string txt = Slurp(dir_ / "out/book__segv_on_p2__.txt");
  for (const char* n : {"61", "63", "64"}) EXPECT_NE(txt.find(n), std::string::npos) << n << "\n" << r.err;
  EXPECT_EQ(txt.find("62"), std::string::npos) << txt;
}

// A worker process that does not say it is ready within the start-up
// bound (here 3 s, by the test build's hook; 60 s by default) is killed:
// its page is left out, named so, and the run goes on to its end.
TEST_F(IsolateTest, RunIsolateWorkerThatHangsInItsStartIsKilled) {
  if (kAsan) GTEST_SKIP() << "under AddressSanitizer run's workers are exec'd, not forked: none would start";
  fs::create_directories(dir_ / "in");
  ASSERT_TRUE(WriteLineBook(dir_ / "in" / "book__segv_on_p2__.tif",
                            {"Item 71 ready", "Blue house 72", "Cold river 73 bank"}));
  const auto t0 = Clock::now();
  auto r = CliTest::RunBin(
      OCRFLOW_FAULTY_BIN, "run in -o out --isolate -j 1 --lang eng --engine tesseract --page-timeout 60 -q", "",
      Env() + "OCRFLOW_FAULT_WORKER_START_SECONDS=1000 OCRFLOW_FAULT_WORKER_START_BOUND=3 ");
  EXPECT_LT(Since(t0), 40) << "killed after the start-up bound, not the page bound (66 s)";
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("book__segv_on_p2__[.]tif: page 3: left out: the worker process "
                                                  "\\(pid [0-9]+\\) did not start within 3 s")))
      << r.err;
  const std::string txt = Slurp(dir_ / "out/book__segv_on_p2__.txt");
  EXPECT_NE(txt.find("71"), std::string::npos) << r.err;
}

// run --isolate forks no more worker processes than the run may have
// pages: one for a one-page input at --jobs 2 (it forked two, one never
// used), two for two one-page inputs at --jobs 3. A TIFF's pages are
// counted by a worker process, after the fork: it may need every one.
TEST_F(IsolateTest, RunIsolateForksNoMoreWorkersThanPages) {
  if (kAsan) GTEST_SKIP() << "under AddressSanitizer run's workers are exec'd, not forked (worker.cpp)";
  const std::string common = " --isolate --lang eng --engine tesseract -v";
  fs::create_directories(dir_ / "one");
  WriteTinyPage(dir_ / "one" / "a.png", 51);
  auto one = RunBin(OCRFLOW_BIN, "run one -o o1 -j 2" + common);
  ASSERT_EQ(one.code, 0) << one.err;
  const std::set<int> forked = ForkedWorkers(one.err);
  EXPECT_EQ(forked.size(), 1u) << one.err;
  const auto lines = VerbosePageLines(one.err, "one/a.png");
  ASSERT_EQ(lines.size(), 1u) << one.err;
  EXPECT_TRUE(forked.count(lines[0].pid)) << "the page was read by the forked worker:\n" << one.err;
  EXPECT_NE(Slurp(dir_ / "o1/a.txt").find("51"), std::string::npos) << one.err;

  fs::create_directories(dir_ / "two");
  WriteTinyPage(dir_ / "two" / "a.png", 52);
  WriteTinyPage(dir_ / "two" / "b.png", 53);
  auto two = RunBin(OCRFLOW_BIN, "run two -o o2 -j 3" + common);
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(ForkedWorkers(two.err).size(), 2u) << two.err;
  EXPECT_NE(Slurp(dir_ / "o2/b.txt").find("53"), std::string::npos) << two.err;

  fs::create_directories(dir_ / "book");
  ASSERT_TRUE(WriteLineBook(dir_ / "book" / "b.tif", {"Item 54 ready", "Blue house 55"}));
  auto book = RunBin(OCRFLOW_BIN, "run book -o o3 -j 2" + common);
  ASSERT_EQ(book.code, 0) << book.err;
  EXPECT_EQ(ForkedWorkers(book.err).size(), 2u) << book.err;
  const std::string txt = Slurp(dir_ / "o3/b.txt");
  for (const char* n : {"54", "55"}) EXPECT_NE(txt.find(n), std::string::npos) << n << "\n" << txt;
}

// Isolation is run's default; --no-isolate (--in-process) and --debug-dir
// read the pages in the run's own process (where the fault hooks of
// ocrflow_faulty's workers are not: the input is read like any other).
TEST_F(IsolateTest, RunIsolatesByDefaultAndNoIsolateReadsInProcess) {
  fs::create_directories(dir_ / "in");
  WriteTinyPage(dir_ / "in" / "good.png", 8);
  WriteTinyPage(dir_ / "in" / "x__segv__.png", 9);
  const std::string common = " --lang eng --engine tesseract -j 2 -q";
  auto def = RunBin(OCRFLOW_FAULTY_BIN, "run in -o def" + common);
  EXPECT_EQ(def.code, 1) << def.err;
  EXPECT_NE(def.err.find("in/x__segv__.png: the worker process (pid "), std::string::npos) << def.err;
  EXPECT_NE(def.err.find("SIGSEGV"), std::string::npos) << def.err;
  EXPECT_NE(Slurp(dir_ / "def/good.txt").find("8"), std::string::npos) << def.err;
  EXPECT_FALSE(fs::exists(dir_ / "def/x__segv__.txt"));
  for (const std::string flag : {"--no-isolate", "--in-process", "--debug-dir dbg"}) {
    const std::string out = "o" + std::to_string(flag.size());
    auto r = RunBin(OCRFLOW_FAULTY_BIN, "run in -o " + out + " " + flag + common + " -v");
    EXPECT_EQ(r.code, 0) << flag << "\n" << r.err;
    EXPECT_NE(Slurp(dir_ / out / "x__segv__.txt").find("9"), std::string::npos) << flag << "\n" << r.err;
    EXPECT_NE(r.err.find("x__segv__.png: page 1: in process pid"), std::string::npos) << flag << "\n" << r.err;
    EXPECT_EQ(r.err.find("worker process"), std::string::npos) << flag << "\n" << r.err;
  }
  EXPECT_FALSE(fs::is_empty(dir_ / "dbg"));
  auto both = RunBin(OCRFLOW_BIN, "run in -o both --isolate --debug-dir dbg2" + common);
  EXPECT_EQ(both.code, 2) << both.err;
  EXPECT_NE(both.err.find("--debug-dir needs the pages in this process"), std::string::npos) << both.err;
}

TEST_F(IsolateTest, ShippedBinaryHasNoFaultInjection) {
  fs::create_directories(dir_ / "in");
  WriteTinyPage(dir_ / "in" / "x__segv__.png", 5);
  auto r = RunBin(OCRFLOW_BIN, "run in -o out --isolate --lang eng --engine tesseract -q");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(Slurp(dir_ / "out/x__segv__.txt").find("5"), std::string::npos);
}

// --- the daemon: one fault kind at a time -------------------------------------

class WatchFaultTest : public IsolateTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(WatchFaultTest, FaultyInputIsRetriedThenQuarantinedOthersDone) {
  const std::string kind = GetParam();
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  WriteTinyPage(inbox / "a.png", 11);
  WriteTinyPage(inbox / ("bad__" + kind + "__.png"), 12);
  WriteTinyPage(inbox / "z.png", 13);
  StartWatch({inbox.string(), "-o", corpus.string(), "--once", "--jobs", "2", "--lang", "eng", "--set",
              "ocr.engine=tesseract", "--settle", "0", "--max-attempts", "2", "--page-timeout", "2",
              "--memory-limit", "600", "--format", "txt,json"});
  const int rc = WaitWatch(60);
  ASSERT_EQ(rc, 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  EXPECT_NE(Slurp(corpus / "a.png.txt").find("11"), std::string::npos) << log;
  EXPECT_NE(Slurp(corpus / "z.png.txt").find("13"), std::string::npos) << log;
  const std::string bad = "bad__" + kind + "__.png";
  EXPECT_FALSE(fs::exists(corpus / (bad + ".txt")));
  EXPECT_TRUE(fs::exists(corpus / "failed" / bad));
  const std::string note = Slurp(corpus / "failed" / (bad + ".error.txt"));
  EXPECT_NE(note.find(FaultName(kind)), std::string::npos) << note;
  EXPECT_NE(note.find("attempt 2 of 2"), std::string::npos) << note;
  EXPECT_NE(log.find("retry " + bad + " (attempt 1 of 2)"), std::string::npos) << log;
  // Two good lines in the manifest, none for the faulty input.
  const std::string manifest = Slurp(corpus / "manifest.jsonl");
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 2) << manifest;
  EXPECT_EQ(manifest.find(bad), std::string::npos);
  EXPECT_EQ(CountWorkers(), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, WatchFaultTest, ::testing::Values("segv", "abort", "hang", "alloc"));

// --- the daemon's worker processes: forked, replaced by exec ---------------

// The worker processes a daemon's log names as forked from it: pid -> the
// pid it names as the parent.
std::map<int, int> ForkedFrom(const std::string& log) {
  std::map<int, int> pids;
  const std::regex re("worker process pid ([0-9]+): forked from pid ([0-9]+)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it)
    pids[std::stoi((*it)[1])] = std::stoi((*it)[2]);
  return pids;
}

// "PPid" in /proc/PID/status (-1 when it cannot be read, or the process
// has exited and waits to be reaped).
int ParentOf(int pid) {
  std::istringstream status(Slurp("/proc/" + std::to_string(pid) + "/status"));
  int parent = -1;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("State:", 0) == 0 && line.find("zombie") != std::string::npos) return -1;
    if (line.rfind("PPid:", 0) == 0) parent = std::stoi(line.substr(5));
  }
  return parent;
}

// The running processes whose parent is `pid`.
std::set<int> ChildrenOf(int pid) {
  std::set<int> children;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") == std::string::npos && ParentOf(std::stoi(name)) == pid)
      children.insert(std::stoi(name));
  }
  return children;
}

// The daemon starts one worker process per --jobs by fork() before its
// threads start, as run does: copies of the daemon (its program, its
// command line, its children), not `ocrflow __worker` exec'd anew, waiting
// for inputs before any arrives. A reload that changes their memory limit
// replaces them by exec (the daemon runs threads then). They go with it
// when it stops. Forked or exec'd, each is the kernel OOM killer's first
// choice (oom_score_adj 1000), the daemon unchanged: short of memory, the
// machine loses one worker's page, not the daemon (before, the OOM killer
// chose by size alone, and the daemon shares the workers' pages).
TEST_F(IsolateTest, DaemonForksItsWorkerProcessesFromItself) {
  if (kAsan) GTEST_SKIP() << "under AddressSanitizer the daemon's workers are exec'd, not forked (worker.cpp)";
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus", config = dir_ / "watch.toml";
  fs::create_directories(inbox);
  Spit(config, "jobs = 2\nmemory_limit_mb = 4096\n");
  StartWatch({inbox.string(), "-o", corpus.string(), "--config", config.string(), "--lang", "eng", "--set",
              "ocr.engine=tesseract", "--settle", "0"});
  ASSERT_TRUE(WaitForLog("watching", 60)) << Slurp(log_);
  std::map<int, int> forked;
  for (int i = 0; i < 600 && forked.size() < 2; ++i) {
    forked = ForkedFrom(Slurp(log_));
    if (forked.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(forked.size(), 2u) << "one worker process forked per --jobs:\n" << Slurp(log_);
  const std::string daemon_cmdline = Slurp("/proc/" + std::to_string(pid_) + "/cmdline");
  ASSERT_NE(daemon_cmdline.find("watch"), std::string::npos) << daemon_cmdline;
  for (const auto& [worker, parent] : forked) {
    EXPECT_EQ(parent, pid_) << Slurp(log_);
    EXPECT_EQ(ParentOf(worker), pid_) << "worker " << worker;
    EXPECT_EQ(Slurp("/proc/" + std::to_string(worker) + "/cmdline"), daemon_cmdline)
        << "worker " << worker << ": an exec'd worker's command line is `/proc/self/exe __worker`";
    EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(worker) + "/exe"), fs::canonical(OCRFLOW_FAULTY_BIN));
    // The kernel's OOM killer takes a worker first, never the daemon.
    EXPECT_EQ(Slurp("/proc/" + std::to_string(worker) + "/oom_score_adj"), std::string(kWorkerOomScoreAdj) + "\n");
  }
  EXPECT_EQ(Slurp("/proc/" + std::to_string(pid_) + "/oom_score_adj"), Slurp("/proc/self/oom_score_adj"));
  EXPECT_EQ(CountWorkers(), 2);
  WriteTinyPage(inbox / "a.png", 21);
  ASSERT_TRUE(WaitForLog("done a.png", 60)) << Slurp(log_);
  EXPECT_NE(Slurp(corpus / "a.png.txt").find("21"), std::string::npos) << Slurp(log_);
  // The input was read by one of them: no third worker process started.
  EXPECT_EQ(CountWorkers(), 2);
  for (const auto& [worker, parent] : forked) EXPECT_EQ(ParentOf(worker), pid_) << "worker " << worker;

  // Another memory limit: both are replaced, the next input read by a
  // worker exec'd for it (the other thread starts one at its next input).
  Spit(config, "jobs = 2\nmemory_limit_mb = 3000\n");
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("config reloaded", 30)) << Slurp(log_);
  WriteTinyPage(inbox / "b.png", 22);
  ASSERT_TRUE(WaitForLog("done b.png", 60)) << Slurp(log_);
  EXPECT_NE(Slurp(corpus / "b.png.txt").find("22"), std::string::npos) << Slurp(log_);
  std::set<int> children = ChildrenOf(pid_);
  for (int i = 0; i < 150 && children.size() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    children = ChildrenOf(pid_);
  }
  ASSERT_EQ(children.size(), 1u) << "the forked workers replaced, one exec'd for b.png";
  const int exec_d = *children.begin();
  EXPECT_FALSE(forked.count(exec_d)) << Slurp(log_);
  EXPECT_EQ(Slurp("/proc/" + std::to_string(exec_d) + "/cmdline"), std::string("/proc/self/exe\0__worker\0", 24));
  EXPECT_EQ(Slurp("/proc/" + std::to_string(exec_d) + "/oom_score_adj"), std::string(kWorkerOomScoreAdj) + "\n");
  EXPECT_EQ(CountWorkers(), 1);
  kill(pid_, SIGTERM);
  ASSERT_EQ(WaitWatch(60), 0) << Slurp(log_);
  for (int i = 0; i < 50 && CountWorkers() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(CountWorkers(), 0);
}

// A forked worker that dies on an input (the fault hook, in the forked
// copy) fails that attempt only: the input is retried in a worker started
// anew by exec (the daemon runs threads by then), then quarantined with the
// signal; the other inputs are done, each once.
TEST_F(IsolateTest, DaemonForkedWorkerThatDiesIsReplacedByExec) {
  if (kAsan) GTEST_SKIP() << "under AddressSanitizer the daemon's workers are exec'd, not forked (worker.cpp)";
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  WriteTinyPage(inbox / "a.png", 31);
  WriteTinyPage(inbox / "bad__segv__.png", 32);
  WriteTinyPage(inbox / "z.png", 33);
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--format", "txt,json"}));
  ASSERT_EQ(WaitWatch(90), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::map<int, int> forked = ForkedFrom(log);
  ASSERT_EQ(forked.size(), 1u) << "one worker process forked for --jobs 1:\n" << log;
  const int first = forked.begin()->first;
  // Attempt 1 in the forked worker; attempt 2 in another, not forked.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex("retry bad__segv__[.]png \\(attempt 1 of 2\\): the worker process "
                                                   "\\(pid ([0-9]+)\\) was killed by SIGSEGV")))
      << log;
  EXPECT_EQ(std::stoi(m[1]), first) << log;
  const std::string note = Slurp(corpus / "failed" / "bad__segv__.png.error.txt");
  ASSERT_TRUE(std::regex_search(note, m, std::regex("the worker process \\(pid ([0-9]+)\\) was killed by SIGSEGV")))
      << note;
  EXPECT_NE(std::stoi(m[1]), first) << note;
  EXPECT_FALSE(forked.count(std::stoi(m[1]))) << log;
  EXPECT_NE(note.find("attempt 2 of 2"), std::string::npos) << note;
  EXPECT_FALSE(fs::exists(corpus / "bad__segv__.png.txt"));
  EXPECT_NE(Slurp(corpus / "a.png.txt").find("31"), std::string::npos) << log;
  EXPECT_NE(Slurp(corpus / "z.png.txt").find("33"), std::string::npos) << log;
  const std::string manifest = Slurp(corpus / "manifest.jsonl");
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 2) << manifest;
  EXPECT_EQ(CountWorkers(), 0);
}

// The same for the daemon: after a worker dies, the next input goes to a
// worker started by exec that takes 7 s to start (the test build's hook),
// past the page timeout of 5 s plus its grace; the input is read, not
// killed for time, and so is the faulty input's retry (killed by its own
// fault again). Before, both timed out in the replacement, and the good
// input was quarantined as timed out at its second attempt.
TEST_F(IsolateTest, DaemonReplacementWorkerStartsOutsideThePageBound) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  WriteTinyPage(inbox / "a.png", 81);
  WriteTinyPage(inbox / "bad__segv__.png", 82);
  WriteTinyPage(inbox / "z.png", 83);
  setenv("OCRFLOW_FAULT_WORKER_START_SECONDS", "7", 1);
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--page-timeout", "5"}));
  unsetenv("OCRFLOW_FAULT_WORKER_START_SECONDS");
  ASSERT_EQ(WaitWatch(90), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  EXPECT_EQ(log.find("timed out"), std::string::npos) << log;
  EXPECT_NE(Slurp(corpus / "a.png.txt").find("81"), std::string::npos) << log;
  EXPECT_NE(Slurp(corpus / "z.png.txt").find("83"), std::string::npos) << log;
  const std::string note = Slurp(corpus / "failed" / "bad__segv__.png.error.txt");
  EXPECT_NE(note.find("SIGSEGV"), std::string::npos) << note;
  EXPECT_NE(note.find("attempt 2 of 2"), std::string::npos) << note;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex("worker process pid [0-9]+: started by exec, ready in ([0-9.]+) s")))
      << log;
  EXPECT_GE(std::stod(m[1]), 7.0) << log;
  const std::string manifest = Slurp(corpus / "manifest.jsonl");
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 2) << manifest;
  EXPECT_EQ(CountWorkers(), 0);
}

// --- the daemon: a multi-page input's pages, each on its own -----------------

// How many times `text` is in `log`.
long CountOf(const std::string& log, const std::string& text) {
  long n = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + text.size())) ++n;
  return n;
}

// The manifest's lines by source.
std::map<std::string, nlohmann::json> ManifestBySource(const fs::path& manifest) {
  std::map<std::string, nlohmann::json> lines;
  std::istringstream in(Slurp(manifest));
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) lines[j["source"].get<std::string>()] = j;
  }
  return lines;
}

// Page 2 of a 3-page TIFF kills its worker process (SIGSEGV) every time:
// the page is tried again in a new worker until --max-attempts, then left
// out; pages 1 and 3 are read once each and written, the input is done
// (its manifest line says which page is missing and why), and a copy of
// it is kept in failed/ with a note naming the page. Before, the whole
// input was tried again and quarantined: none of its pages was written.
TEST_F(IsolateTest, DaemonPageThatKillsItsWorkerIsLeftOutOtherPagesWritten) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::string book = "book__segv_on_p2__.tif";
  WriteTinyPage(inbox / "a.png", 41);
  ASSERT_TRUE(WriteLineBook(inbox / book, {"Item 91 ready", "Blue house 92", "Green door 93"}));
  WriteTinyPage(inbox / "z.png", 43);
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--format", "txt,json,pdf"}));
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string txt = Slurp(corpus / (book + ".txt"));
  EXPECT_NE(txt.find("91"), std::string::npos) << txt << log;
  EXPECT_NE(txt.find("93"), std::string::npos) << txt << log;
  EXPECT_EQ(txt.find("92"), std::string::npos) << txt;
  auto j = nlohmann::json::parse(Slurp(corpus / (book + ".json")), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << log;
  ASSERT_EQ(j["pages"].size(), 2u) << log;
  EXPECT_EQ(j["pages"][0]["page"], 1);
  EXPECT_EQ(j["pages"][1]["page"], 3);
  // The PDF of the pages read: 1 and 3.
  int pdf_status = -1;
  const std::string pdf_text = Command("pdftotext -raw '" + (corpus / (book + ".pdf")).string() + "' - 2>&1", &pdf_status);
  EXPECT_EQ(pdf_status, 0) << pdf_text;
  EXPECT_NE(pdf_text.find("91"), std::string::npos) << pdf_text;
  EXPECT_NE(pdf_text.find("93"), std::string::npos) << pdf_text;
  EXPECT_EQ(std::count(pdf_text.begin(), pdf_text.end(), '\f'), 2) << pdf_text;
  // Page 2 tried twice, each time in a worker of its own; pages 1 and 3 once.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex("retry " + std::regex_replace(book, std::regex("[.]"), "[.]") +
                                                   " page 2 \\(attempt 1 of 2\\): the worker process \\(pid ([0-9]+)\\) "
                                                   "was killed by SIGSEGV")))
      << log;
  const std::string first_pid = m[1];
  ASSERT_TRUE(std::regex_search(log, m, std::regex("page " + std::regex_replace(book, std::regex("[.]"), "[.]") +
                                                   " p2: left out: the worker process \\(pid ([0-9]+)\\) was killed "
                                                   "by SIGSEGV.*\\(attempt 2 of 2\\)")))
      << log;
  EXPECT_NE(m[1], first_pid) << log;
  // The worker of that last try was started by exec, and named as it was
  // ready; so was page 3's (the first is forked, but under ASan). Before,
  // only the input's last request's was: page 3 started another worker.
  EXPECT_NE(log.find("worker process pid " + std::string(m[1]) + ": started by exec, ready in "), std::string::npos)
      << log;
  EXPECT_EQ(CountOf(log, ": started by exec, ready in "), kAsan ? 3 : 2) << log;
  EXPECT_EQ(CountOf(log, "page " + book + " p1: "), 1) << log;
  EXPECT_EQ(CountOf(log, "page " + book + " p3: "), 1) << log;
  EXPECT_EQ(CountOf(log, "retry " + book + " ("), 0) << "not tried again as a whole:\n" << log;
  EXPECT_NE(log.find("done " + book + " -> " + book + ".txt (2 pages, 1 left out; kept as failed/" + book), std::string::npos)
      << log;
  // The manifest: one line per input; the book's names its missing page.
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  EXPECT_EQ(LineCount(corpus / "manifest.jsonl"), 3) << Slurp(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(book)) << Slurp(corpus / "manifest.jsonl");
  const nlohmann::json& line = lines.at(book);
  EXPECT_EQ(line["pages"], 2);
  EXPECT_EQ(line["failed_pages"], 1);
  ASSERT_EQ(line["errors"].size(), 1u) << line.dump();
  const std::string error = line["errors"][0];
  EXPECT_EQ(error.rfind(book + ": page 2: left out: the worker process (pid ", 0), 0u) << error;
  EXPECT_NE(error.find("SIGSEGV"), std::string::npos) << error;
  EXPECT_NE(error.find("(attempt 2 of 2)"), std::string::npos) << error;
  EXPECT_TRUE(lines.count("a.png") && lines.count("z.png"));
  // Nothing lost: the input kept whole beside a note naming its page 2.
  EXPECT_EQ(Slurp(corpus / "failed" / book), Slurp(inbox / book));
  const std::string note = Slurp(corpus / "failed" / (book + ".error.txt"));
  EXPECT_NE(note.find("page 2: left out: the worker process"), std::string::npos) << note;
  EXPECT_NE(Slurp(corpus / "a.png.txt").find("41"), std::string::npos) << log;
  EXPECT_NE(Slurp(corpus / "z.png.txt").find("43"), std::string::npos) << log;
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 3);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(CountWorkers(), 0);
}

// The same for a page that hangs its worker (deaf to its deadline): killed
// for time on each try, named with the page, then left out; the pages
// after it are read. A TIFF whose every page kills its worker is
// quarantined once its pages have had their tries, not tried again whole.
TEST_F(IsolateTest, DaemonPageThatHangsIsLeftOutAndABookOfDeadPagesIsQuarantined) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::string hang = "book__hang_on_p1__.tif", dead = "dead__segv_on_p1____segv_on_p2__.tif";
  ASSERT_TRUE(WriteLineBook(inbox / hang, {"Item 61 ready", "Blue house 62", "Green door 63"}));
  ASSERT_TRUE(WriteLineBook(inbox / dead, {"Item 71 ready", "Blue house 72"}));
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--page-timeout", "3"}));
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string txt = Slurp(corpus / (hang + ".txt"));
  EXPECT_EQ(txt.find("61"), std::string::npos) << txt;
  EXPECT_NE(txt.find("62"), std::string::npos) << txt << log;
  EXPECT_NE(txt.find("63"), std::string::npos) << txt << log;
  EXPECT_NE(log.find("retry " + hang + " page 1 (attempt 1 of 2): timed out"), std::string::npos) << log;
  EXPECT_NE(log.find("page " + hang + " p1: left out: timed out"), std::string::npos) << log;
  EXPECT_NE(log.find("(2 pages, 1 left out; kept as failed/" + hang), std::string::npos) << "counted once:\n" << log;
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(hang)) << Slurp(corpus / "manifest.jsonl");
  EXPECT_EQ(lines.at(hang)["failed_pages"], 1);
  EXPECT_EQ(lines.at(hang)["pages"], 2);
  // Left out after its worker was killed for time: not a page timed out in
  // a stage (counted by its PageFailure, as `run` counts it; before, every
  // page whose error was a deadline counted).
  EXPECT_FALSE(lines.at(hang).contains("timed_out_pages")) << lines.at(hang).dump();
  EXPECT_TRUE(fs::exists(corpus / "failed" / hang));
  // Every page of the other dead: quarantined, each page named, each tried twice.
  EXPECT_FALSE(lines.count(dead)) << Slurp(corpus / "manifest.jsonl");
  EXPECT_FALSE(fs::exists(corpus / (dead + ".txt")));
  EXPECT_EQ(Slurp(corpus / "failed" / dead), Slurp(inbox / dead));
  const std::string note = Slurp(corpus / "failed" / (dead + ".error.txt"));
  EXPECT_NE(note.find("no page could be read; page 1: left out:"), std::string::npos) << note;
  EXPECT_NE(note.find("; page 2: left out:"), std::string::npos) << note;
  EXPECT_EQ(CountOf(log, "retry " + dead + " page 1 (attempt 1 of 2)"), 1) << log;
  EXPECT_EQ(CountOf(log, "retry " + dead + " page 2 (attempt 1 of 2)"), 1) << log;
  EXPECT_EQ(CountOf(log, "retry " + dead + " ("), 0) << "not tried again as a whole:\n" << log;
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["failed"], 1);
  EXPECT_EQ(CountWorkers(), 0);
}

// A page that runs out of its --page-timeout inside a stage (the test
// build's `__slow_on_p2__` sleeps 5.3 s as its first stage starts, past the
// 5 s bound) is flagged timed out by its worker, which stays alive: the
// book is done with its other pages, and, as for a page left out, a copy
// of it is kept in failed/ with a note naming the page, the stage and the
// bound. Before, the timed-out page was named in the manifest only, and
// nothing kept the only copy of it once the inbox was cleared. `run
// --isolate` names the page on stderr.
// The worker's own deadline (5 s from the page's start) passes during the
// sleep whatever the load: the page always times out inside its stage. The
// parent's kill comes after the grace, which the test build's hook makes
// 60 s (OCRFLOW_FAULT_WORKER_GRACE; 1 s by default for a 5 s bound): with
// the default the worker had to answer within 0.7 s of its sleep, decoding
// and its first stage included, which a loaded machine need not do (the
// kill would then take the page as left out). 5 s, not 3: the two tiny good
// pages are read in time on a machine loaded by others' builds too.
TEST_F(IsolateTest, DaemonPageThatTimesOutInAStageIsKeptInFailed) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::string book = "book__slow_on_p2__.tif";
  ASSERT_TRUE(WriteLineBook(inbox / book, {"Item 91 ready", "Blue house 92", "Green door 93"}));
  setenv("OCRFLOW_FAULT_SLOW_SECONDS", "5.3", 1);
  setenv("OCRFLOW_FAULT_WORKER_GRACE", "60", 1);
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--page-timeout", "5"}));
  unsetenv("OCRFLOW_FAULT_SLOW_SECONDS");
  unsetenv("OCRFLOW_FAULT_WORKER_GRACE");
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string txt = Slurp(corpus / (book + ".txt"));
  EXPECT_NE(txt.find("91"), std::string::npos) << txt << log;
  EXPECT_EQ(txt.find("92"), std::string::npos) << txt;
  EXPECT_NE(txt.find("93"), std::string::npos) << txt << log;
  EXPECT_EQ(log.find("killed with"), std::string::npos) << "the worker stays alive:\n" << log;
  EXPECT_EQ(CountOf(log, "retry " + book), 0) << log;
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(book)) << Slurp(corpus / "manifest.jsonl");
  EXPECT_EQ(lines.at(book)["pages"], 2);
  EXPECT_EQ(lines.at(book)["failed_pages"], 1);
  EXPECT_EQ(lines.at(book)["timed_out_pages"], 1);
  // Nothing lost: the input kept whole beside a note naming its page 2 and why.
  EXPECT_TRUE(fs::exists(corpus / "failed" / book)) << log;
  EXPECT_TRUE(Slurp(corpus / "failed" / book) == Slurp(inbox / book));
  const std::string note = Slurp(corpus / "failed" / (book + ".error.txt"));
  EXPECT_NE(note.find(book + ": done, without these pages:"), std::string::npos) << note;
  EXPECT_NE(note.find("page 2: timed out after 5 s (--page-timeout) in stage "), std::string::npos) << note;
  EXPECT_EQ(note.find("page 1"), std::string::npos) << note;
  EXPECT_NE(log.find("1 timed out; kept as failed/" + book), std::string::npos) << log;
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(CountWorkers(), 0);

  // run --isolate: the page named on stderr, the others written.
  auto r = CliTest::RunBin(OCRFLOW_FAULTY_BIN,
                           "run in -o out --isolate -j 1 --lang eng --engine tesseract --page-timeout 5", "",
                           Env() + "OCRFLOW_FAULT_SLOW_SECONDS=5.3 OCRFLOW_FAULT_WORKER_GRACE=60 ");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(book + ": page 2: timed out after 5 s (--page-timeout) in stage "), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("killed with"), std::string::npos) << "the worker stays alive:\n" << r.err;
  EXPECT_NE(Slurp(dir_ / "out" / (book.substr(0, book.size() - 4) + ".txt")).find("93"), std::string::npos) << r.err;
}

// A page of a 3-page TIFF that does not decode (over --max-megapixels,
// found as it is decoded: the pages are checked one at a time) is not
// read; the book is done with its other pages, and, as for a page left out
// or timed out, a copy of it is kept in failed/ with a note naming the
// page and why. Before, only a page left out or timed out kept a copy:
// clearing the inbox lost the only copy of the page not read.
TEST_F(IsolateTest, DaemonPageThatDoesNotDecodeIsKeptInFailed) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::string book = "book.tif";
  std::vector<cv::Mat> pages;
  for (const char* line : {"Item 91 ready", "", "Green door 93"}) {
    cv::Mat img(70, 400, CV_8UC1, cv::Scalar(255));
    if (*line == '\0') img = cv::Mat(3000, 3000, CV_8UC1, cv::Scalar(255));
    cv::putText(img, line, cv::Point(12, 46), cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2, cv::LINE_AA);
    pages.push_back(img);
  }
  ASSERT_TRUE(cv::imwritemulti((inbox / book).string(), pages));
  StartWatch(OnceArgs(inbox, corpus, {"--max-attempts", "2", "--max-megapixels", "4"}));
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string txt = Slurp(corpus / (book + ".txt"));
  EXPECT_NE(txt.find("91"), std::string::npos) << txt << log;
  EXPECT_NE(txt.find("93"), std::string::npos) << txt << log;
  EXPECT_EQ(CountOf(log, "retry " + book), 0) << "not tried again:\n" << log;
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(book)) << Slurp(corpus / "manifest.jsonl");
  const nlohmann::json& line = lines.at(book);
  EXPECT_EQ(line["pages"], 2);
  EXPECT_EQ(line["failed_pages"], 1);
  EXPECT_FALSE(line.contains("timed_out_pages")) << line.dump();
  ASSERT_EQ(line["errors"].size(), 1u) << line.dump();
  EXPECT_EQ(line["errors"][0].get<std::string>().rfind(book + ": page 2: TIFF page 2 is 3000x3000", 0), 0u)
      << line.dump();
  // Nothing lost: the input kept whole beside a note naming its page 2 and why.
  EXPECT_EQ(Slurp(corpus / "failed" / book), Slurp(inbox / book)) << log;
  const std::string note = Slurp(corpus / "failed" / (book + ".error.txt"));
  EXPECT_NE(note.find(book + ": done, without these pages:"), std::string::npos) << note;
  EXPECT_NE(note.find("page 2: TIFF page 2 is 3000x3000"), std::string::npos) << note;
  EXPECT_NE(log.find("done " + book + " -> " + book + ".txt (2 pages, 1 not read; kept as failed/" + book),
            std::string::npos)
      << log;
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(CountWorkers(), 0);
}

// A daemon killed (SIGKILL) while page 3 of a 3-page TIFF hangs: the
// restarted daemon (the shipped binary: no hang) reads page 3 only, pages 1
// and 2 coming from the state database, and writes exactly the outputs of
// a daemon that read the book uninterrupted. Before, it read the book
// again from page 1.
TEST_F(IsolateTest, DaemonKilledInABookResumesAtItsFirstPageNotRead) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus", inbox2 = dir_ / "in2", corpus2 = dir_ / "corpus2";
  fs::create_directories(inbox);
  fs::create_directories(inbox2);
  const std::string book = "book__hang_on_p3__.tif";
  ASSERT_TRUE(WriteLineBook(inbox / book, {"Item 81 ready", "Blue house 82", "Green door 83"}));
  fs::copy_file(inbox / book, inbox2 / book);
  const std::vector<std::string> common = {"--jobs", "1", "--lang", "eng", "--set", "ocr.engine=tesseract", "--settle",
                                           "0", "--format", "txt,json,pdf"};
  auto args = [&](const fs::path& in, const fs::path& out) {
    std::vector<std::string> a = {in.string(), "-o", out.string(), "--once", "--page-timeout", "60"};
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  StartWatch(args(inbox, corpus));
  ASSERT_TRUE(WaitForLog("page " + book + " p2: ", 60)) << Slurp(log_);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // page 3 starts, and hangs
  KillWatch();
  const std::string before = Slurp(log_);
  EXPECT_EQ(CountOf(before, "page " + book + " p3: "), 0) << before;
  // Restarted, without the fault; and the same book read by a daemon that
  // is not interrupted.
  pid_ = SpawnWatch(OCRFLOW_BIN, args(inbox, corpus), log_);
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string after = Slurp(log_).substr(before.size());
  EXPECT_NE(after.find("resumed " + book + ": 2 of 3 pages finished before, not read again"), std::string::npos) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p1: "), 0) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p2: "), 0) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p3: "), 1) << after;
  const fs::path log2 = dir_ / "watch2.log";
  pid_ = SpawnWatch(OCRFLOW_BIN, args(inbox2, corpus2), log2);
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log2);
  const std::string txt = Slurp(corpus / (book + ".txt"));
  EXPECT_NE(txt.find("81"), std::string::npos) << txt << after;
  EXPECT_NE(txt.find("83"), std::string::npos) << txt << after;
  for (const char* suffix : {".txt", ".json", ".pdf"}) {
    EXPECT_EQ(Slurp(corpus / (book + suffix)), Slurp(corpus2 / (book + suffix))) << suffix;
  }
  EXPECT_EQ(ManifestBySource(corpus / "manifest.jsonl").at(book)["pages"], 3);
  EXPECT_EQ(CountWorkers(), 0);
}

// A daemon killed (SIGKILL) three times in a 30-page TIFF, each time after
// it finished a page more, with --max-attempts 2: every start made
// progress, so none uses up an attempt; the fourth daemon (the shipped
// binary: page 30 does not hang) reads the pages left and the book is
// done, all 30 pages. Before, the third start found its attempts used up and
// quarantined the book: "processing never finished in 2 attempts".
TEST_F(IsolateTest, DaemonKilledInABookMoreTimesThanMaxAttemptsFinishesIt) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  // Pages of a line each read in a blink: enough of them that a daemon
  // killed as its first page is logged leaves some to the next.
  const std::string book = "book__hang_on_p30__.tif";
  ASSERT_TRUE(WriteBook(inbox / book, 30));
  const std::vector<std::string> args = OnceArgs(inbox, corpus, {"--max-attempts", "2", "--page-timeout", "60"});
  for (int k = 0; k < 3; ++k) {
    const size_t before = Slurp(dir_ / "watch.log").size();  // the log of the daemons before
    StartWatch(args);
    // A page more finished (kept before its line is logged), then killed.
    bool page = false;
    for (int i = 0; i < 6000 && !page; ++i) {
      const std::string now = Slurp(log_);
      page = now.size() > before && now.find("page " + book + " p", before) != std::string::npos;
      if (!page && waitpid(pid_, nullptr, WNOHANG) == pid_) {  // it ended (the book quarantined)
        pid_ = -1;
        break;
      }
      if (!page) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) KillWatch();
    ASSERT_TRUE(page) << "daemon " << k + 1 << " finished no page:\n" << Slurp(log_).substr(before);
  }
  const std::string killed = Slurp(log_);
  EXPECT_EQ(CountOf(killed, "page " + book + " p29: "), 0) << "no page left for the last daemon:\n" << killed;
  pid_ = SpawnWatch(OCRFLOW_BIN, args, log_);
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string after = log.substr(killed.size());
  EXPECT_EQ(log.find("never finished"), std::string::npos) << log;
  EXPECT_EQ(log.find("(attempt 2)"), std::string::npos) << "no start counted as an attempt:\n" << log;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(after, m, std::regex("resumed " + std::regex_replace(book, std::regex("[.]"), "[.]") +
                                                     ": ([0-9]+) of 30 pages finished before")))
      << after;
  std::printf("killed in a book three times: %s of 30 pages finished before\n", m.str(1).c_str());
  EXPECT_GE(m.size() > 1 ? std::stoi(m[1]) : 0, 3) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p30: "), 1) << after;
  EXPECT_FALSE(fs::exists(corpus / "failed" / book));
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(book)) << Slurp(corpus / "manifest.jsonl") << log;
  EXPECT_EQ(lines.at(book)["pages"], 30);
  EXPECT_EQ(lines.at(book)["failed_pages"], 0) << lines.at(book).dump();
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(CountWorkers(), 0);
}

// Page 2 of a 3-page TIFF hangs its worker, --max-attempts 2: its first
// try is killed for time and counted, then the daemon is killed (SIGKILL)
// in the second try, started again and killed at once, and started a third
// time. The count of page 2's tries survived both kills: its next try is
// the second, and the last; it is left out, page 3 read, the book done.
// Before, the third start found the book's attempts used up (two starts
// without a page finished, though the first had counted a try) and
// quarantined it whole: "processing never finished in 2 attempts".
TEST_F(IsolateTest, DaemonKilledInAPagesTriesLeavesItOutAfterMaxAttemptsInAll) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::string book = "book__hang_on_p2__.tif";
  ASSERT_TRUE(WriteLineBook(inbox / book, {"Item 21 ready", "Blue house 22", "Green door 23"}));
  const std::vector<std::string> args = OnceArgs(inbox, corpus, {"--max-attempts", "2", "--page-timeout", "3"});
  StartWatch(args);
  ASSERT_TRUE(WaitForLog("retry " + book + " page 2 (attempt 1 of 2): timed out", 60)) << Slurp(log_);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // its second try starts, and hangs
  KillWatch();
  const size_t first = Slurp(log_).size();
  StartWatch(args);
  ASSERT_TRUE(WaitForLog("resumed " + book + ": 1 of 3 pages finished before", 30)) << Slurp(log_);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well inside page 2's 4 s
  KillWatch();
  const std::string killed = Slurp(log_);
  EXPECT_EQ(CountOf(killed.substr(first), "page " + book + " p"), 0) << killed.substr(first);
  EXPECT_EQ(CountOf(killed.substr(first), "retry " + book), 0) << killed.substr(first);
  StartWatch(args);
  ASSERT_EQ(WaitWatch(120), 0) << Slurp(log_);
  const std::string log = Slurp(log_);
  const std::string after = log.substr(killed.size());
  EXPECT_EQ(log.find("never finished"), std::string::npos) << log;
  EXPECT_EQ(CountOf(log, "retry " + book + " page 2 (attempt 1 of 2)"), 1) << log;
  EXPECT_EQ(CountOf(log, "retry " + book + " page 2 (attempt 2"), 0) << log;
  EXPECT_NE(after.find("page " + book + " p2: left out: timed out"), std::string::npos) << after;
  EXPECT_NE(after.find("(attempt 2 of 2)"), std::string::npos) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p1: "), 0) << after;
  EXPECT_EQ(CountOf(after, "page " + book + " p3: "), 1) << after;
  const auto lines = ManifestBySource(corpus / "manifest.jsonl");
  ASSERT_TRUE(lines.count(book)) << Slurp(corpus / "manifest.jsonl") << log;
  EXPECT_EQ(lines.at(book)["pages"], 2);
  EXPECT_EQ(lines.at(book)["failed_pages"], 1);
  const std::string txt = Slurp(corpus / (book + ".txt"));
  EXPECT_NE(txt.find("21"), std::string::npos) << txt;
  EXPECT_EQ(txt.find("22"), std::string::npos) << txt;
  EXPECT_NE(txt.find("23"), std::string::npos) << txt;
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(CountWorkers(), 0);
}

// --- the daemon: 200 inputs, 10 % faulty, killed three times ------------------

// The lines of `log` that hold `text`.
std::string LinesWith(const std::string& log, const std::string& text) {
  std::istringstream in(log);
  std::string lines;
  for (std::string line; std::getline(in, line);)
    if (line.find(text) != std::string::npos) lines += line + "\n";
  return lines;
}

TEST_F(IsolateTest, DaemonUnderFaultsAndKillsLosesNothing) {
  fs::path inbox = dir_ / "in", corpus = dir_ / "corpus";
  fs::create_directories(inbox);
  const std::vector<std::string> kinds = {"segv", "abort", "hang", "alloc"};
  std::map<std::string, std::string> faulty;  // input -> kind
  std::vector<std::string> good;
  for (int i = 0; i < 200; ++i) {
    char name[64];
    if (i % 10 == 3) {
      const std::string& kind = kinds[(i / 10) % kinds.size()];
      std::snprintf(name, sizeof name, "p%03d__%s__.png", i, kind.c_str());
      faulty[name] = kind;
    } else {
      std::snprintf(name, sizeof name, "p%03d.png", i);
      good.push_back(name);
    }
    WriteTinyPage(inbox / name, i);
  }
  ASSERT_EQ(faulty.size(), 20u);
  const std::vector<std::string> args = {inbox.string(), "-o", corpus.string(), "--jobs", "4", "--lang", "eng", "--set",
                                         "ocr.engine=tesseract", "--settle", "0", "--max-attempts", "4",
                                         "--page-timeout", "2", "--memory-limit", "600", "--format", "txt,json"};
  const auto t0 = Clock::now();
  // Three SIGKILLs while it works, each after some inputs are done.
  for (int k = 0; k < 3; ++k) {
    StartWatch(args);
    const long before = LineCount(log_);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500 + 700 * k));
    KillWatch();
    EXPECT_GT(LineCount(log_), before);
    // Its workers went with it.
    for (int i = 0; i < 50 && CountWorkers() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(CountWorkers(), 0);
  }
  std::vector<std::string> once = args;
  once.push_back("--once");
  StartWatch(once);
  const int rc = WaitWatch(120);
  const double seconds = Since(t0);
  const std::string log = Slurp(log_);
  // Good inputs a worker was killed for time on (each a retry, or worse):
  // none on a machine with time to spare; what a loaded one costs.
  int good_timed_out = 0, before_any_stage = 0;
  std::istringstream lines_in(log);
  for (std::string line; std::getline(lines_in, line);) {
    if (line.find("timed out") == std::string::npos || line.find("__") != std::string::npos ||
        (line.find("warn retry p") == std::string::npos && line.find("warn failed p") == std::string::npos))
      continue;
    ++good_timed_out;
    before_any_stage += line.find("before any stage started") != std::string::npos;
  }
  std::printf("daemon under faults: good inputs killed for time: %d (%d before any stage started)\n", good_timed_out,
              before_any_stage);
  ASSERT_EQ(rc, 0) << log.substr(0, 20000);
  EXPECT_LT(seconds, 90) << "the whole scenario should stay fast";

  // 0 lost: every good input has a complete output; 0 partial: every JSON
  // parses and names its source; no temporary file is left.
  for (const auto& name : good) {
    const std::string json = Slurp(corpus / (name + ".json"));
    auto j = nlohmann::json::parse(json, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << name << " has no complete JSON; the daemons' lines about it:\n"
                                   << LinesWith(log, name) << Slurp(corpus / "failed" / (name + ".error.txt"));
    EXPECT_EQ(j["source"], name);
    EXPECT_EQ(j["pages"].size(), 1u) << name;
    EXPECT_TRUE(fs::exists(corpus / (name + ".txt"))) << name;
    EXPECT_FALSE(fs::exists(corpus / "failed" / name)) << name << " was quarantined";
  }
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  // Quarantined, each with its fault named (or, when the daemon's kills
  // took its attempts, the fault named in the log at least once).
  for (const auto& [name, kind] : faulty) {
    EXPECT_FALSE(fs::exists(corpus / (name + ".txt"))) << name;
    EXPECT_TRUE(fs::exists(corpus / "failed" / name)) << name;
    const std::string note = Slurp(corpus / "failed" / (name + ".error.txt"));
    const bool named = note.find(FaultName(kind)) != std::string::npos;
    const bool by_kills = note.find("never finished") != std::string::npos &&
                          std::regex_search(log, std::regex("retry " + std::regex_replace(name, std::regex("[.]"), "[.]") +
                                                            " .*" + FaultName(kind)));
    EXPECT_TRUE(named || by_kills) << name << ": " << note;
  }
  // 0 duplicated: one manifest line per good input, none for the others.
  std::map<std::string, int> lines;
  std::istringstream manifest(Slurp(corpus / "manifest.jsonl"));
  for (std::string line; std::getline(manifest, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ++lines[j["source"].get<std::string>()];
  }
  EXPECT_EQ(lines.size(), good.size());
  for (const auto& name : good) EXPECT_EQ(lines[name], 1) << name;
  // The state agrees.
  nlohmann::json counts = StatusCounts(corpus);
  EXPECT_EQ(counts["done"], 180);
  EXPECT_EQ(counts["failed"], 20);
  EXPECT_EQ(counts["queued"], 0);
  EXPECT_EQ(counts["working"], 0);
  std::printf("daemon under faults and 3 SIGKILLs: %.1f s\n", seconds);
}

}  // namespace
}  // namespace ocrflow::e2e
