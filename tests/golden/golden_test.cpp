// Golden tests for the text stages: tests/golden/reflow/<case>/input.txt must
// reflow to expected.txt exactly.
//
//   OCRFLOW_GOLDEN=write ctest -R Golden   writes <case>/actual.txt beside each
//                                          failing case for review; expected.txt
//                                          is never overwritten by the runner.
// On failure the test prints the differing paragraphs side by side.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/app/text_job.h"

namespace fs = std::filesystem;

namespace ocrflow {
namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::vector<std::string> Cases() {
  std::vector<std::string> out;
  fs::path root = fs::path(OCRFLOW_SOURCE_DIR) / "tests/golden/reflow";
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory() && fs::exists(e.path() / "input.txt")) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string SideBySide(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  std::ostringstream os;
  size_t n = std::max(expected.size(), actual.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string e = i < expected.size() ? expected[i] : "(none)";
    const std::string a = i < actual.size() ? actual[i] : "(none)";
    if (e == a) continue;
    os << "  paragraph " << i + 1 << "\n    expected: " << e << "\n    actual:   " << a << "\n";
  }
  return os.str();
}

class GoldenReflow : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenReflow, MatchesExpected) {
  fs::path dir = fs::path(OCRFLOW_SOURCE_DIR) / "tests/golden/reflow" / GetParam();
  ASSERT_TRUE(fs::exists(dir / "expected.txt")) << dir << " has input.txt but no expected.txt";
  auto job = TextJob::Build({});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  RunContext ctx;
  auto page = job->Run(Slurp(dir / "input.txt"), ctx);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  std::string actual = RenderText(page.value());
  std::string expected = Slurp(dir / "expected.txt");
  if (actual != expected) {
    const char* mode = std::getenv("OCRFLOW_GOLDEN");
    if (mode != nullptr && std::string(mode) == "write") std::ofstream(dir / "actual.txt", std::ios::binary) << actual;
    ADD_FAILURE() << "case " << GetParam() << " differs:\n" << SideBySide(Lines(expected), Lines(actual));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenReflow, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenReflow);

TEST(GoldenReflowSuite, HasCases) { EXPECT_GE(Cases().size(), 20u) << "tests/golden/reflow/ lost its cases"; }

}  // namespace
}  // namespace ocrflow
