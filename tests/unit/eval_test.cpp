// Tests for pipeline/eval (metrics) and pipeline/app/eval_cmd (`ocrflow eval`).
//
// The metric cases are a table computed by hand; the edit distance is also
// checked against a slow, obviously correct DP that lives only here.
#include "pipeline/eval/eval.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/app/eval_cmd.h"

namespace ocrflow::eval {
namespace {

// ---------------------------------------------------------------- Canonicalize

// gtest parameter names allow only letters, digits and '_'.
std::string TestName(const char* name) {
  std::string out(name);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

struct CanonCase {
  const char* name;
  std::string input;
  std::string expected;
};

std::ostream& operator<<(std::ostream& os, const CanonCase& c) { return os << c.name; }

class EvalCanonicalizeTest : public ::testing::TestWithParam<CanonCase> {};

TEST_P(EvalCanonicalizeTest, Matches) {
  const CanonCase& c = GetParam();
  EXPECT_EQ(Canonicalize(c.input), c.expected) << c.name;
  EXPECT_EQ(Canonicalize(Canonicalize(c.input)), c.expected) << c.name << " (idempotent)";
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, EvalCanonicalizeTest,
    ::testing::Values(
        CanonCase{"empty", "", ""},
        CanonCase{"fullwidth latin and digits", "ＡＢＣ１２３", "ABC123"},
        CanonCase{"fullwidth punctuation", "你好，世界！", "你好,世界!"},
        CanonCase{"ascii whitespace", " a\tb\r\nc \n", "abc"},
        CanonCase{"ideographic space U+3000", "春\u3000天", "春天"},
        CanonCase{"no-break space U+00A0", "a\u00A0b", "ab"},
        CanonCase{"narrow no-break, line separator, NEL", "a\u202Fb\u2028c\u0085d", "abcd"},
        CanonCase{"compatibility ligature", "\uFB01x", "fix"},
        CanonCase{"circled digit", "\u2460", "1"},
        CanonCase{"decomposed to composed", "e\u0301", "\u00E9"},
        // A removed space brings the mark to its base; composing again keeps
        // the result in NFKC.
        CanonCase{"compose after whitespace removal", "e \u0301", "\u00E9"},
        CanonCase{"invalid byte", "a\xFF" "b", "a\uFFFD" "b"},
        CanonCase{"truncated sequence at end", "a\xE4\xBD", "a\uFFFD"},
        CanonCase{"encoded surrogate", "\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"}),
    [](const auto& info) { return TestName(info.param.name); });
// clang-format on

// ---------------------------------------------------------------- Evaluate table

struct EvalCase {
  const char* name;
  std::string output;
  std::string gold;
  size_t edit_distance;
  size_t gold_chars;
  size_t gold_boundaries;
  size_t output_boundaries;
  size_t matched_boundaries;
  size_t gold_paragraphs;
  size_t exact_paragraphs;
  double cer;
  double precision;
  double recall;
  double f1;
  double exact_rate;
};

std::ostream& operator<<(std::ostream& os, const EvalCase& c) { return os << c.name; }

class EvalMetricsTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(EvalMetricsTest, Matches) {
  const EvalCase& c = GetParam();
  const Scores s = Evaluate(c.output, c.gold);
  SCOPED_TRACE(c.name);
  EXPECT_EQ(s.edit_distance, c.edit_distance);
  EXPECT_EQ(s.gold_chars, c.gold_chars);
  EXPECT_EQ(s.gold_boundaries, c.gold_boundaries);
  EXPECT_EQ(s.output_boundaries, c.output_boundaries);
  EXPECT_EQ(s.matched_boundaries, c.matched_boundaries);
  EXPECT_EQ(s.gold_paragraphs, c.gold_paragraphs);
  EXPECT_EQ(s.exact_paragraphs, c.exact_paragraphs);
  EXPECT_NEAR(s.cer, c.cer, 1e-9);
  EXPECT_NEAR(s.precision, c.precision, 1e-9);
  EXPECT_NEAR(s.recall, c.recall, 1e-9);
  EXPECT_NEAR(s.f1, c.f1, 1e-9);
  EXPECT_NEAR(s.exact_rate, c.exact_rate, 1e-9);
}

constexpr double kTwoThirds = 2.0 / 3.0;

// clang-format off
// Columns: output, gold | edit, gold chars | gold b., output b., matched |
// gold paragraphs, exact | CER, P, R, F1, exact rate.
INSTANTIATE_TEST_SUITE_P(
    Table, EvalMetricsTest,
    ::testing::Values(
        EvalCase{"identical", "abc\ndef\n", "abc\ndef\n", 0, 6, 1, 1, 1, 2, 2, 0, 1, 1, 1, 1},
        EvalCase{"one substitution", "abc\ndXf\n", "abc\ndef\n", 1, 6, 1, 1, 1, 2, 1, 1.0 / 6, 1, 1, 1, 0.5},
        EvalCase{"one insertion", "abc\ndeXf\n", "abc\ndef\n", 1, 6, 1, 1, 1, 2, 1, 1.0 / 6, 1, 1, 1, 0.5},
        EvalCase{"one deletion", "abc\ndf\n", "abc\ndef\n", 1, 6, 1, 1, 1, 2, 1, 1.0 / 6, 1, 1, 1, 0.5},
        // An LCS diff keeps the B and costs 4 deletions + 4 insertions, max(4,4)
        // = 4 per hunk, 8 in all; Levenshtein substitutes all five.
        EvalCase{"true Levenshtein, not LCS hunks", "AAAAB", "BCCCC", 5, 5, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0},
        EvalCase{"whitespace, fullwidth, CRLF, blank lines ignored", "ＡＢＣ　１２３\r\n\r\n  d e f \n\n",
                 "ABC123\ndef", 0, 9, 1, 1, 1, 2, 2, 0, 1, 1, 1, 1},
        // Boundaries at gold 3 and 6; the output has only 6.
        EvalCase{"missing boundary (merged paragraphs)", "aaabbb\nccc", "aaa\nbbb\nccc", 0, 9, 2, 1, 1, 3, 1, 0, 1,
                 0.5, kTwoThirds, 1.0 / 3},
        EvalCase{"extra boundary (split paragraph)", "aaa\nbbb\nccc", "aaabbb\nccc", 0, 9, 1, 2, 1, 2, 1, 0, 0.5, 1,
                 kTwoThirds, 0.5},
        EvalCase{"boundary shifted by one character", "abc\ndefgh", "abcd\nefgh", 0, 8, 1, 1, 0, 2, 0, 0, 0, 0, 0,
                 0},
        EvalCase{"boundaries kept despite errors elsewhere", "abXdef\nghijkl\nmnoqr", "abcdef\nghijkl\nmnopqr", 2,
                 18, 2, 2, 2, 3, 1, 2.0 / 18, 1, 1, 1, 1.0 / 3},
        // Boundary mapping rule: the output lacks gold characters next to the
        // boundary; the boundary maps to the gold start of the missing run.
        EvalCase{"char missing at start of next paragraph: matched", "ab\ncd", "ab\nXcd", 1, 5, 1, 1, 1, 2, 1, 0.2,
                 1, 1, 1, 0.5},
        EvalCase{"char missing at end of paragraph: not matched", "ab\ncd", "abX\ncd", 1, 5, 1, 1, 0, 2, 1, 0.2, 0,
                 0, 0, 0.5},
        EvalCase{"extra char at end of paragraph: matched", "abX\ncd", "ab\ncd", 1, 4, 1, 1, 1, 2, 1, 0.25, 1, 1, 1,
                 0.5},
        EvalCase{"extra char at start of next paragraph: matched", "ab\nXcd", "ab\ncd", 1, 4, 1, 1, 1, 2, 1, 0.25, 1,
                 1, 1, 0.5},
        EvalCase{"substitutions on both sides of a boundary", "abX\nYef", "abc\ndef", 2, 6, 1, 1, 1, 2, 0,
                 2.0 / 6, 1, 1, 1, 0},
        EvalCase{"two output boundaries onto one gold boundary", "ab\nX\ncd", "ab\ncd", 1, 4, 1, 2, 1, 2, 2, 0.25,
                 0.5, 1, kTwoThirds, 1},
        EvalCase{"repeated paragraphs matched as a multiset", "xy\nxy\nzz", "xy\nzz\nzz", 2, 6, 2, 2, 2, 3, 2,
                 2.0 / 6, 1, 1, 1, kTwoThirds},
        EvalCase{"both empty", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1},
        EvalCase{"both whitespace only", " \n\u3000\n\t", "\n\n", 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1},
        EvalCase{"empty gold, output not empty", "abc\nd", "", 4, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1},
        EvalCase{"empty output, one gold paragraph", "", "abc", 3, 3, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0},
        EvalCase{"empty output, two gold paragraphs", "", "ab\ncd", 4, 4, 1, 0, 0, 2, 0, 1, 1, 0, 0, 0},
        // Chinese: gold boundaries at 7 and 15 (code points, punctuation counted).
        EvalCase{"chinese identical modulo width and spaces", "今天下午 有雨，\n记得带伞出门。\n",
                 "今天下午有雨,\n记得带伞出门。", 0, 14, 1, 1, 1, 2, 2, 0, 1, 1, 1, 1},
        EvalCase{"chinese substitution", "图书馆周未开放。\n借书需要带证件。", "图书馆周末开放。\n借书需要带证件。", 1,
                 16, 1, 1, 1, 2, 1, 1.0 / 16, 1, 1, 1, 0.5},
        // Gold boundaries at 10 and 18; the output merges the first two
        // paragraphs and drops 睛 inside the second.
        EvalCase{"chinese merged paragraphs with a dropped character",
                 "小猫在窗台上晒太阳。它眯着眼睡觉。\n邻居家的狗跑过来了。",
                 "小猫在窗台上晒太阳。\n它眯着眼睛睡觉。\n邻居家的狗跑过来了。", 1, 28, 2, 1, 1, 3, 1, 1.0 / 28, 1,
                 0.5, kTwoThirds, 1.0 / 3},
        // The mapping rule again: the dropped 。 ends the gold paragraph, so the
        // output boundary maps to the gold offset before it.
        EvalCase{"chinese full stop dropped at paragraph end: not matched", "小猫在窗台上晒太阳\n它眯着眼睛睡觉。",
                 "小猫在窗台上晒太阳。\n它眯着眼睛睡觉。", 1, 18, 1, 1, 0, 2, 1, 1.0 / 18, 0, 0, 0, 0.5},
        EvalCase{"chinese extra break inside a sentence", "火车晚点了\n半个小时。\n乘客们都很着急。",
                 "火车晚点了半个小时。\n乘客们都很着急。", 0, 18, 1, 2, 1, 2, 1, 0, 0.5, 1, kTwoThirds, 0.5}),
    [](const auto& info) { return TestName(info.param.name); });
// clang-format on

// ---------------------------------------------------------------- reference DP

// Textbook O(n·m) Levenshtein on code points: the independent check for the
// bit-parallel Hirschberg alignment.
size_t ReferenceDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Random text over `alphabet` CJK ideographs (NFKC-stable, not whitespace).
std::u32string RandomText(std::mt19937& rng, size_t len, char32_t first, size_t alphabet) {
  std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(alphabet - 1));
  std::u32string s(len, U'\0');
  for (auto& c : s) c = first + pick(rng);
  return s;
}

std::u32string Mutate(std::mt19937& rng, std::u32string s, size_t edits, char32_t first, size_t alphabet) {
  std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(alphabet - 1));
  for (size_t e = 0; e < edits; ++e) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 3) {
      case 0:
        s.insert(s.begin() + pos, first + pick(rng));
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1);
        break;
      default:
        if (pos < s.size()) s[pos] = first + pick(rng);
        break;
    }
  }
  return s;
}

