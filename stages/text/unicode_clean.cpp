#include "stages/text/unicode_clean.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

std::string MiB(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

size_t LineOf(std::string_view bytes, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n';
  return line;
}

// What a file that is not text usually is; named in the error so the user
// knows which command they wanted.
const char* SniffBinaryFormat(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("%PDF")) return "a PDF document";
  if (starts("\x89PNG\r\n\x1a\n")) return "a PNG image";
  if (starts("\xFF\xD8\xFF")) return "a JPEG image";
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return "a TIFF image";
  if (starts("GIF87a") || starts("GIF89a")) return "a GIF image";
  if (starts("PK\x03\x04")) return "a ZIP archive";
  if (starts("\x1F\x8B")) return "a gzip file";
  return nullptr;
}

bool IsControlByte(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v';
}

}  // namespace

size_t ValidateUtf8(std::string_view s, bool* needs_nfc_check);

size_t FindInvalidUtf8(std::string_view s) {
  bool unused = false;
  return ValidateUtf8(s, &unused);
}

// Offset of the first invalid byte (npos if none). Sets *needs_nfc_check
// when a character lies outside the ranges that are NFC by construction
// (ASCII, U+3000..U+9FFF but the kana voicing marks, U+FF00..U+FF7F), so
// DecodeText can skip ICU without a second pass.
size_t ValidateUtf8(std::string_view s, bool* needs_nfc_check) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  bool check = false;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      // ASCII: try eight bytes at a time (only here, so that Chinese text
      // does not pay for a failed attempt at every character).
      ++i;
      while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
      }
      continue;
    }
    // Commonest: an ideograph, lead E4..E9 (U+4000..U+9FFF), NFC-safe;
    // up to five at a time.
    if (c >= 0xE4 && c <= 0xE9) {
      if (i + 16 <= n) {
        if (const size_t run = IdeographRun(p + i)) {
          i += 3 * run;
          continue;
        }
      }
      if (i + 2 < n && ((p[i + 1] & 0xC0) | ((p[i + 2] & 0xC0) >> 2)) == 0xA0) {
        i += 3;
        continue;
      }
    }
    // Other 3-byte characters with E1..EC or EE..EF lead: no overlong or
    // surrogate form is possible with these leads.
    if (((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
        (p[i + 2] & 0xC0) == 0x80) {
      if (c >= 0xE3 && c <= 0xE9) {
        check |= c == 0xE3 && p[i + 1] == 0x82 && (p[i + 2] == 0x99 || p[i + 2] == 0x9A);  // kana voicing marks
      } else {
        check |= !(c == 0xEF && (p[i + 1] == 0xBC || p[i + 1] == 0xBD));
      }
      i += 3;
      continue;
    }
    check = true;
    size_t len;
    char32_t min;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) return i;
    char32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  *needs_nfc_check = check;
  return std::string_view::npos;
}

Result<std::string> DecodeText(std::string_view bytes, const DecodeOptions& options, DecodeReport* report) {
  std::string storage;
  auto view = DecodeTextView(bytes, options, report, storage);
  if (!view.ok()) return view.status();
  if (view->data() == storage.data()) return storage;
  return std::string(view.value());
}

