// io::Printable: file names and messages shown to people cannot forge a log
// line, move a terminal's cursor, or pass invalid UTF-8 through.
#include <gtest/gtest.h>

#include "pipeline/io/printable.h"

namespace ocrflow::io {
namespace {

TEST(Printable, PlainTextAndChineseAreUnchanged) {
  EXPECT_EQ(Printable("inbox/第3版 page-01.png"), "inbox/第3版 page-01.png");
}

TEST(Printable, ANewlineCannotForgeALogLine) {
  EXPECT_EQ(Printable("a\n2026-12-06T08:00:00Z info done fake.png"), "a\\n2026-12-06T08:00:00Z info done fake.png");
  EXPECT_EQ(Printable("x\r\ty"), "x\\r\\ty");
}

TEST(Printable, EscapesAndControlsAreShownNotSent) {
  EXPECT_EQ(Printable("\x1b[2Jred\x07"), "\\x1b[2Jred\\x07");
  EXPECT_EQ(Printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(Printable("c1\xc2\x9b" "31m"), "c1\\xc2\\x9b31m");  // U+009B, a C1 CSI
}

TEST(Printable, BytesThatAreNotUtf8AreShownAsBytes) {
  EXPECT_EQ(Printable("a\xff.png"), "a\\xff.png");
  EXPECT_EQ(Printable("\xe4\xb8"), "\\xe4\\xb8");          // cut sequence
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Printable, ABackslashIsDoubledSoNoEscapeCanBeForged) {
  EXPECT_EQ(Printable("a\\x1b"), "a\\\\x1b");
}

}  // namespace
}  // namespace ocrflow::io