TEST(EvalDistanceTest, AgreesWithReferenceOnRandomTexts) {
  std::mt19937 rng(12345);
  // Small alphabets make many equal-cost alignments; lengths well above 64
  // take Hirschberg splits and several 64-row strips, short last ones too.
  const size_t alphabets[] = {1, 2, 4, 30};
  for (int trial = 0; trial < 300; ++trial) {
    const size_t alphabet = alphabets[trial % 4];
    const size_t max_len = trial < 150 ? 40 : 700;
    const std::u32string gold = RandomText(rng, rng() % (max_len + 1), U'\u4E00', alphabet);
    const std::u32string output = trial % 2 ? Mutate(rng, gold, rng() % 60, U'\u4E00', alphabet)
                                            : RandomText(rng, rng() % (max_len + 1), U'\u4E00', alphabet);
    const Scores s = Evaluate(Utf8(output), Utf8(gold));
    ASSERT_EQ(s.edit_distance, ReferenceDistance(output, gold))
        << "trial " << trial << " |output|=" << output.size() << " |gold|=" << gold.size();
    ASSERT_EQ(s.gold_chars, gold.size());
    ASSERT_EQ(s.output_chars, output.size());
  }
}

// Longer texts take the banded passes: a band that fits at once (few edits),
// one that must grow (shuffled blocks: same characters, so the lower bound
// the band starts from is far too low), and a large length gap.
TEST(EvalDistanceTest, AgreesWithReferenceOnLongerTexts) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 24; ++trial) {
    const size_t alphabet = trial % 2 ? 3 : 500;
    std::u32string gold = RandomText(rng, 1500 + rng() % 1500, U'\u4E00', alphabet);
    std::u32string output;
    switch (trial % 3) {
      case 0:
        output = Mutate(rng, gold, 1 + rng() % 40, U'\u4E00', alphabet);
        break;
      case 1: {
        std::vector<std::u32string> blocks;
        const size_t block = 20 + rng() % 200;
        for (size_t k = 0; k < gold.size(); k += block) blocks.push_back(gold.substr(k, block));
        std::shuffle(blocks.begin(), blocks.end(), rng);
        for (const auto& b : blocks) output += b;
        break;
      }
      default:
        output = gold;
        output.erase(rng() % gold.size(), 300 + rng() % 900);
        output = Mutate(rng, output, rng() % 10, U'\u4E00', alphabet);
        break;
    }
    if (trial % 4 >= 2) std::swap(output, gold);
    ASSERT_EQ(Evaluate(Utf8(output), Utf8(gold)).edit_distance, ReferenceDistance(output, gold))
        << "trial " << trial << " |output|=" << output.size() << " |gold|=" << gold.size();
  }
}

