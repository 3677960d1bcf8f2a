// One UTF-8 sequence, strictly: the core's decoder for text it diffs or
// shows (pipeline/core/text_diff, pipeline/io/printable). The text stages have
// their own, faster and lenient (stages/text/utf8.h).
#pragma once

#include <cstddef>
#include <string_view>

namespace ocrflow {

// Length of the valid UTF-8 sequence at s[i] and its code point in *cp; 0
// when the bytes there are not valid UTF-8 (cut, overlong, a surrogate, past
// U+10FFFF).
inline size_t Utf8SequenceAt(std::string_view s, size_t i, char32_t* cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  char32_t v = len == 1 ? c : c & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) return 0;
  *cp = v;
  return len;
}

}  // namespace ocrflow
