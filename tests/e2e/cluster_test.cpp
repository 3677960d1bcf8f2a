// End-to-end tests of the cluster route (docs/cluster.md) through the real
// binary: `run --shard K/N` shards that together equal one run byte for
// byte, `--resume` after a SIGKILL doing only what is missing, `manifest
// merge` naming missing shards, and the usage errors. The Slurm array runs
// on a real Slurm in tests/e2e/slurm_array_test.sh.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/cli_harness.h"

namespace fs = std::filesystem;

namespace {

using namespace ocrflow::e2e;

// Short English pages, each with its own text: small enough that OCR takes
// a fraction of a second.
void RenderPage(const fs::path& path, int n) {
  static const char* kWords[] = {"harbour", "council", "railway", "weather", "market", "library", "orchard", "bridge", "school", "river"};
  cv::Mat img(260, 900, CV_8UC3, cv::Scalar(255, 255, 255));
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0);
  const std::string l1 = "Page " + std::to_string(n) + ": the " + kWords[n % 10] + " board met on Monday";
  const std::string l2 = std::string("and agreed to open the new ") + kWords[(n + 3) % 10] + " in spring.";
  ft->putText(img, l1, {40, 100}, 34, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
  ft->putText(img, l2, {40, 160}, 34, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
  cv::Mat gray;
  cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
  fs::create_directories(path.parent_path());
  ASSERT_TRUE(cv::imwrite(path.string(), gray));
}

// Every regular file below `dir` (relative path -> bytes), shard manifests
// left out when asked.
std::map<std::string, std::string> Files(const fs::path& dir, bool without_shard_manifests = false) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = e.path().lexically_relative(dir).string();
    if (without_shard_manifests && rel.rfind("manifest.", 0) == 0 && rel.find("-of-") != std::string::npos) continue;
    out[rel] = Slurp(e.path());
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

ino_t Inode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

const char* kOcr = "--engine tesseract --lang eng --format txt,json -q";

class ClusterCli : public CliTest {
 protected:
  // The inputs under dir_/in: these names fall in each of 3 shards (and of 2).
  void MakeInputs(const std::vector<std::string>& names) {
    int n = 0;
    for (const auto& name : names) RenderPage(dir_ / "in" / name, ++n);
  }
  const std::vector<std::string> kNames = {"a/p1.png", "a/p2.png", "b/p3.png", "b/p4.png", "p5.png",
                                           "p6.png",   "p7.png",   "p8.png",   "b/c/p9.png"};
};

TEST_F(ClusterCli, ThreeShardsMergedEqualOneRunByteForByte) {
  MakeInputs(kNames);
  auto single = Run(std::string("run in -o single --manifest -j 2 ") + kOcr);
  ASSERT_EQ(single.code, 0) << single.err;
  for (int k = 0; k < 3; ++k) {
    auto r = Run("run in -o sharded --shard " + std::to_string(k) + "/3 -j 2 " + kOcr);
    ASSERT_EQ(r.code, 0) << r.err;
    // Every shard has work: otherwise this test would prove little.
    EXPECT_FALSE(Lines(Slurp(dir_ / "sharded" / ("manifest." + std::to_string(k) + "-of-3.jsonl"))).empty()) << k;
  }
  auto merge = Run("manifest merge sharded");
  ASSERT_EQ(merge.code, 0) << merge.err;
  EXPECT_NE(merge.err.find("3 of 3 shard manifests, 9 inputs (0 failed)"), std::string::npos) << merge.err;

  const auto one = Files(dir_ / "single"), parts = Files(dir_ / "sharded", true);
  EXPECT_EQ(one.size(), 9u * 2 + 1);  // .txt and .json per input, manifest.jsonl
  ASSERT_EQ(one.size(), parts.size());
  for (const auto& [name, bytes] : one) {
    ASSERT_TRUE(parts.count(name)) << name;
    EXPECT_EQ(parts.at(name), bytes) << name;
  }
  // The manifest: one line per input, sorted by source, what the outputs are.
  const auto lines = Lines(one.at("manifest.jsonl"));
  ASSERT_EQ(lines.size(), 9u);
  std::vector<std::string> sources;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);
    sources.push_back(j["source"]);
    EXPECT_EQ(j["status"], "done") << l;
    EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u) << l;
    EXPECT_TRUE(one.count(j["output"].get<std::string>())) << l;
  }
  EXPECT_TRUE(std::is_sorted(sources.begin(), sources.end()));
  EXPECT_EQ(sources.front(), "a/p1.png");

  // A file added to the corpus moves no input to another shard: every shard
  // rerun with --resume finds all it did, and exactly one runs the new one.
  RenderPage(dir_ / "in" / "b" / "p10.png", 10);
  int ran = 0;
  for (int k = 0; k < 3; ++k) {
    const std::string name = "manifest." + std::to_string(k) + "-of-3.jsonl";
    const size_t before = Lines(Slurp(dir_ / "sharded" / name)).size();
    auto r = Run("run in -o sharded --shard " + std::to_string(k) + "/3 --resume -j 2 --engine tesseract --lang eng "
                 "--format txt,json");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("resumed: " + std::to_string(before) + " inputs done before"), std::string::npos) << r.err;
    const size_t after = Lines(Slurp(dir_ / "sharded" / name)).size();
    EXPECT_TRUE(after == before || after == before + 1) << name;
    ran += static_cast<int>(after - before);
  }
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(fs::exists(dir_ / "sharded" / "b" / "p10.txt"));
  auto merge2 = Run("manifest merge sharded --inputs in");
  EXPECT_EQ(merge2.code, 0) << merge2.err;
  EXPECT_EQ(Lines(Slurp(dir_ / "sharded" / "manifest.jsonl")).size(), 10u);
}