Result<std::string_view> DecodeTextView(std::string_view bytes, const DecodeOptions& options, DecodeReport* report,
                                        std::string& storage) {
  DecodeReport local;
  DecodeReport& rep = report ? *report : local;
  if (bytes.empty()) return Status(Code::kBadInput, "empty file (0 bytes)");
  if (bytes.size() > options.max_file_bytes) {
    return Status(Code::kTooLarge, "file is " + MiB(bytes.size()) + ", over the " + MiB(options.max_file_bytes) +
                                       " limit (--max-file-bytes)");
  }
  if (const char* format = SniffBinaryFormat(bytes)) {
    return Status(Code::kBadInput, std::string("this is ") + format + ", not text");
  }
  size_t controls = 0;
  size_t specials = 0;  // bytes the copy below would change: controls, CR, FF, VT
  {
    auto count = [&](unsigned char c) {
      controls += IsControlByte(c);
      specials += c < 0x20 && c != '\t' && c != '\n';
    };
    size_t k = 0;
    for (; k + 8 <= bytes.size(); k += 8) {
      uint64_t w;
      std::memcpy(&w, bytes.data() + k, 8);
      if (((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull) == 0) continue;  // no byte < 0x20
      for (size_t q = k; q < k + 8; ++q) count(static_cast<unsigned char>(bytes[q]));
    }
    for (; k < bytes.size(); ++k) count(static_cast<unsigned char>(bytes[k]));
  }
  if (controls > 0 && static_cast<double>(controls) > options.max_control_ratio * static_cast<double>(bytes.size())) {
    return Status(Code::kBadInput, "binary data, not text (" + std::to_string(controls) + " NUL/control bytes in " +
                                       std::to_string(bytes.size()) + ")");
  }

  std::string owned;  // only used in lossy mode
  bool nfc_check = true;
  size_t bad = ValidateUtf8(bytes, &nfc_check);
  if (bad != std::string_view::npos) {
    if (!options.lossy) {
      return Status(Code::kBadInput, "invalid UTF-8 at byte offset " + std::to_string(bad) + " (line " +
                                         std::to_string(LineOf(bytes, bad)) + "); use --lossy to replace bad bytes");
    }
    owned.reserve(bytes.size());
    size_t i = 0;
    while (i < bytes.size()) {
      size_t next_bad = FindInvalidUtf8(bytes.substr(i));
      if (next_bad == std::string_view::npos) {
        owned.append(bytes.substr(i));
        break;
      }
      owned.append(bytes.substr(i, next_bad));
      owned.append("\xEF\xBF\xBD");
      ++rep.invalid_replaced;
      i += next_bad + 1;
    }
    bytes = owned;
    nfc_check = true;
  }

  // The common case: nothing to change. Only the line lengths are checked,
  // and the caller gets a view of its own bytes (no copy of a large file).
  if (specials == 0 && !nfc_check && bytes.substr(0, 3) != "\xEF\xBB\xBF" && owned.empty()) {
    size_t line_start = 0, line_no = 1;
    while (line_start <= bytes.size()) {
      const void* nl = std::memchr(bytes.data() + line_start, '\n', bytes.size() - line_start);
      size_t end = nl ? static_cast<const char*>(nl) - bytes.data() : bytes.size();
      if (end - line_start > options.max_line_bytes) {
        return Status(Code::kTooLarge, "line " + std::to_string(line_no) + " is longer than the " +
                                           MiB(options.max_line_bytes) +
                                           " line limit (--max-line-bytes): not line-structured text");
      }
      if (nl == nullptr) break;
      line_start = end + 1;
      ++line_no;
    }
    return bytes;
  }

  std::string& out = storage;
  out.clear();
  out.reserve(bytes.size());
  size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    rep.had_bom = true;
    i = 3;
  }
  size_t line_start = 0;
  size_t line_no = 1;
  bool too_long = false;
  while (i < bytes.size() && !too_long) {
    // Copy the run up to the next special byte (< 0x20 but not a tab) in one
    // go; eight bytes at a time while none is below 0x20.
    size_t j = i;
    while (j + 8 <= bytes.size()) {
      uint64_t w;
      std::memcpy(&w, bytes.data() + j, 8);
      if (((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull) != 0) break;
      j += 8;
    }
    while (j < bytes.size()) {
      const auto c = static_cast<unsigned char>(bytes[j]);
      if (c < 0x20 && c != '\t') break;
      ++j;
    }
    out.append(bytes.data() + i, j - i);
    if (out.size() - line_start > options.max_line_bytes) break;
    if (j == bytes.size()) break;
    const auto c = static_cast<unsigned char>(bytes[j]);
    i = j + 1;
    if (c == '\r') {
      ++rep.crlf;
      if (i < bytes.size() && bytes[i] == '\n') ++i;
      out += '\n';
    } else if (c == '\n' || c == '\f' || c == '\v') {
      out += '\n';
    } else {
      ++rep.controls_removed;
      continue;
    }
    too_long = out.size() - 1 - line_start > options.max_line_bytes;
    if (!too_long) {
      line_start = out.size();
      ++line_no;
    }
  }
  if (too_long || out.size() - line_start > options.max_line_bytes) {
    return Status(Code::kTooLarge, "line " + std::to_string(line_no) + " is longer than the " +
                                       MiB(options.max_line_bytes) +
                                       " line limit (--max-line-bytes): not line-structured text");
  }

  // NFC. Text made only of ASCII, CJK (U+3000..U+9FFF) and full-width forms
  // is NFC by construction; only other text goes through ICU's check.
  if (!nfc_check) return std::string_view(out);
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return Status(Code::kInternal, std::string("ICU NFC unavailable: ") + u_errorName(err));
  if (!nfc->isNormalizedUTF8(icu::StringPiece(out.data(), static_cast<int32_t>(out.size())), err)) {
    std::string normalized;
    normalized.reserve(out.size());
    icu::StringByteSink<std::string> sink(&normalized);
    err = U_ZERO_ERROR;
    nfc->normalizeUTF8(0, icu::StringPiece(out.data(), static_cast<int32_t>(out.size())), sink, nullptr, err);
    if (U_FAILURE(err)) return Status(Code::kInternal, std::string("ICU NFC failed: ") + u_errorName(err));
    rep.nfc_changed = true;
    out.swap(normalized);
  }
  if (U_FAILURE(err)) return Status(Code::kInternal, std::string("ICU NFC check failed: ") + u_errorName(err));
  return std::string_view(out);
}

namespace {

// Characters of one line, decoded, so that context rules can look both ways.
struct Cp {
  char32_t c;
  bool keep = true;
};

char32_t FoldWidth(char32_t c) {
  // Full-width ASCII letters and digits -> ASCII. Full-width punctuation is
  // what Chinese text wants and stays.
  if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) {
    return c - 0xFF10 + '0';
  }
  switch (c) {
    case 0x3000: case 0x00A0: case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006:
    case 0x2007: case 0x2008: case 0x2009: case 0x200A: case 0x202F: case 0x205F: case '\t':
      return ' ';
    case 0xFF61: return U'。';  // half-width katakana punctuation
    case 0xFF64: return U'、';
    case 0xFF62: return U'「';
    case 0xFF63: return U'」';
    default: return c;
  }
}

bool IsZeroWidth(char32_t c) { return c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF || c == 0x2060; }

// Chinese sentence punctuation next to which a space is never meaningful.
bool IsCjkSentencePunct(char32_t c) {
  switch (c) {
    case U'，': case U'。': case U'、': case U'；': case U'：': case U'！': case U'？':
      return true;
    default:
      return false;
  }
}

// Full-width brackets and quotes: no space on their inner side, nor on the
// outer side where Chinese stands (OCR puts one around a full-width paren:
// "（一期 ） 于").
bool IsCjkOpener(char32_t c) {
  return c == U'（' || c == U'“' || c == U'‘' || c == U'《' || c == U'〈' || c == U'「' || c == U'『' || c == U'【' ||
         c == U'〔';
}
bool IsCjkCloser(char32_t c) {
  return c == U'）' || c == U'”' || c == U'’' || c == U'》' || c == U'〉' || c == U'」' || c == U'』' || c == U'】' ||
         c == U'〕';
}

// Whether a run of spaces between `a` and `b` goes (REFLOW.md row 12 and
// the punctuation rules above) or becomes one ASCII space. After a full
// stop a space may separate a caption from its credit (…节目。 通讯员 陈雨
// 摄); it stays.
bool SpaceDropped(char32_t a, char32_t b) {
  return (IsHan(a) && (IsLatinOrDigit(b) || b == '%')) || (IsHan(b) && (IsLatinOrDigit(a) || a == '%')) ||
         IsCjkSentencePunct(b) || (IsCjkSentencePunct(a) && !IsCjkFullStop(a)) || IsCjkOpener(a) || IsCjkCloser(b) ||
         (IsCjkCloser(a) && IsHan(b)) || (IsHan(a) && IsCjkOpener(b));
}

char32_t FullWidthOf(char32_t c) {
  switch (c) {
    case ',': return U'，';
    case ':': return U'：';
    case ';': return U'；';
    case '(': return U'（';
    case ')': return U'）';
    case '!': return U'！';
    case '?': return U'？';
    default: return c;
  }
}

}  // namespace