TEST(EvalDistanceTest, SymmetricInTheArguments) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const std::u32string a = RandomText(rng, 300 + rng() % 300, U'a', 3);
    const std::u32string b = Mutate(rng, a, 80, U'a', 3);
    EXPECT_EQ(Evaluate(Utf8(a), Utf8(b)).edit_distance, Evaluate(Utf8(b), Utf8(a)).edit_distance);
  }
}

// Inserts a line break after every `every` code points.
std::u32string BreakEvery(const std::u32string& s, size_t every) {
  std::u32string out;
  for (size_t k = 0; k < s.size(); ++k) {
    if (k > 0 && k % every == 0) out += U'\n';
    out += s[k];
  }
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(EvalDistanceTest, CompletelyDifferentTextsOf20kFinishQuickly) {
  std::mt19937 rng(1);
  // Disjoint alphabets: nothing matches, so the distance is exactly 20000.
  const std::string output = Utf8(BreakEvery(RandomText(rng, 20000, U'\u4E00', 500), 1000));
  const std::string gold = Utf8(BreakEvery(RandomText(rng, 20000, U'\u6000', 500), 1100));
  const auto start = std::chrono::steady_clock::now();
  const Scores s = Evaluate(output, gold);
  const double seconds = SecondsSince(start);
  EXPECT_EQ(s.gold_chars, 20000u);
  EXPECT_EQ(s.edit_distance, 20000u);
  EXPECT_DOUBLE_EQ(s.cer, 1.0);
  EXPECT_EQ(s.exact_paragraphs, 0u);
  EXPECT_LT(seconds, 5.0);  // ~0.07 s in a release build; generous for sanitizers
}

TEST(EvalDistanceTest, SimilarTextsOf50kWithParagraphs) {
  std::mt19937 rng(2);
  // Paragraphs of 40..200 characters; the output has 1% character errors
  // inside paragraphs and the same breaks.
  std::string gold, output;
  size_t gold_chars = 0, paragraphs = 0;
  while (gold_chars < 50000) {
    const std::u32string para = RandomText(rng, 40 + rng() % 161, U'\u4E00', 3000);
    // Errors stay off the first and last character: an error there moves
    // the boundary by the mapping rule, which other tests pin.
    const std::u32string inner = Mutate(rng, para.substr(1, para.size() - 2), para.size() / 100, U'\u4E00', 3000);
    gold += Utf8(para) + "\n";
    output += Utf8(para.front() + inner + para.back()) + "\n";
    gold_chars += para.size();
    ++paragraphs;
  }
  const auto start = std::chrono::steady_clock::now();
  const Scores s = Evaluate(output, gold);
  const double seconds = SecondsSince(start);
  EXPECT_EQ(s.gold_paragraphs, paragraphs);
  EXPECT_LT(s.cer, 0.011);
  EXPECT_EQ(s.matched_boundaries, paragraphs - 1);
  EXPECT_DOUBLE_EQ(s.f1, 1.0);
  EXPECT_LT(seconds, 5.0);
}

// ---------------------------------------------------------------- Accumulate

TEST(EvalAccumulateTest, MicroAverage) {
  const Scores a = Evaluate("abcdefghiX", "abcdefghij");      // 1 / 10
  const Scores b = Evaluate("aaa\nbbbccc", "aaa\nbbb\nccc");  // 0 / 9, recall 1/2
  Scores total;
  Accumulate(total, a);
  Accumulate(total, b);
  EXPECT_EQ(total.edit_distance, 1u);
  EXPECT_EQ(total.gold_chars, 19u);
  EXPECT_NEAR(total.cer, 1.0 / 19, 1e-12);  // not the mean of 0.1 and 0
  EXPECT_EQ(total.gold_boundaries, 2u);
  EXPECT_EQ(total.output_boundaries, 1u);
  EXPECT_EQ(total.matched_boundaries, 1u);
  EXPECT_NEAR(total.precision, 1.0, 1e-12);
  EXPECT_NEAR(total.recall, 0.5, 1e-12);
  EXPECT_NEAR(total.f1, kTwoThirds, 1e-12);
  EXPECT_EQ(total.gold_paragraphs, 4u);
  EXPECT_EQ(total.exact_paragraphs, 1u);
  EXPECT_NEAR(total.exact_rate, 0.25, 1e-12);
}

TEST(EvalAccumulateTest, IntoDefaultEqualsTheAddend) {
  const Scores b = Evaluate("ab\ncdX\nef", "ab\ncd\nef");
  Scores total;
  Accumulate(total, b);
  EXPECT_EQ(total.edit_distance, b.edit_distance);
  EXPECT_DOUBLE_EQ(total.cer, b.cer);
  EXPECT_DOUBLE_EQ(total.precision, b.precision);
  EXPECT_DOUBLE_EQ(total.recall, b.recall);
  EXPECT_DOUBLE_EQ(total.f1, b.f1);
  EXPECT_DOUBLE_EQ(total.exact_rate, b.exact_rate);
}

}  // namespace
}  // namespace ocrflow::eval

