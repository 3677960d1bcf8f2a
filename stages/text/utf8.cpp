#include "stages/text/utf8.h"

namespace ocrflow::text {

static bool IsClosingMark(char32_t c) {
  switch (c) {
    case U'”': case U'’': case U'」': case U'』': case U'）': case U')': case U'"': case U'\'':
    case U'》': case U'】': case U'〕':
      return true;
    default:
      return false;
  }
}

bool EndsSentence(std::string_view s) {
  size_t i = s.size();
  while (i > 0) {
    char32_t c = PrevCodePoint(s, i);
    if (c == ' ') continue;
    if (IsClosingMark(c)) continue;
    return c == U'。' || c == U'！' || c == U'？' || c == '.' || c == '!' || c == '?' || c == U'…' ||
           c == U'｡';
  }
  return false;
}

size_t CountNonSpace(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t c = NextCodePoint(s, i);
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != 0x3000) ++n;
  }
  return n;
}

}  // namespace ocrflow::text
