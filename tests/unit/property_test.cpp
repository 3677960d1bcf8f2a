// Properties of the whole text chain, on generated OCR-like documents and on
// every golden input:
//   - reflow is idempotent: reflowing the output changes nothing;
//   - nothing is lost silently: the non-space characters of the input
//     (canonical form) are exactly those of the output plus those of the
//     pieces dropped with a reason;
//   - nothing is invented or changed unlisted: exactly, code point by code
//     point (no canonical form), input + what the edits put in = output +
//     dropped + what the edits took out. On the text chain and on the page
//     chain (the OCR's own lines are its input there).
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "bench/news_text_gen.h"
#include "bench/pagegen/pagegen.h"
#include "pipeline/app/page_chain.h"
#include "pipeline/app/page_job.h"
#include "pipeline/app/text_job.h"
#include "pipeline/io/decode.h"
#include "stages/image/raster_cv.h"
#include "stages/text/register.h"

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

// Code points with whitespace removed, exactly as they are.
std::map<UChar32, int> ExactChars(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  std::map<UChar32, int> out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isUWhiteSpace(c)) ++out[c];
  }
  return out;
}

// input + edits' after == output + dropped + edits' before, exactly.
void ExpectEveryChangeListed(const std::string& name, const std::string& input, const Page& page) {
  std::string in = input, out = RenderText(page);
  for (const auto& d : page.dropped) out += d.text;
  for (const auto& e : page.edits) {
    EXPECT_FALSE(e.stage.empty()) << name << ": an edit without its stage";
    EXPECT_NE(e.before, e.after) << name << ": an edit that changes nothing";
    in += e.after;
    out += e.before;
  }
  auto a = ExactChars(in), b = ExactChars(out);
  EXPECT_TRUE(a == b) << name << ": characters changed without an edit listing them (input+after vs output+dropped+before):\n"
                      << Describe(a, b);
}

TEST(ReflowProperty, EveryChangedCharacterIsListedInEdits) {
  auto job = TextJob::Build({});
  ASSERT_TRUE(job.ok());
  RunContext ctx;
  size_t edits = 0;
  for (const auto& [name, text] : Inputs()) {
    auto page = job->Run(text, ctx);
    ASSERT_TRUE(page.ok()) << name;
    std::string input = text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
    ExpectEveryChangeListed(name, input, page.value());
    edits += page->edits.size();
  }
  EXPECT_GT(edits, 0u) << "the inputs hold half-width marks in Chinese: some edits are expected";
}

// The page chain: what the OCR read, through the text stages of `run`.
TEST(PageChainProperty, EveryChangedCharacterIsListedInEdits) {
  RegisterBuiltinStages();
  std::vector<std::string> image_names, text_names = text::DefaultOcrTextStages();
  for (const std::string& n : DefaultPageStages()) {
    image_names.push_back(n);
    if (n == "ocr") break;
  }
  auto reader = PageChain::Build(image_names, {});  // orient on trust, as `run` does
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto cleaner = Pipeline::Build(text_names, {});
  ASSERT_TRUE(cleaner.ok()) << cleaner.status().ToString();
  for (const char* lang : {"zh", "en"}) {
    pagegen::PageSpec spec;
    spec.seed = 31;
    spec.lang = lang;
    spec.columns = 2;
    spec.dpi = 200;
    spec.width_mm = 148;
    spec.height_mm = 210;
    auto gen = pagegen::Generate(spec);
    ASSERT_TRUE(gen.ok()) << gen.status().ToString();
    std::vector<unsigned char> png;
    ASSERT_TRUE(cv::imencode(".png", gen->image, png));
    auto decoded = io::DecodePages(std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
    ASSERT_TRUE(decoded.ok() && decoded->size() == 1);
    Page page;
    page.image = image::FromMat((*decoded)[0].gray);
    page.info.dpi = spec.dpi;
    RunContext ctx;
    ASSERT_TRUE(reader->Run(page, ctx).ok());
    std::string read;
    for (const Block& b : page.blocks)
      for (const Line& l : b.lines) read += l.text + "\n";
    ASSERT_GT(read.size(), 200u) << lang << ": the OCR read almost nothing";
    ASSERT_TRUE(cleaner->Run(page, ctx).ok());
    ExpectEveryChangeListed(std::string("page-") + lang, read, page);
  }
}

}  // namespace
}  // namespace ocrflow
