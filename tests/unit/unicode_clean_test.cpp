// Unicode clean-up: decoding refusals with reasons, and line normalisation
// (REFLOW.md rows 11 and 12), as tables that print expected and actual.
#include "stages/text/unicode_clean.h"

#include <gtest/gtest.h>

#include <string>

namespace ocrflow::text {
namespace {

TEST(DecodeText, RefusesEmptyFile) {
  auto r = DecodeText("", {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kBadInput);
  EXPECT_NE(r.status().message().find("empty"), std::string::npos) << r.status().message();
}

TEST(DecodeText, NamesBinaryFormats) {
  struct Case {
    std::string bytes;
    std::string expect;
  } cases[] = {
      {"%PDF-1.7\n...", "PDF"},
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "PNG"},
      {"\xFF\xD8\xFF\xE0 JFIF", "JPEG"},
      {std::string("II*\0\x08\0\0\0", 8), "TIFF"},
  };
  for (const auto& c : cases) {
    auto r = DecodeText(c.bytes, {}, nullptr);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << "expected mention of " << c.expect << ", got: " << r.status().message();
  }
}

TEST(DecodeText, RefusesBinaryData) {
  std::string bytes(1000, 'a');
  for (int i = 0; i < 100; ++i) bytes[i * 10] = '\0';
  auto r = DecodeText(bytes, {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("binary"), std::string::npos) << r.status().message();
}

TEST(DecodeText, ReportsInvalidUtf8OffsetAndLine) {
  std::string bytes = "第一行\n第二行\xE4\xB8\n";  // truncated 3-byte sequence
  auto r = DecodeText(bytes, {}, nullptr);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("byte offset 19"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
}

TEST(DecodeText, RejectsOverlongAndSurrogates) {
  EXPECT_EQ(FindInvalidUtf8("ab\xC0\xAF"), 2u);            // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);          // UTF-16 surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);      // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("正常文本 plain"), std::string_view::npos);
}

TEST(DecodeText, LossyReplacesInvalidBytes) {
  DecodeOptions o;
  o.lossy = true;
  DecodeReport rep;
  auto r = DecodeText("ok\xFFok", o, &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), "ok\xEF\xBF\xBDok");
  EXPECT_EQ(rep.invalid_replaced, 1u);
}

TEST(DecodeText, StripsBomConvertsLineEndsRemovesStrayNul) {
  DecodeReport rep;
  std::string bytes = std::string("\xEF\xBB\xBF") + "一\r\n二\r三" + std::string(1, '\0') + "四\n";
  bytes += std::string(200, 'x');  // keep the NUL ratio below the binary threshold
  auto r = DecodeText(bytes, {}, &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().substr(0, 15), "一\n二\n三四\n");
  EXPECT_TRUE(rep.had_bom);
  EXPECT_EQ(rep.crlf, 2u);
  EXPECT_EQ(rep.controls_removed, 1u);
}

TEST(DecodeText, RefusesOverlongLine) {
  DecodeOptions o;
  o.max_line_bytes = 100;
  auto r = DecodeText("short\n" + std::string(500, 'x') + "\n", o, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kTooLarge);
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message();
}

TEST(DecodeText, AppliesNfc) {
  // "e" + combining acute -> "é"
  auto r = DecodeText("caf\x65\xCC\x81\n", {}, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "caf\xC3\xA9\n");
}

struct NormCase {
  const char* name;
  const char* input;
  const char* expected;
  char32_t next = 0;
};

class NormalizeLineTable : public ::testing::TestWithParam<NormCase> {};

TEST_P(NormalizeLineTable, Matches) {
  const auto& c = GetParam();
  std::string actual = NormalizeLine(c.input, c.next);
  EXPECT_EQ(actual, c.expected) << "case " << c.name << "\n  input:    " << c.input << "\n  expected: " << c.expected
                                << "\n  actual:   " << actual;
}

// Fixture text is ours (model news prose).
INSTANTIATE_TEST_SUITE_P(
    Rows, NormalizeLineTable,
    ::testing::Values(
        NormCase{"comma_in_chinese", "河湾区新建公园3座,绿地面积增加", "河湾区新建公园3座，绿地面积增加"},
        NormCase{"colon_semicolon", "主要任务:修路;建桥", "主要任务：修路；建桥"},
        NormCase{"paren_pair_chinese", "青禾县(试点)工作", "青禾县（试点）工作"},
        NormCase{"paren_digits_in_chinese", "报告(2024)指出", "报告（2024）指出"},
        NormCase{"paren_latin_kept", "the model (v2) works", "the model (v2) works"},
        NormCase{"function_call_kept", "函数f(x)的值", "函数f(x)的值"},
        NormCase{"exclaim_question", "真好!是吗?", "真好！是吗？"},
        NormCase{"number_comma_kept", "共有2,000余人", "共有2,000余人"},
        NormCase{"time_colon_kept", "10:30开会", "10:30开会"},
        NormCase{"decimal_kept", "增长1.28倍", "增长1.28倍"},
        NormCase{"range_kept", "2017-2019年", "2017-2019年"},
        NormCase{"latin_comma_kept", "Hello, world", "Hello, world"},
        NormCase{"comma_before_next_line", "完成投资4.17%;", "完成投资4.17%；", U'续'},
        NormCase{"comma_at_line_end_latin_next", "increase of 5%,", "increase of 5%,", U'a'},
        NormCase{"digit_space_removed", "维修设施 400 余个", "维修设施400余个"},
        NormCase{"year_space_removed", "2023 年度", "2023年度"},
        NormCase{"latin_space_removed", "使用 Python 开发", "使用Python开发"},
        NormCase{"latin_words_space_kept", "open source tools", "open source tools"},
        NormCase{"han_space_kept_collapsed", "河湾区   绿色转型", "河湾区 绿色转型"},
        NormCase{"space_next_to_comma_removed", "截至目前 ， 全区", "截至目前，全区"},
        NormCase{"space_inside_fullwidth_paren_removed", "（一期 ） 于10月完工", "（一期）于10月完工"},
        NormCase{"space_around_quotes_removed", "他说： “ 路好走了 ” 。", "他说：“路好走了”。"},
        NormCase{"space_before_open_paren_removed", "老旧小区 （二期）", "老旧小区（二期）"},
        NormCase{"space_after_closer_before_latin_kept", "he said “ ok ” now", "he said “ok” now"},
        NormCase{"fullwidth_alnum", "ＡＢＣ１２３型号", "ABC123型号"},
        NormCase{"ideographic_space", "区　长", "区 长"},
        NormCase{"zero_width_removed", "青\xE2\x80\x8B禾", "青禾"},
        NormCase{"edges_trimmed", "  前后空格  ", "前后空格"},
        NormCase{"circled_number_space_kept", "- ① 2020年开工", "- ① 2020年开工"},
        // Curly quotes and apostrophes stand in English too: they do not
        // make a mark Chinese (issue 14: `Serbia,” yet` came out `Serbia，” yet`).
        NormCase{"latin_comma_before_closing_quote_kept", "“The bridge is open,” she said", "“The bridge is open,” she said"},
        NormCase{"latin_comma_before_opening_quote_kept", "the mayor said, “Not yet.”", "the mayor said, “Not yet.”"},
        NormCase{"latin_question_in_quotes_kept", "asked “Who pays?” twice", "asked “Who pays?” twice"},
        NormCase{"latin_question_at_line_end_kept", "the long holiday?”", "the long holiday?”", U'T'},
        NormCase{"latin_apostrophe_comma_kept", "the players’, the owners’; both", "the players’, the owners’; both"},
        NormCase{"latin_paren_after_quote_kept", "the plan (“phase two”) starts", "the plan (“phase two”) starts"},
        NormCase{"chinese_comma_after_quote_converted", "“好”,他说", "“好”，他说"},
        NormCase{"chinese_colon_before_quote_converted", "他说:“路修好了。”", "他说：“路修好了。”"},
        NormCase{"chinese_comma_between_quotes_converted", "“修路”,“建桥”", "“修路”，“建桥”"},
        NormCase{"clean_text_unchanged", "今年以来，全县新增就业岗位1200个。", "今年以来，全县新增就业岗位1200个。"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(NormalizeLine, IsIdempotent) {
  for (const char* s : {"河湾区新建公园3座,绿地 400 余个(试点)!", "Hello, world (v2): ok; fine?", "区　长  董某某"}) {
    std::string once = NormalizeLine(s, 0);
    EXPECT_EQ(NormalizeLine(once, 0), once) << s;
  }
}

}  // namespace
}  // namespace ocrflow::text
