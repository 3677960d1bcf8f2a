// End-to-end tests through the real `ocrflow` binary: files, stdin, output
// directories, formats, exit codes, and bad input that must not stop a run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstring>
#include <thread>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_harness.h"

namespace fs = std::filesystem;

namespace {

using namespace ocrflow::e2e;

class Cli : public CliTest {};

const char* kWrapped =
    "河湾区 绿色转型步入快车道\n\n全县今年新建乡村道路\n一百二十公里，惠及沿线十\n二个行政村的两万多名村民\n\n出行，群众交口称赞。\n";
const char* kWrappedExpected = "河湾区 绿色转型步入快车道\n全县今年新建乡村道路一百二十公里，惠及沿线十二个行政村的两万多名村民出行，群众交口称赞。\n";

TEST_F(Cli, StdinToStdout) {
  auto r = Run("reflow", kWrapped);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, kWrappedExpected);
}

TEST_F(Cli, FileToFileAndDash) {
  Spit(dir_ / "a.txt", kWrapped);
  auto r = Run("reflow a.txt -o out.txt");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "out.txt"), kWrappedExpected);
  r = Run("reflow - -o dash.txt", kWrapped);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "dash.txt"), kWrappedExpected);
}

TEST_F(Cli, SeveralInputsIntoDirectory) {
  Spit(dir_ / "a.txt", kWrapped);
  Spit(dir_ / "b.txt", "松岭镇完成了供暖管网改造。\n");
  auto r = Run("reflow a.txt b.txt -o outdir");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "outdir/a.txt"), kWrappedExpected);
  EXPECT_EQ(Slurp(dir_ / "outdir/b.txt"), "松岭镇完成了供暖管网改造。\n");
}

TEST_F(Cli, SeveralInputsWithoutDirectoryIsUsageError) {
  Spit(dir_ / "a.txt", kWrapped);
  Spit(dir_ / "b.txt", kWrapped);
  auto r = Run("reflow a.txt b.txt");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("-o DIR"), std::string::npos) << r.err;
}

TEST_F(Cli, JsonHasRolesLinesAndDropped) {
  Spit(dir_ / "a.txt", std::string("首页 > 新闻中心 > 正文\n\n") + kWrapped);
  auto r = Run("reflow a.txt --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["paragraphs"].size(), 2u);
  EXPECT_EQ(j["paragraphs"][0]["role"], "headline");
  EXPECT_EQ(j["paragraphs"][1]["role"], "body");
  EXPECT_EQ(j["paragraphs"][1]["lines"][0], 5);
  EXPECT_EQ(j["paragraphs"][1]["lines"][1], 9);
  ASSERT_EQ(j["dropped"].size(), 1u);
  EXPECT_EQ(j["dropped"][0]["reason"], "boilerplate: nav-breadcrumb");
}

TEST_F(Cli, ExplainPrintsDecisionsWithRules) {
  Spit(dir_ / "a.txt", kWrapped);
  auto r = Run("reflow a.txt --explain -o /dev/null");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("a.txt:5-7: join  mid-sentence"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("split role-change"), std::string::npos) << r.err;
}

TEST_F(Cli, BadInputsAreNamedAndTheRestIsProcessed) {
  Spit(dir_ / "good.txt", kWrapped);
  Spit(dir_ / "empty.txt", "");
  Spit(dir_ / "binary.txt", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16) + std::string(64, '\0'));
  Spit(dir_ / "latin1.txt", "caf\xE9 au lait\n");
  Spit(dir_ / "scan.txt", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  fs::create_directories(dir_ / "adir");
  {
    std::ofstream huge(dir_ / "huge.txt", std::ios::binary);
    std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 200; ++i) huge << chunk;  // a 200 MB single line
  }
  auto r = Run("reflow empty.txt binary.txt latin1.txt scan.txt adir missing.txt huge.txt good.txt -o out");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(Slurp(dir_ / "out/good.txt"), kWrappedExpected);
  struct Expect {
    const char* file;
    const char* reason;
  } expects[] = {{"empty.txt", "empty"},         {"binary.txt", "binary"},  {"latin1.txt", "invalid UTF-8 at byte offset 3"},
                 {"scan.txt", "PDF"},            {"adir", "directory"},     {"missing.txt", "no such file"},
                 {"huge.txt", "line limit"}};
  for (const auto& e : expects) {
    bool found = false;
    std::stringstream ss(r.err);
    std::string line;
    while (std::getline(ss, line)) {
      found = found || (line.find(e.file) != std::string::npos && line.find(e.reason) != std::string::npos);
    }
    EXPECT_TRUE(found) << "no error line naming " << e.file << " with '" << e.reason << "' in:\n" << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "out" / e.file)) << e.file;
  }
  EXPECT_NE(r.err.find("7 of 8 inputs failed"), std::string::npos) << r.err;
}

