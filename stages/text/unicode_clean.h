// Unicode clean-up: the first thing that touches text.
//
// Two steps:
//
// 1. DecodeText(bytes) turns a file's bytes into clean UTF-8 text or refuses
//    it with a reason a person can act on:
//      - 0 bytes                        -> kBadInput "empty file"
//      - a PDF/PNG/JPEG/TIFF/GIF/ZIP    -> kBadInput "this is a PNG image, not text"
//      - NUL/control bytes > 1 %        -> kBadInput "binary data ..."
//      - invalid UTF-8                  -> kBadInput "invalid UTF-8 at byte offset N (line L)"
//                                          (or U+FFFD replacement with options.lossy)
//      - a line over max_line_bytes     -> kTooLarge "line N is X MiB ..."
//    and otherwise: BOM stripped, CRLF and lone CR -> LF, stray NUL and C0
//    controls removed (counted in the report), ICU NFC.
//
// 2. NormalizeLine(line, next) makes one line's characters canonical:
//      - full-width ASCII letters/digits -> ASCII (ＡＢＣ１２３ -> ABC123),
//        half-width katakana punctuation -> full width, exotic spaces -> ' ',
//        zero-width characters removed
//      - half-width , : ; ( ) ! ? inside Chinese -> ，：；（）！？ (REFLOW row 11);
//        kept inside numbers and Latin (1.28, 2,000, 10:30, "Hello, world")
//      - spaces between digits/Latin and Chinese removed (row 12), also
//        after a section number ("1 稳产保供" -> "1稳产保供": REFLOW.md asks
//        for no digit-Chinese space at all); spaces before Chinese
//        punctuation and after ，、；： removed; other runs collapsed to one
//        ASCII space; no leading/trailing spaces
//    `next_first` is the first code point of the next line (0 if none), so a
//    comma at the end of a wrapped line sees the Chinese that follows it.
//
// Thread safety: pure functions; the ICU normaliser instance is immutable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::text {

struct DecodeOptions {
  size_t max_line_bytes = 8u << 20;      // bytes; longer lines are not line-structured text
  size_t max_file_bytes = 1024u << 20;   // bytes
  double max_control_ratio = 0.01;       // fraction of NUL/C0 bytes before it is "binary"
  bool lossy = false;                    // replace invalid UTF-8 with U+FFFD instead of failing
};

struct DecodeReport {
  bool had_bom = false;
  size_t crlf = 0;           // CRLF or lone CR line ends converted
  size_t controls_removed = 0;
  size_t invalid_replaced = 0;  // lossy mode only
  bool nfc_changed = false;
};

// Offset of the first invalid UTF-8 byte, or npos if `bytes` is valid.
// Overlong forms, surrogates and code points above U+10FFFF are invalid.
size_t FindInvalidUtf8(std::string_view bytes);

Result<std::string> DecodeText(std::string_view bytes, const DecodeOptions& options, DecodeReport* report);

// The same, without copying in the common case: returns a view of `bytes`
// when they need no change, else a view of `storage`, which it fills.
Result<std::string_view> DecodeTextView(std::string_view bytes, const DecodeOptions& options, DecodeReport* report,
                                        std::string& storage);

struct NormalizeOptions {
  bool punctuation = true;   // half-width -> full-width inside Chinese
  bool spaces = true;        // digit/Latin-CJK spaces removed, runs collapsed
};

// `removed_spaces`, if given, receives the number of inner spaces removed
// (they took room on the printed line: see Line::layout_width).
std::string NormalizeLine(std::string_view line, char32_t next_first, const NormalizeOptions& options = {},
                          int* removed_spaces = nullptr);

// False when NormalizeLine would return the line unchanged (a byte scan);
// then *width receives the line's DisplayWidth from the same scan.
bool MayNeedNormalizing(std::string_view line);
bool MayNeedNormalizing(std::string_view line, double* width);

// The stage adapter: normalises every line of the page in place.
Status NormalizePage(Page& page, const NormalizeOptions& options);

}  // namespace ocrflow::text
