#include "stages/text/utf8.h"

namespace ocrflow::text {

char32_t NextCodePointSlow(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

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
  // Most lines end in an ideograph (U+4000..U+9FFF): no closing mark, no end.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (s.size() >= 3 && p[s.size() - 3] >= 0xE4 && p[s.size() - 3] <= 0xE9 &&
      ((p[s.size() - 2] & 0xC0) | ((p[s.size() - 1] & 0xC0) >> 2)) == 0xA0) {
    return false;
  }
  size_t i = s.size();
  while (i > 0) {
    char32_t c = PrevCodePoint(s, i);
    if (c == ' ') continue;
    if (IsClosingMark(c)) continue;
    return IsCjkFullStop(c) || c == '.' || c == '!' || c == '?' || c == U'…' || c == U'｡';
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
