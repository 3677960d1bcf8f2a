// Shards and manifests (pipeline/app/manifest.h): the shard key against an
// independent SHA-256, --shard parsing, the manifest line, and merging.
#include "pipeline/app/manifest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace ocrflow;

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ShardTest, KeyIsTheFirstEightBytesOfSha256OfThePath) {
  // Known values, computed apart (python3 hashlib): sha256(b"a/p1.png")
  // starts 8496a99292759ff8; sha256(b"abc") is the FIPS 180-2 example.
  EXPECT_EQ(ShardHash("a/p1.png"), 0x8496a99292759ff8ull);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ShardOf("a/p1.png", 3), static_cast<int>(0x8496a99292759ff8ull % 3));
  EXPECT_EQ(ShardOf("anything", 1), 0);
}

TEST(ShardTest, EveryShardGetsAFairPart) {
  std::map<int, int> counts;
  for (int i = 0; i < 4000; ++i) ++counts[ShardOf("scans/2026/p" + std::to_string(i) + ".png", 4)];
  ASSERT_EQ(counts.size(), 4u);
  for (auto [k, n] : counts) {
    EXPECT_GT(n, 850) << "shard " << k;
    EXPECT_LT(n, 1150) << "shard " << k;
  }
}

TEST(ShardTest, ParsesKOfNCountingFromZero) {
  struct Case {
    const char* text;
    bool ok;
    int k, n;
    const char* says;  // in the message when not ok
  } cases[] = {
      {"0/1", true, 0, 1, ""},
      {"0/2", true, 0, 2, ""},
      {"1/2", true, 1, 2, ""},
      {"7/8", true, 7, 8, ""},
      {"2/2", false, 0, 0, "K counts from 0"},
      {"3/2", false, 0, 0, "K counts from 0"},
      {"0/0", false, 0, 0, "N must be at least 1"},
      {"x", false, 0, 0, "expected K/N"},
      {"1", false, 0, 0, "expected K/N"},
      {"-1/2", false, 0, 0, "whole numbers"},
      {"1/x", false, 0, 0, "whole numbers"},
      {"1/2/3", false, 0, 0, "whole numbers"},
      {" 1/2", false, 0, 0, "whole numbers"},
      {"/2", false, 0, 0, "whole numbers"},
      {"99999999999/2", false, 0, 0, "whole numbers"},
  };
  for (const auto& c : cases) {
    auto s = ParseShard(c.text);
    EXPECT_EQ(s.ok(), c.ok) << c.text;
    if (c.ok && s.ok()) {
      EXPECT_EQ(s->index, c.k) << c.text;
      EXPECT_EQ(s->count, c.n) << c.text;
    } else if (!s.ok()) {
      EXPECT_NE(s.status().message().find(c.says), std::string::npos) << c.text << ": " << s.status().message();
      EXPECT_NE(s.status().message().find(c.text), std::string::npos) << "names the argument: " << s.status().message();
    }
  }
  EXPECT_EQ((Shard{1, 4}).ManifestName(), "manifest.1-of-4.jsonl");
  EXPECT_EQ(Shard{}.ManifestName(), "manifest.jsonl");
}

TEST(ManifestLineTest, RunLinesHaveTheWatchKeysInOrderWithoutTimes) {
  ManifestRecord r;
  r.source = "a/p1.png", r.output = "a/p1.txt", r.sha256 = "ab", r.status = "done";
  r.pages = 2, r.characters = 10, r.paragraphs = 3, r.mean_confidence = 91.26, r.skew_degrees = {0.12345, -1.0};
  r.ocrflow = "0.1.0", r.tesseract = "5.3.0", r.lang = "auto";
  EXPECT_EQ(RenderManifestLine(r),
            R"({"source":"a/p1.png","output":"a/p1.txt","sha256":"ab","status":"done","pages":2,"failed_pages":0,)"
            R"("characters":10,"paragraphs":3,"mean_confidence":91.3,"skew_degrees":[0.123,-1.0],"ocrflow":"0.1.0",)"
            R"("tesseract":"5.3.0","lang":"auto","models":{}})");
  r.seconds = 1.234, r.finished = "2026-12-01T10:00:00Z", r.status.clear();
  const std::string watch = RenderManifestLine(r);
  EXPECT_NE(watch.find(R"("skew_degrees":[0.123,-1.0],"seconds":1.23,"finished":"2026-12-01T10:00:00Z","ocrflow")"),
            std::string::npos)
      << watch;
  EXPECT_EQ(watch.find("status"), std::string::npos) << watch;
  // A name that is not UTF-8 stays exact (io/json_name.h).
  r.source = "a\xff.png";
  EXPECT_NE(RenderManifestLine(r).find(R"("source_b64":"Yf8ucG5n")"), std::string::npos);
}

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ocrflow-merge-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& data) { std::ofstream(dir_ / name, std::ios::binary) << data; }
  static std::string Line(const std::string& source, const std::string& status = "done") {
    return R"({"source":")" + source + R"(","output":"x.txt","sha256":"00","status":")" + status + R"("})";
  }
  fs::path dir_;
};