TEST_F(Cli, LossyAcceptsInvalidUtf8) {
  Spit(dir_ / "latin1.txt", "caf\xE9 au lait\n");
  auto r = Run("reflow latin1.txt --lossy");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "caf\xEF\xBF\xBD au lait\n");
}

TEST_F(Cli, BadOptionIsUsageError) {
  auto r = Run("reflow --set reflow.no_such=1", kWrapped);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no_such"), std::string::npos) << r.err;
  r = Run("reflow --set reflow.short_gap=abc", kWrapped);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("abc"), std::string::npos) << r.err;
}

TEST_F(Cli, SetChangesBehaviour) {
  // With de-hyphenation off, the line-end hyphen stays.
  const char* latin =
      "The committee met the inter-\n"
      "national delegation on Monday\n"
      "and discussed the long agenda\n"
      "of the meeting in great detail.\n";
  auto on = Run("reflow", latin);
  auto off = Run("reflow --set reflow.dehyphenate=false", latin);
  EXPECT_NE(on.out.find("international"), std::string::npos) << on.out;
  EXPECT_NE(off.out.find("inter-national"), std::string::npos) << off.out;
}

TEST_F(Cli, SetAndStagesBeforeAnInput) {
  Spit(dir_ / "a.txt", kWrapped);
  auto r = Run("reflow --set reflow.short_gap=1.5 --set repeats.min_phrase=8 a.txt");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, kWrappedExpected);
  r = Run("reflow --stages normalize,classify,reflow a.txt");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, kWrappedExpected);
  r = Run("reflow --stages normalize,repeats,reflow a.txt");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("produces"), std::string::npos) << r.err;
}

TEST_F(Cli, HelpTeachesAndStagesList) {
  auto r = Run("reflow --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(r.out.find("--explain"), std::string::npos);
  r = Run("stages");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"normalize", "boilerplate", "classify", "reflow", "repeats", "reflow.short_gap"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  }
}

// -o naming an existing character device or FIFO writes into it as a
// stream; it is never renamed over (as root, replacing /dev/null would
// break the machine).
TEST_F(Cli, OutputIntoADeviceIsStreamedNeverReplaced) {
  Spit(dir_ / "a.txt", kWrapped);
  if (::mknod((dir_ / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs root: " << std::strerror(errno);
  }
  auto r = Run("reflow a.txt -o null");
  EXPECT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced by a regular file";
  r = Run("reflow a.txt -o /dev/null --explain");
  EXPECT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(::lstat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(Cli, OutputIntoAFifoIsStreamed) {
  Spit(dir_ / "a.txt", kWrapped);
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  std::string got;
  std::thread reader([&] { got = Slurp(fifo); });  // open blocks until a writer comes
  auto r = Run("reflow a.txt -o pipe");
  // If ocrflow never opened the FIFO, let the reader go.
  int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
  reader.join();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(got, kWrappedExpected);
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

// A write error on standard output (disk full behind `>`) is exit 3 with
// the reason, for reflow, for -o /dev/full and for the listing commands.
TEST_F(Cli, FullDiskOnStdoutIsExit3) {
  Spit(dir_ / "a.txt", kWrapped);
  auto run = [&](const std::string& args, const std::string& redirect) {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + OCRFLOW_BIN + "' " + args + " " + redirect +
                            " 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run("reflow a.txt", "> /dev/full"), 3);
  EXPECT_NE(Slurp(dir_ / "err").find("No space left on device"), std::string::npos) << Slurp(dir_ / "err");
  EXPECT_EQ(run("reflow a.txt -o /dev/full", ""), 3);
  EXPECT_NE(Slurp(dir_ / "err").find("/dev/full"), std::string::npos) << Slurp(dir_ / "err");
  EXPECT_EQ(run("stages", "> /dev/full"), 3);
  EXPECT_NE(Slurp(dir_ / "err").find("standard output"), std::string::npos) << Slurp(dir_ / "err");
  EXPECT_EQ(run("reflow a.txt", "> /dev/null"), 0);
}

// Same-name inputs from two folders get two outputs; two inputs that would
// still share one are refused before anything is written.
TEST_F(Cli, SameNameInputsNeverShareAnOutput) {
  fs::create_directories(dir_ / "a");
  fs::create_directories(dir_ / "b");
  Spit(dir_ / "a/x.txt", kWrapped);
  Spit(dir_ / "b/x.txt", "松岭镇完成了供暖管网改造。\n");
  auto r = Run("reflow a/x.txt b/x.txt -o out");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "out/a/x.txt"), kWrappedExpected);
  EXPECT_EQ(Slurp(dir_ / "out/b/x.txt"), "松岭镇完成了供暖管网改造。\n");
  r = Run("reflow a/x.txt a/../a/x.txt b/x.txt -o out2 --format json");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("would both be written to"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out2"));
}

TEST_F(Cli, NoSubcommandIsUsageError) {
  auto r = Run("");
  EXPECT_EQ(r.code, 2);
}

}  // namespace