namespace {

// What NormalizeLine has to do with a line, from one byte scan.
enum class LineNeed {
  kNothing,  // returns it unchanged
  kSimple,   // only ASCII spaces and , : ; ! ? may change (no parentheses,
             // tabs, controls or characters that fold): the byte-level path
  kGeneral,  // anything else: the decoding path
};

struct LineScan {
  LineNeed need = LineNeed::kNothing;
  int half = 0;                // display width in half-ems (as DisplayWidth counts it)
  bool any_non_ascii = false;  // valid when need != kGeneral
};

// The ASCII bytes the simple path changes: ' ' and , : ; ! ?
constexpr bool IsSimpleSpecial(unsigned char c) {
  return c == ' ' || c == ',' || c == ':' || c == ';' || c == '!' || c == '?';
}

struct SpecialTable {
  bool v[256] = {};
  constexpr SpecialTable() {
    for (int c = 0; c < 256; ++c) v[c] = IsSimpleSpecial(static_cast<unsigned char>(c));
  }
};
constexpr SpecialTable kSimpleSpecial;

LineScan ScanLine(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  LineScan r;
  int half = 0;
  bool simple = false, non_ascii = false;
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c <= '?') {  // all the bytes of interest are below '@'
        if (c < ' ' || c == '(' || c == ')') {
          r.need = LineNeed::kGeneral;
          return r;
        }
        simple |= IsSimpleSpecial(c);
      }
      half += 1;
      ++i;
      continue;
    }
    non_ascii = true;
    if (c >= 0xE4 && c <= 0xE9 && i + 2 < n) {  // U+4000..U+9FFF: ideographs, nothing to fold
      const size_t run = i + 16 <= n ? IdeographRun(p + i) : 0;
      if (run > 0) {  // up to five at a time
        half += 2 * static_cast<int>(run);
        i += 3 * run;
      } else {
        half += 2;
        i += 3;
      }
      continue;
    }
    bool general = false;
    if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0) general = true;  // NBSP
    if (c == 0xE2 && i + 2 < n && (p[i + 1] == 0x80 || p[i + 1] == 0x81)) {
      const unsigned char d = p[i + 2];
      if (p[i + 1] == 0x80 && (d <= 0x8F || d == 0xAF)) general = true;  // spaces, zero-width
      if (p[i + 1] == 0x81 && (d == 0x9F || d == 0xA0)) general = true;
    }
    if (c == 0xE3 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80) general = true;  // ideographic space
    if (c == 0xEF && i + 2 < n) {
      const unsigned char b = p[i + 1], d = p[i + 2];
      if (b == 0xBB && d == 0xBF) general = true;                                                 // BOM
      if (b == 0xBC && ((d >= 0x90 && d <= 0x99) || (d >= 0xA1 && d <= 0xBA))) general = true;  // ０-９ Ａ-Ｚ
      if (b == 0xBD && ((d >= 0x81 && d <= 0x9A) || (d >= 0xA1 && d <= 0xA4))) general = true;  // ａ-ｚ ｡-､
    }
    if (general) {
      r.need = LineNeed::kGeneral;
      return r;
    }
    half += CharWidth(NextCodePoint(s, i)) == 1.0 ? 2 : 1;
  }
  r.need = simple ? LineNeed::kSimple : LineNeed::kNothing;
  r.half = half;
  r.any_non_ascii = non_ascii;
  return r;
}