TEST_F(MergeTest, SortsBySourceAndKeepsEachLineAsWritten) {
  Write("manifest.0-of-2.jsonl", Line("b.png") + "\n" + Line("a/z.png") + "\n");
  Write("manifest.1-of-2.jsonl", Line("a/b.png", "failed") + "\n");
  auto m = MergeManifests(dir_.string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->problems.empty());
  EXPECT_EQ(m->shards, 2);
  EXPECT_EQ(m->found, 2);
  EXPECT_EQ(m->inputs, 3u);
  EXPECT_EQ(m->failed, 1u);
  EXPECT_EQ(Slurp(dir_ / "manifest.jsonl"), Line("a/b.png", "failed") + "\n" + Line("a/z.png") + "\n" + Line("b.png") + "\n");
}

TEST_F(MergeTest, NamesMissingShardsDuplicatesLeftoversAndCutLines) {
  Write("manifest.0-of-3.jsonl", Line("a.png") + "\n" + Line("b.png") + "\n" + "{\"source\":\"c.p");
  Write("manifest.2-of-3.jsonl", Line("b.png") + "\n");
  Write("manifest.0-of-2.jsonl", Line("old.png") + "\n");  // a leftover of a run with N=2
  auto m = MergeManifests(dir_.string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->shards, 3);
  std::string all;
  for (const auto& p : m->problems) all += p + "\n";
  EXPECT_EQ(m->problems.size(), 4u) << all;
  EXPECT_NE(all.find("shard 1 of 3 is missing: no manifest.1-of-3.jsonl"), std::string::npos) << all;
  EXPECT_NE(all.find("duplicated input b.png: in manifest.0-of-3.jsonl and manifest.2-of-3.jsonl"), std::string::npos) << all;
  EXPECT_NE(all.find("manifest.0-of-2.jsonl: a shard of 2, not of 3"), std::string::npos) << all;
  EXPECT_NE(all.find("manifest.0-of-3.jsonl: line 3 is not a manifest line"), std::string::npos) << all;
  // Written all the same, each input once.
  EXPECT_EQ(Slurp(dir_ / "manifest.jsonl"), Line("a.png") + "\n" + Line("b.png") + "\n");
}

TEST_F(MergeTest, NoShardManifestsIsAnError) {
  Write("manifest.jsonl", Line("a.png") + "\n");
  Write("manifest.x-of-2.jsonl", Line("a.png") + "\n");
  auto m = MergeManifests(dir_.string());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("no shard manifests"), std::string::npos) << m.status().ToString();
}

TEST_F(MergeTest, ResumeKnowsOnlyDoneLinesWithTheSameShaAndOutputs) {
  Write("x.txt", "text\n");
  Write("manifest.jsonl", R"({"source":"a.png","output":"x.txt","sha256":"11","status":"done"})" "\n"
                          R"({"source":"b.png","output":"y.txt","sha256":"22","status":"failed"})" "\n"
                          R"({"source":"c.png","output":"x.txt","sha)");
  auto m = RunManifest::Open(dir_.string(), "manifest.jsonl", true);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::string x = (dir_ / "x.txt").string(), y = (dir_ / "y.txt").string();
  EXPECT_TRUE(m->DoneBefore("a.png", "11", {x}));
  EXPECT_FALSE(m->DoneBefore("a.png", "12", {x})) << "changed content";
  EXPECT_FALSE(m->DoneBefore("a.png", "11", {x, y})) << "an output is missing";
  EXPECT_FALSE(m->DoneBefore("b.png", "22", {x})) << "failed before: run again";
  EXPECT_FALSE(m->Knows("c.png")) << "a line cut off by a kill is no record";
  // Start() keeps only the kept lines; Append adds; Finish sorts.
  m->Keep("a.png");
  ASSERT_TRUE(m->Start().ok());
  EXPECT_EQ(Slurp(dir_ / "manifest.jsonl"), R"({"source":"a.png","output":"x.txt","sha256":"11","status":"done"})" "\n");
  ASSERT_TRUE(m->Append("0.png", R"({"source":"0.png"})").ok());
  EXPECT_EQ(Slurp(dir_ / "manifest.jsonl"),
            R"({"source":"a.png","output":"x.txt","sha256":"11","status":"done"})" "\n" R"({"source":"0.png"})" "\n");
  ASSERT_TRUE(m->Finish().ok());
  EXPECT_EQ(Slurp(dir_ / "manifest.jsonl"),
            R"({"source":"0.png"})" "\n" R"({"source":"a.png","output":"x.txt","sha256":"11","status":"done"})" "\n");
}

}  // namespace