TEST_F(ClusterCli, ResumeAfterAKillDoesOnlyWhatIsMissing) {
  const std::vector<std::string> names = {"p1.png", "p2.png", "p3.png", "p4.png", "p5.png", "p6.png", "p7.png", "p8.png"};
  MakeInputs(names);
  // One page at a time, killed (SIGKILL: no chance to tidy up) as soon as
  // two inputs are recorded as done.
  const std::vector<std::string> args = {"run", "in", "-o", "out", "--shard", "0/1", "-j", "1", "--engine", "tesseract",
                                         "--lang", "eng", "--format", "txt,json"};
  const pid_t pid = SpawnBin(OCRFLOW_BIN, args, dir_ / "first.log", dir_);
  ASSERT_GT(pid, 0);
  const fs::path manifest = dir_ / "out" / "manifest.0-of-1.jsonl";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (Lines(Slurp(manifest)).size() < 2 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "finished before it was killed: " << Slurp(dir_ / "first.log");

  // What the killed run finished: whole lines only (a cut-off last line is
  // no record), their outputs in place.
  std::map<std::string, ino_t> done;  // output -> inode
  for (const auto& l : Lines(Slurp(manifest))) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded()) continue;
    const std::string txt = j["output"];
    done[txt] = Inode(dir_ / "out" / txt);
    ASSERT_NE(done[txt], 0u) << txt;
  }
  ASSERT_GE(done.size(), 2u);
  ASSERT_LT(done.size(), names.size()) << "nothing left to resume";

  std::vector<std::string> again = args;
  again.push_back("--resume");
  std::string cmd;
  for (size_t i = 1; i < again.size(); ++i) cmd += again[i] + " ";
  auto r = Run(again[0] + " " + cmd);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("resumed: " + std::to_string(done.size()) + " inputs done before, not run again; " +
                       std::to_string(names.size() - done.size()) + " to run"),
            std::string::npos)
      << r.err;
  // Those were not written again (a rewrite is a rename: a new inode).
  for (const auto& [txt, ino] : done) EXPECT_EQ(Inode(dir_ / "out" / txt), ino) << txt << " was rewritten";

  // And the result is the clean run's, byte for byte, manifest included.
  auto clean = Run("run in -o clean --shard 0/1 -j 1 --engine tesseract --lang eng --format txt,json -q");
  ASSERT_EQ(clean.code, 0) << clean.err;
  const auto want = Files(dir_ / "clean"), got = Files(dir_ / "out");
  EXPECT_EQ(want.size(), names.size() * 2 + 1);
  for (const auto& [name, bytes] : want) {
    ASSERT_TRUE(got.count(name)) << name;
    EXPECT_EQ(got.at(name), bytes) << name;
  }
  for (const auto& [name, bytes] : got) {
    // A temporary file of a write the kill cut short may stay (.<name>.tmp*).
    if (!want.count(name)) {
      EXPECT_EQ(fs::path(name).filename().string().rfind('.', 0), 0u) << "extra " << name;
    }
  }
}