bool IsHalfWidthMark(char c) { return c == ',' || c == ':' || c == ';' || c == '!' || c == '?'; }

// The general path's result for a kSimple line, without decoding it: only
// the ASCII spaces and marks are looked at, each with its neighbours.
// `*half` comes in as the line's display width (half-ems) and leaves as the
// output's.
void NormalizeSimple(std::string_view line, char32_t next_first, const NormalizeOptions& options, bool any_non_ascii,
                     std::string& out, int* removed_spaces, int* half) {
  const char* p = line.data();
  const size_t n = line.size();
  const bool punct = options.punctuation && any_non_ascii;
  out.clear();
  out.reserve(n + 16);
  // The last mark handled: where it ends and what it became (the general
  // path's neighbour lookups see marks to the left already converted).
  size_t mark_end = std::string_view::npos;
  char32_t mark_val = 0;
  auto prev_final = [&](size_t pos) -> char32_t {  // the code point ending at pos (not a space), as output
    if (pos == mark_end) return mark_val;
    return PrevCodePoint(line, pos);
  };
  auto convert = [&](size_t e) -> char32_t {  // what the mark at e becomes
    const char32_t c = static_cast<unsigned char>(p[e]);
    if (!punct) return c;
    size_t k = e;
    while (k > 0 && p[k - 1] == ' ') --k;
    const char32_t before = k == 0 ? 0 : prev_final(k);
    size_t j = e + 1;
    while (j < n && p[j] == ' ') ++j;
    const char32_t after = j == n ? next_first : NextCodePoint(line, j);
    if ((c == ',' || c == ':') && IsAsciiDigit(before) && IsAsciiDigit(after) && e > 0 && p[e - 1] != ' ' &&
        e + 1 < n && p[e + 1] != ' ') {
      return c;
    }
    // Past quotes and apostrophes: they stand in both scripts.
    char32_t script_before = before;
    for (size_t q = k; IsSharedPunct(script_before);) {
      PrevCodePoint(line, q);  // q: where script_before starts
      while (q > 0 && p[q - 1] == ' ') --q;
      script_before = q == 0 ? 0 : prev_final(q);
    }
    char32_t script_after = after;
    for (size_t q = j; IsSharedPunct(script_after);) {  // j: past `after`
      while (q < n && p[q] == ' ') ++q;
      script_after = q == n ? (IsSharedPunct(next_first) ? 0 : next_first) : NextCodePoint(line, q);
    }
    return IsCjkStrong(script_before) || IsCjkStrong(script_after) ? FullWidthOf(c) : c;
  };
  auto emit_mark = [&](size_t e, char32_t v) {
    if (v < 0x80) {
      out += static_cast<char>(v);
    } else {
      AppendUtf8(out, v);
      *half += 1;  // a full-width mark is one em, the half-width one half
    }
    mark_end = e + 1;
    mark_val = v;
  };
  size_t i = 0;
  while (true) {
    size_t e = i;
    while (e < n && !kSimpleSpecial.v[static_cast<unsigned char>(p[e])]) ++e;
    out.append(p + i, e - i);
    if (e == n) break;
    if (p[e] != ' ') {
      emit_mark(e, convert(e));
      i = e + 1;
      continue;
    }
    size_t t = e;
    while (t < n && p[t] == ' ') ++t;
    i = t;
    if (!options.spaces) {
      out.append(p + e, t - e);
      continue;
    }
    if (e == 0 || t == n) {  // leading or trailing
      *half -= static_cast<int>(t - e);
      continue;
    }
    const char32_t a = prev_final(e);
    const bool mark_after = IsHalfWidthMark(p[t]);
    char32_t b;
    if (mark_after) {
      b = convert(t);
    } else {
      size_t k = t;
      b = NextCodePoint(line, k);
    }
    const bool drop = SpaceDropped(a, b);
    if (drop) {
      *half -= static_cast<int>(t - e);
      if (removed_spaces != nullptr) ++*removed_spaces;
    } else {
      out += ' ';
      *half -= static_cast<int>(t - e - 1);
    }
    if (mark_after) {
      emit_mark(t, b);
      i = t + 1;
    }
  }
}

