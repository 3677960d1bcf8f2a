// Small, fast UTF-8 helpers shared by the text stages.
//
// The hot loops of the text stages walk UTF-8 directly rather than converting
// every line to UTF-16 for ICU: reflow must run at tens of MB/s. ICU is used
// where its tables matter (NFC, regular expressions); character classes that
// reflow needs (CJK or not, display width) are plain range checks here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocrflow::text {

// The general case of NextCodePoint (out of line: rare in Chinese text).
char32_t NextCodePointSlow(std::string_view s, size_t& i);

// Decodes the code point at s[i] and advances i. Assumes valid UTF-8 (the
// input is validated once when read); a malformed byte yields U+FFFD and
// advances by one so callers never loop forever.
inline char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  // The common case in Chinese text: a complete 3-byte sequence (the same
  // result as the general decoder gives it).
  if ((b0 & 0xF0) == 0xE0 && i + 2 < s.size()) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    const auto b2 = static_cast<unsigned char>(s[i + 2]);
    if (((b1 & 0xC0) | ((b2 & 0xC0) >> 2)) == 0xA0) {
      i += 3;
      return (static_cast<char32_t>(b0 & 0x0F) << 12) | (static_cast<char32_t>(b1 & 0x3F) << 6) | (b2 & 0x3F);
    }
  }
  return NextCodePointSlow(s, i);
}

// Code point ending just before s[i]; moves i back to its first byte.
inline char32_t PrevCodePoint(std::string_view s, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (p[i - 1] < 0x80) {  // ASCII
    --i;
    return p[i];
  }
  if (i >= 3 && (p[i - 3] & 0xF0) == 0xE0 && (((p[i - 2] & 0xC0) | ((p[i - 1] & 0xC0) >> 2)) == 0xA0)) {
    i -= 3;
    return (static_cast<char32_t>(p[i] & 0x0F) << 12) | (static_cast<char32_t>(p[i + 1] & 0x3F) << 6) |
           (p[i + 2] & 0x3F);
  }
  size_t j = i;
  do {
    --j;
  } while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4);
  size_t k = j;
  char32_t cp = NextCodePoint(s, k);
  i = j;
  return cp;
}

inline void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// How many complete ideographs (lead byte E4..E9, U+4000..U+9FFF, and two
// continuation bytes) open p[0..15], up to five; p must have 16 readable
// bytes. 0 when unknown (no SSE2): callers then take their byte-wise path.
// Chinese text is mostly runs of these, and this checks five at once.
inline size_t IdeographRun(const unsigned char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i cont =
      _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xC0))), _mm_set1_epi8(static_cast<char>(0x80)));
  const __m128i off = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(0xE4)));
  const __m128i lead = _mm_cmpeq_epi8(_mm_subs_epu8(off, _mm_set1_epi8(5)), _mm_setzero_si128());
  const unsigned mc = static_cast<unsigned>(_mm_movemask_epi8(cont));
  const unsigned ml = static_cast<unsigned>(_mm_movemask_epi8(lead));
  // Bit 3k: the k-th three bytes are lead, continuation, continuation.
  const unsigned good = ml & (mc >> 1) & (mc >> 2) & 0x1249u;
  const unsigned missing = ~good & 0x1249u;
  return missing == 0 ? 5 : static_cast<size_t>(__builtin_ctz(missing)) / 3;
#else
  (void)p;
  return 0;
#endif
}

// Han ideographs (incl. extensions and compatibility ideographs) and the
// kana used in CJK text.
inline bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;
}

// Full-width CJK punctuation and symbols: 、。〈〉《》「」『』【】〔〕 ，：；！？（） “”‘’ …— ·
inline bool IsCjkPunct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F && c != 0x3000 && c != 0x3007) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x2026 || c == 0x2014 ||
         c == 0x00B7 || c == 0x2022 || c == 0x25A1 || c == 0x25A0 || (c >= 0x2460 && c <= 0x24FF);
}

// Anything that is written in a CJK text run: ideographs, kana, hangul,
// full-width punctuation.
inline bool IsCjk(char32_t c) {
  return IsHan(c) || IsCjkPunct(c) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF);
}

// Punctuation that Chinese and Latin text share: curly quotes and
// apostrophes, the ellipsis, the em dash, the middle dot, the bullet. It is
// in IsCjk (it is full width in a Chinese column) but says nothing about
// the script of the run it stands in: `Serbia,” yet` is English.
inline bool IsSharedPunct(char32_t c) {
  return c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x2026 || c == 0x2014 || c == 0x00B7 ||
         c == 0x2022;
}

// CJK that a Latin run never holds: IsCjk without the shared punctuation.
inline bool IsCjkStrong(char32_t c) { return IsCjk(c) && !IsSharedPunct(c); }

// The full stops of CJK prose: 。！？. Each caller adds what its rule needs
// on top (the ellipsis, ASCII ! and ?); the ASCII "." is never one of them
// here: in "89.6" it ends nothing.
inline bool IsCjkFullStop(char32_t c) { return c == U'。' || c == U'！' || c == U'？'; }

inline bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Latin-script letters beyond ASCII (accents, German ß, Czech háček...).
inline bool IsLatinLetter(char32_t c) {
  return IsAsciiLetter(c) || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
}

inline bool IsLatinOrDigit(char32_t c) { return IsLatinLetter(c) || IsAsciiDigit(c); }

// Display width in em of a CJK column: full-width = 1, everything else 0.5.
// Chinese newspapers set digits and Latin at about half an em.
// Curly quotes are ambiguous-width; newspaper columns set them compressed
// (measured on OCR'd columns: a line with four quotes is as wide as its
// neighbours only if each counts about half).
inline double CharWidth(char32_t c) {
  if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019) return 0.5;
  if (IsCjk(c) || c == 0x3000) return 1.0;
  if (c >= 0x1100 && c <= 0x115F) return 1.0;
  if (c >= 0x2E80 && c <= 0xA4CF) return 1.0;
  if (c >= 0xFE30 && c <= 0xFE4F) return 1.0;
  return 0.5;
}

inline double DisplayWidth(std::string_view s) {
  // Counted in half-ems as an integer; the common cases (ASCII, and 3-byte
  // sequences led by E3..E9, i.e. U+3000..U+9FFF, all full width) skip decoding.
  int half = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      half += 1;
      ++i;
    } else if (c >= 0xE3 && c <= 0xE9 && i + 2 < s.size() + 0) {
      half += 2;
      i += 3;
    } else {
      half += CharWidth(NextCodePoint(s, i)) == 1.0 ? 2 : 1;
    }
  }
  return half * 0.5;
}

// Code points in valid UTF-8 (bytes that are not continuation bytes).
inline size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

inline char32_t FirstCodePoint(std::string_view s) {
  size_t i = 0;
  return s.empty() ? 0 : NextCodePoint(s, i);
}

inline char32_t LastCodePoint(std::string_view s) {
  size_t i = s.size();
  return s.empty() ? 0 : PrevCodePoint(s, i);
}

// Sentence-final punctuation: 。！？ and . ! ? (and the ellipsis), optionally
// followed by closing quotes or brackets.
bool EndsSentence(std::string_view s);

// Counts code points that are not whitespace.
size_t CountNonSpace(std::string_view s);

}  // namespace ocrflow::text
