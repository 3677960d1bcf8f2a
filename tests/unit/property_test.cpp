// Properties of the whole text chain, on generated OCR-like documents and on
// every golden input:
//   - reflow is idempotent: reflowing the output changes nothing;
//   - nothing is lost silently: the non-space characters of the input
//     (canonical form) are exactly those of the output plus those of the
//     pieces dropped with a reason.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "bench/news_text_gen.h"
#include "pipeline/app/text_job.h"

namespace fs = std::filesystem;

namespace ocrflow {
namespace {

// Multiset of code points after NFKC, whitespace removed (the same canonical
// form `ocrflow eval` uses), computed independently here with ICU.
std::map<UChar32, int> CanonicalChars(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  icu::UnicodeString u = nfkc->normalize(icu::UnicodeString::fromUTF8(s), err);
  std::map<UChar32, int> out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) continue;
    ++out[c];
  }
  return out;
}

std::string Describe(const std::map<UChar32, int>& a, const std::map<UChar32, int>& b) {
  std::ostringstream os;
  int shown = 0;
  for (const auto& [c, n] : a) {
    auto it = b.find(c);
    int m = it == b.end() ? 0 : it->second;
    if (n != m && shown++ < 10) {
      std::string utf8;
      icu::UnicodeString(c).toUTF8String(utf8);
      os << "  '" << utf8 << "' input " << n << " vs output+dropped " << m << "\n";
    }
  }
  for (const auto& [c, m] : b) {
    if (a.count(c) == 0 && shown++ < 10) {
      std::string utf8;
      icu::UnicodeString(c).toUTF8String(utf8);
      os << "  '" << utf8 << "' input 0 vs output+dropped " << m << "\n";
    }
  }
  return os.str();
}

std::vector<std::pair<std::string, std::string>> Inputs() {
  std::vector<std::pair<std::string, std::string>> out;
  for (int seed = 1; seed <= 25; ++seed) {
    out.emplace_back("generated-" + std::to_string(seed), bench::NewsTextGenerator(seed).Document(1500 + seed * 300));
  }
  fs::path root = fs::path(OCRFLOW_SOURCE_DIR) / "tests/golden/reflow";
  if (fs::exists(root)) {
    for (const auto& e : fs::directory_iterator(root)) {
      std::ifstream in(e.path() / "input.txt", std::ios::binary);
      if (!in) continue;
      std::stringstream ss;
      ss << in.rdbuf();
      out.emplace_back("golden/" + e.path().filename().string(), ss.str());
    }
  }
  return out;
}

TEST(ReflowProperty, Idempotent) {
  auto job = TextJob::Build({});
  ASSERT_TRUE(job.ok());
  RunContext ctx;
  for (const auto& [name, text] : Inputs()) {
    auto once = job->Run(text, ctx);
    ASSERT_TRUE(once.ok()) << name << ": " << once.status().ToString();
    std::string out1 = RenderText(once.value());
    if (out1.empty()) continue;
    auto twice = job->Run(out1, ctx);
    ASSERT_TRUE(twice.ok()) << name;
    std::string out2 = RenderText(twice.value());
    if (out1 != out2) {
      std::stringstream a(out1), b(out2);
      std::string la, lb;
      int n = 0;
      while (true) {
        bool ga = static_cast<bool>(std::getline(a, la)), gb = static_cast<bool>(std::getline(b, lb));
        ++n;
        if (!ga && !gb) break;
        if (!ga) la = "(none)";
        if (!gb) lb = "(none)";
        if (la != lb) break;
      }
      ADD_FAILURE() << name << ": reflowing the output changed it; first difference at paragraph " << n
                    << "\n  once:  " << la << "\n  twice: " << lb;
    }
  }
}

TEST(ReflowProperty, EveryCharacterKeptOrDroppedWithReason) {
  auto job = TextJob::Build({});
  ASSERT_TRUE(job.ok());
  RunContext ctx;
  for (const auto& [name, text] : Inputs()) {
    auto page = job->Run(text, ctx);
    ASSERT_TRUE(page.ok()) << name;
    std::string accounted = RenderText(page.value());
    for (const auto& d : page->dropped) {
      EXPECT_FALSE(d.reason.empty()) << name << ": dropped without a reason: " << d.text;
      accounted += d.text;
    }
    // The BOM is the one character removed by design before any stage.
    std::string input = text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
    auto in = CanonicalChars(input);
    auto out = CanonicalChars(accounted);
    EXPECT_TRUE(in == out) << name << ": characters lost or invented:\n" << Describe(in, out);
  }
}

}  // namespace
}  // namespace ocrflow