void NormalizeGeneral(std::string_view line, char32_t next_first, const NormalizeOptions& options,
                      int* removed_spaces, std::string& out);

}  // namespace

// True if NormalizeLine could change the line: a byte scan, so that most
// lines of Chinese body text skip decoding altogether.
bool MayNeedNormalizing(std::string_view s) { return ScanLine(s).need != LineNeed::kNothing; }

bool MayNeedNormalizing(std::string_view s, double* width) {
  const LineScan scan = ScanLine(s);
  if (scan.need != LineNeed::kNothing) return true;
  *width = scan.half * 0.5;
  return false;
}

std::string NormalizeLine(std::string_view line, char32_t next_first, const NormalizeOptions& options,
                          int* removed_spaces) {
  if (removed_spaces != nullptr) *removed_spaces = 0;
  const LineScan scan = ScanLine(line);
  if (scan.need == LineNeed::kNothing) return std::string(line);
  std::string out;
  if (scan.need == LineNeed::kSimple) {
    int half = scan.half;
    NormalizeSimple(line, next_first, options, scan.any_non_ascii, out, removed_spaces, &half);
  } else {
    NormalizeGeneral(line, next_first, options, removed_spaces, out);
  }
  return out;
}

namespace {

// The decoding path: every code point, with neighbour rules both ways.
void NormalizeGeneral(std::string_view line, char32_t next_first, const NormalizeOptions& options,
                      int* removed_spaces, std::string& out) {
  // Per-thread scratch: this runs for most lines of OCR text that has
  // half-width commas, and allocating per line showed in the profile.
  thread_local std::vector<Cp> cps;
  cps.clear();
  bool any_non_ascii = false;
  for (size_t i = 0; i < line.size();) {
    char32_t c = NextCodePoint(line, i);
    if (IsZeroWidth(c)) continue;
    if (c < 0x20 && c != '\t') continue;
    any_non_ascii |= c >= 0x80;
    cps.push_back({FoldWidth(c)});
  }
  const size_t n = cps.size();
  // Neighbour lookups that skip spaces; the right side may continue into the
  // next line.
  auto prev_ns = [&](size_t i) -> char32_t {
    while (i > 0) {
      --i;
      if (cps[i].c != ' ') return cps[i].c;
    }
    return 0;
  };
  auto next_ns = [&](size_t i) -> char32_t {
    for (++i; i < n; ++i) {
      if (cps[i].c != ' ') return cps[i].c;
    }
    return next_first;
  };
  // The nearest neighbour that shows a script: past spaces and past the
  // quotes, apostrophes and dashes that both scripts use.
  auto prev_script = [&](size_t i) -> char32_t {
    while (i > 0) {
      --i;
      if (cps[i].c != ' ' && !IsSharedPunct(cps[i].c)) return cps[i].c;
    }
    return 0;
  };
  auto next_script = [&](size_t i) -> char32_t {
    for (++i; i < n; ++i) {
      if (cps[i].c != ' ' && !IsSharedPunct(cps[i].c)) return cps[i].c;
    }
    return IsSharedPunct(next_first) ? 0 : next_first;
  };

  if (options.punctuation && any_non_ascii) {
    // Parentheses first, in pairs, so that both halves agree.
    thread_local std::vector<size_t> open;
    thread_local std::vector<std::pair<size_t, size_t>> pairs;
    open.clear();
    pairs.clear();
    bool any_paren = false;
    for (size_t i = 0; i < n && !any_paren; ++i) any_paren = cps[i].c == '(' || cps[i].c == ')';
    for (size_t i = 0; i < n && any_paren; ++i) {
      if (cps[i].c == '(') open.push_back(i);
      else if (cps[i].c == ')' && !open.empty()) {
        pairs.emplace_back(open.back(), i);
        open.pop_back();
      }
    }
    thread_local std::vector<bool> paired;
    paired.assign(n, false);
    for (auto [a, b] : pairs) {
      paired[a] = paired[b] = true;
      bool inner_cjk = false, inner_latin = false;
      for (size_t k = a + 1; k < b; ++k) {
        inner_cjk |= IsCjkStrong(cps[k].c);
        inner_latin |= IsLatinLetter(cps[k].c);
      }
      bool outer_cjk = IsCjkStrong(prev_script(a)) || IsCjkStrong(next_script(b));
      if (inner_cjk || (outer_cjk && !inner_latin)) {
        cps[a].c = U'（';
        cps[b].c = U'）';
      }
    }
    for (size_t i = 0; i < n; ++i) {
      char32_t c = cps[i].c;
      if (c != ',' && c != ':' && c != ';' && c != '!' && c != '?' && c != '(' && c != ')') continue;
      if ((c == '(' || c == ')') && paired[i]) continue;
      char32_t p = prev_ns(i), q = next_ns(i);
      // 2,000 and 10:30 are numbers, whatever surrounds them.
      if ((c == ',' || c == ':') && IsAsciiDigit(p) && IsAsciiDigit(q) && i > 0 && cps[i - 1].c != ' ' &&
          i + 1 < n && cps[i + 1].c != ' ') {
        continue;
      }
      bool cjk_before = IsCjkStrong(prev_script(i));
      bool cjk_after = IsCjkStrong(next_script(i));
      // A mark between Latin on the left and Chinese on the right (5G, 第二)
      // belongs to the Chinese sentence; a mark between two Latin words stays.
      if (cjk_before || cjk_after) cps[i].c = FullWidthOf(c);
    }
  }

  out.clear();
  out.reserve(line.size() + line.size() / 2 + 8);  // half-width marks grow to 3 bytes
  for (size_t i = 0; i < n; ++i) {
    char32_t c = cps[i].c;
    if (c == ' ') {
      if (!options.spaces) {
        AppendUtf8(out, c);
        continue;
      }
      // Collapse a run; drop it at the edges or where a Chinese-side rule says so.
      size_t j = i;
      while (j < n && cps[j].c == ' ') ++j;
      if (i == 0 || j == n) {
        i = j - 1;
        continue;
      }
      char32_t a = cps[i - 1].c, b = cps[j].c;
      bool drop = SpaceDropped(a, b);
      if (!drop) out += ' ';
      else if (removed_spaces != nullptr) ++*removed_spaces;
      i = j - 1;
      continue;
    }
    AppendUtf8(out, c);
  }
}

}  // namespace