// ---------------------------------------------------------------- RunEval

namespace ocrflow {
namespace {

namespace fs = std::filesystem;

class EvalCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "ocrflow_eval_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Write(const std::string& rel, const std::string& bytes) {
    const fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }

  int Run(const std::string& output, const std::string& gold, bool json) {
    out_.str("");
    err_.str("");
    return RunEval(output, gold, json, out_, err_);
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

const char* const kScoreKeys[] = {"cer",
                                  "edit_distance",
                                  "gold_chars",
                                  "output_chars",
                                  "precision",
                                  "recall",
                                  "f1",
                                  "exact_rate",
                                  "gold_paragraphs",
                                  "output_paragraphs",
                                  "exact_paragraphs",
                                  "gold_boundaries",
                                  "output_boundaries",
                                  "matched_boundaries"};

TEST_F(EvalCommandTest, TwoFilesText) {
  const std::string out = Write("out.txt", "今天是晴天。\n我们去爬山。\n");
  const std::string gold = Write("gold.txt", "今天是晴天。\n我们去爬山。\n");
  EXPECT_EQ(Run(out, gold, false), 0);
  EXPECT_EQ(err_.str(), "");
  const std::string text = out_.str();
  EXPECT_NE(text.find("CER%"), std::string::npos) << text;
  EXPECT_NE(text.find(out), std::string::npos) << text;
  EXPECT_NE(text.find("TOTAL"), std::string::npos) << text;
  EXPECT_NE(text.find("0.00"), std::string::npos) << text;
}

TEST_F(EvalCommandTest, TwoFilesJsonHasTheKeys) {
  const std::string out = Write("out.txt",
                                "\xEF\xBB\xBF"
                                "abc\ndXf\n");  // the BOM is not text
  const std::string gold = Write("gold.txt", "abc\ndef\n");
  ASSERT_EQ(Run(out, gold, true), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  ASSERT_EQ(j["files"].size(), 1u);
  const auto& f = j["files"][0];
  EXPECT_EQ(f["name"], out);
  EXPECT_FALSE(j["total"].contains("name"));
  for (const char* key : kScoreKeys) {
    EXPECT_TRUE(f.contains(key)) << key;
    EXPECT_TRUE(j["total"].contains(key)) << key;
  }
  EXPECT_EQ(f["edit_distance"], 1);
  EXPECT_EQ(f["gold_chars"], 6);
  EXPECT_NEAR(f["cer"].get<double>(), 1.0 / 6, 1e-12);
  EXPECT_EQ(f["matched_boundaries"], 1);
  EXPECT_EQ(f["exact_paragraphs"], 1);
  EXPECT_EQ(j["total"]["edit_distance"], 1);
}

TEST_F(EvalCommandTest, InvalidUtf8IsScoredNotAnError) {
  const std::string out = Write("out.txt", "ab\xFF\n");
  const std::string gold = Write("gold.txt", "abc\n");
  ASSERT_EQ(Run(out, gold, true), 0) << err_.str();
  EXPECT_EQ(nlohmann::json::parse(out_.str())["total"]["edit_distance"], 1);
}

TEST_F(EvalCommandTest, DirectoriesWithMissingAndExtraFiles) {
  Write("gold/a.txt", "一二三\n四五六\n");
  Write("gold/sub/b.txt", "七八九\n");
  Write("gold/c.txt", "十一\n十二\n");
  Write("out/a.txt", "一二三\n四五六\n");
  Write("out/sub/b.txt", "七八\n");
  Write("out/extra.txt", "whatever\n");
  ASSERT_EQ(Run(Path("out"), Path("gold"), true), 0) << err_.str();

  const std::string err = err_.str();
  EXPECT_NE(err.find((fs::path(Path("out")) / "c.txt").string() + ": missing, scored as empty"), std::string::npos)
      << err;
  EXPECT_NE(err.find("extra.txt: not in GOLD, ignored"), std::string::npos) << err;

  const auto j = nlohmann::json::parse(out_.str());
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][0]["name"], "a.txt");
  EXPECT_EQ(j["files"][1]["name"], "c.txt");
  EXPECT_EQ(j["files"][2]["name"], "sub/b.txt");
  EXPECT_EQ(j["files"][0]["edit_distance"], 0);
  EXPECT_EQ(j["files"][1]["edit_distance"], 4);  // empty output against 4 characters
  EXPECT_DOUBLE_EQ(j["files"][1]["cer"].get<double>(), 1.0);
  EXPECT_EQ(j["files"][2]["edit_distance"], 1);
  // Micro average: (0 + 4 + 1) / (6 + 4 + 3).
  EXPECT_EQ(j["total"]["gold_chars"], 13);
  EXPECT_NEAR(j["total"]["cer"].get<double>(), 5.0 / 13, 1e-12);
  EXPECT_EQ(j["total"]["gold_boundaries"], 2);
  EXPECT_EQ(j["total"]["matched_boundaries"], 1);
}

TEST_F(EvalCommandTest, DirectoriesText) {
  Write("gold/a.txt", "abc\n");
  Write("gold/b.txt", "def\n");
  Write("out/a.txt", "abc\n");
  Write("out/b.txt", "deX\n");
  ASSERT_EQ(Run(Path("out"), Path("gold"), false), 0) << err_.str();
  const std::string text = out_.str();
  EXPECT_NE(text.find("a.txt"), std::string::npos) << text;
  EXPECT_NE(text.find("b.txt"), std::string::npos) << text;
  EXPECT_NE(text.find("33.33"), std::string::npos) << text;  // b.txt
  EXPECT_NE(text.find("16.67"), std::string::npos) << text;  // TOTAL: 1 / 6
}

struct ErrorCase {
  const char* name;
  const char* output;  // relative to the temp directory
  const char* gold;
  const char* reason;
};

TEST_F(EvalCommandTest, ErrorsNameThePathAndReturn2) {
  Write("file.txt", "abc\n");
  Write("gold/a.txt", "abc\n");
  Write("out/a.txt/inner", "a directory where a file should be\n");
  fs::create_directories(Path("emptygold/sub"));
  fs::create_directories(Path("emptyout"));
  const ErrorCase cases[] = {
      {"missing gold", "file.txt", "nope.txt", "no such file"},
      {"missing output", "nope.txt", "file.txt", "no such file"},
      {"file vs directory", "file.txt", "gold", "both must be files or both directories"},
      {"directory vs file", "gold", "file.txt", "both must be files or both directories"},
      {"output entry is a directory", "out", "gold", "is a directory"},
      {"gold directory without files", "emptyout", "emptygold", "no files"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Run(Path(c.output), Path(c.gold), false), 2);
    const std::string err = err_.str();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find(c.reason), std::string::npos) << err;
    EXPECT_NE(err.find(dir_.string()), std::string::npos) << err;  // names the path
    EXPECT_EQ(out_.str(), "");
  }
}

TEST_F(EvalCommandTest, UnreadableFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files regardless of mode";
  const std::string out = Write("out.txt", "abc\n");
  const std::string gold = Write("gold.txt", "abc\n");
  ASSERT_EQ(chmod(gold.c_str(), 0), 0);
  EXPECT_EQ(Run(out, gold, false), 2);
  EXPECT_NE(err_.str().find(gold + ": cannot open"), std::string::npos) << err_.str();
  chmod(gold.c_str(), 0644);
}

}  // namespace
}  // namespace ocrflow
