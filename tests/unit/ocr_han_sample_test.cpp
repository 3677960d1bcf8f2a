// HanSample (stages/ocr/ocr.h): the tally that decides, before a page is
// read, whether PP-OCR reads its blocks taken for Chinese; it settles early
// when the lines read so far leave no doubt.
#include <gtest/gtest.h>

#include "stages/ocr/ocr.h"

namespace ocrflow::ocr {
namespace {

// Fraktur read by PP-OCR as Latin letters (NZZ 1850's sample had no Han in
// 500 characters): settled after four lines, and not Han.
TEST(HanSample, FourLatinLinesSettleItAsNotHan) {
  HanSample s;
  for (int i = 0; i < 3; ++i) {
    s.Add("Zürich, den 11. Nov. Die Regierung hat");
    EXPECT_FALSE(s.Settled()) << i;
  }
  s.Add("beschlossen");
  EXPECT_TRUE(s.Settled());
  EXPECT_FALSE(s.Han());
}

TEST(HanSample, FourChineseLinesSettleItAsHan) {
  HanSample s;
  for (int i = 0; i < 4; ++i) s.Add("场子设在村边低洼处，一块地");
  EXPECT_TRUE(s.Settled());
  EXPECT_TRUE(s.Han());
}

// A mix near the page bar (35 %) is not settled: the sample reads on.
TEST(HanSample, AnEvenMixReadsOn) {
  HanSample s;
  for (int i = 0; i < 12; ++i) s.Add("新闻报道 abcdef");  // 4 Han of 10 characters
  EXPECT_FALSE(s.Settled());
  EXPECT_TRUE(s.Han());
}

// Lines read as nothing (a rule, a speck) do not count towards settling,
// and a sample of nothing leaves the page to PP-OCR, as before.
TEST(HanSample, EmptyReadingsDoNotCount) {
  HanSample s;
  for (int i = 0; i < 6; ++i) s.Add(" ");
  EXPECT_EQ(s.lines, 0);
  EXPECT_FALSE(s.Settled());
  EXPECT_TRUE(s.Han());
  for (int i = 0; i < 3; ++i) s.Add("新闻");
  EXPECT_FALSE(s.Settled());
  s.Add("新闻");
  EXPECT_TRUE(s.Settled());
}

// --lang auto's second look at a block read as Chinese. The readings here are
// written for the test: Latin ink read by chi_sim keeps a few stray Han.
TEST(LatinReadAsChinese, LatinLettersWithAFewStrayHanAreDoubtful) {
  EXPECT_TRUE(LatinReadAsChinese("林木 [eiudtbe Rrotmtfchrift光IZ 8上 -"));  // 4 Han in 30
  EXPECT_TRUE(LatinReadAsChinese("Monatsschrift"));
}

TEST(LatinReadAsChinese, ChineseWithLatinWordsIsNot) {
  EXPECT_FALSE(LatinReadAsChinese("2026年全市GDP增长5.2%，高于预期"));
  EXPECT_FALSE(LatinReadAsChinese("常熟银行(601128.SH)"));
  EXPECT_FALSE(LatinReadAsChinese("12.4% 2,318"));  // no letters: nothing says Latin
  EXPECT_FALSE(LatinReadAsChinese(""));
}

}  // namespace
}  // namespace ocrflow::ocr