Status NormalizePage(Page& page, const NormalizeOptions& options) {
  // Line ends look one line ahead: the first code point of the next line in
  // reading order (across blank lines, which are column breaks more often
  // than not in OCR output).
  auto next_line = [&](size_t b, size_t i) -> const Line* {
    if (i + 1 < page.blocks[b].lines.size()) return &page.blocks[b].lines[i + 1];
    for (++b; b < page.blocks.size(); ++b) {
      if (!page.blocks[b].lines.empty()) return &page.blocks[b].lines.front();
    }
    return nullptr;
  };
  // The output is built here and copied into the line's own string, which
  // usually has the room: no allocation per changed line.
  thread_local std::string buffer;
  bool emptied = false;
  for (size_t b = 0; b < page.blocks.size(); ++b) {
    for (size_t li = 0; li < page.blocks[b].lines.size(); ++li) {
      Line& line = page.blocks[b].lines[li];
      const LineScan scan = ScanLine(line.text);
      if (scan.need == LineNeed::kNothing) {  // most lines: one scan, no copy
        line.layout_width = scan.half * 0.5;
        continue;
      }
      char32_t next = 0;
      if (const Line* nl = next_line(b, li)) {
        std::string_view t = nl->text;
        size_t i = 0;
        while (i < t.size()) {
          next = NextCodePoint(t, i);
          if (next != ' ' && next != 0x3000) break;
        }
      }
      int removed = 0;
      if (scan.need == LineNeed::kSimple) {
        int half = scan.half;
        NormalizeSimple(line.text, next, options, scan.any_non_ascii, buffer, &removed, &half);
        line.text.assign(buffer);
        // Spaces OCR saw between digits and Chinese were room on the printed
        // line; the wrap-width model must still count them.
        line.layout_width = half * 0.5 + 0.5 * removed;
      } else {
        NormalizeGeneral(line.text, next, options, &removed, buffer);
        line.text.assign(buffer);
        line.layout_width = DisplayWidth(line.text) + 0.5 * removed;
      }
      emptied |= line.text.empty();
    }
  }
  // Lines that held only invisible characters are gone now.
  if (!emptied) return Status::Ok();
  for (auto& block : page.blocks) {
    std::erase_if(block.lines, [](const Line& l) { return l.text.empty(); });
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
  return Status::Ok();
}

}  // namespace ocrflow::text