TEST_F(ClusterCli, ResumeRunsAgainWhatChangedOrLostItsOutput) {
  MakeInputs({"p1.png", "p2.png", "p3.png"});
  auto first = Run(std::string("run in -o out --manifest -j 1 ") + kOcr);
  ASSERT_EQ(first.code, 0) << first.err;
  const ino_t kept = Inode(dir_ / "out" / "p3.txt");
  const std::string old1 = Slurp(dir_ / "out" / "p1.txt");
  RenderPage(dir_ / "in" / "p1.png", 7);  // new content under the same name
  fs::remove(dir_ / "out" / "p2.json");   // an output lost
  auto r = Run("run in -o out --resume -j 1 --engine tesseract --lang eng --format txt,json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("resumed: 1 inputs done before, not run again; 2 to run"), std::string::npos) << r.err;
  EXPECT_EQ(Inode(dir_ / "out" / "p3.txt"), kept);
  EXPECT_NE(Slurp(dir_ / "out" / "p1.txt"), old1);
  EXPECT_NE(Slurp(dir_ / "out" / "p1.txt").find("Page 7"), std::string::npos) << Slurp(dir_ / "out" / "p1.txt");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "p2.json"));
  EXPECT_EQ(Lines(Slurp(dir_ / "out" / "manifest.jsonl")).size(), 3u);
}

TEST_F(ClusterCli, AFailedInputIsRecordedAndRunAgainOnResume) {
  MakeInputs({"p1.png"});
  Spit(dir_ / "in" / "bad.png", "not an image");
  auto r = Run(std::string("run in -o out --manifest ") + kOcr);
  EXPECT_EQ(r.code, 1) << r.err;
  const auto lines = Lines(Slurp(dir_ / "out" / "manifest.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  auto bad = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(bad["source"], "bad.png");
  EXPECT_EQ(bad["status"], "failed");
  EXPECT_FALSE(bad["errors"].empty());
  auto again = Run("run in -o out --resume --engine tesseract --lang eng --format txt,json");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("resumed: 1 inputs done before, not run again; 1 to run"), std::string::npos) << again.err;
}

TEST_F(ClusterCli, UsageErrorsSayWhatIsWrong) {
  struct Case {
    std::string args, says;
  } cases[] = {
      {"run x.png -o out --shard 3/2", "--shard '3/2': K counts from 0, so it must be below N (0..1)"},
      {"run x.png -o out --shard 2/2", "SLURM_ARRAY_TASK_MIN"},
      {"run x.png -o out --shard x", "--shard 'x': expected K/N"},
      {"run x.png -o out --shard 1/0", "N must be at least 1"},
      {"run x.png -o out --shard", "--shard"},
      {"run x.png --resume", "--output is required"},
      {"manifest", "A subcommand is required"},
      {"manifest merge", "OUTDIR is required"},
      {"manifest merge nowhere", "nowhere: is not a directory"},
  };
  for (const auto& c : cases) {
    auto r = Run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
  }
  fs::create_directories(dir_ / "empty");
  auto r = Run("manifest merge empty");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no shard manifests"), std::string::npos) << r.err;
  auto help = Run("run --help");
  EXPECT_NE(help.out.find("--shard 0/4 --resume"), std::string::npos) << "--help teaches by example";
  EXPECT_NE(help.out.find("ocrflow manifest merge corpus/"), std::string::npos);
}

TEST_F(ClusterCli, MergeNamesTheMissingShardAndExitsOne) {
  MakeInputs({"p5.png", "p6.png"});  // shard 0 and 1 of 2
  auto r = Run(std::string("run in -o out --shard 1/2 ") + kOcr);
  ASSERT_EQ(r.code, 0) << r.err;
  auto m = Run("manifest merge out");
  EXPECT_EQ(m.code, 1) << m.err;
  EXPECT_NE(m.err.find("shard 0 of 2 is missing: no manifest.0-of-2.jsonl"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find("1 of 2 shard manifests, 1 inputs"), std::string::npos) << m.err;
  // With the input folder: the inputs of the missing shard, by name.
  auto mi = Run("manifest merge out --inputs in");
  EXPECT_EQ(mi.code, 1) << mi.err;
  EXPECT_NE(mi.err.find("shard 0 of 2: 1 inputs of in in no manifest (p5.png); run it again with --shard 0/2 --resume"),
            std::string::npos)
      << mi.err;
  EXPECT_EQ(mi.err.find("p6.png"), std::string::npos) << "p6.png is merged: " << mi.err;
  // A copy of a shard's manifest under another K: its inputs twice.
  fs::copy_file(dir_ / "out" / "manifest.1-of-2.jsonl", dir_ / "out" / "manifest.0-of-2.jsonl");
  auto dup = Run("manifest merge out");
  EXPECT_EQ(dup.code, 1) << dup.err;
  EXPECT_NE(dup.err.find("duplicated input p6.png: in manifest.0-of-2.jsonl and manifest.1-of-2.jsonl"), std::string::npos)
      << dup.err;
}

}  // namespace
