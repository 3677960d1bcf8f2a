// Words with boxes from PP-OCR's reading of a line (Line::words).
//
// PP-OCR reads a line image and gives text; greedy CTC (ctc.h) also knows
// at which time steps each character won, and a step is a slice of the
// line image's width. A character's x range runs from halfway to the
// previous character's centre to halfway to the next one's (its ink lies
// between its neighbours'); the first starts where the line's ink box
// starts, the last ends where it ends (a CTC spike is no glyph edge). Without the steps (the onnxruntime worker gives the text only)
// the characters share the line box's width evenly.
//
// Words: split at spaces; every CJK character is a word of its own (Chinese
// has no spaces, and a character's box is then exact); a run of other
// characters (Latin, digits) is one word. Boxes take the line box's top and
// height. Pure, thread-safe.
#pragma once

#include <vector>

#include "pipeline/core/document.h"
#include "stages/ocr/ctc.h"

namespace ocrflow::ocr {

// `read`: PP-OCR's reading of the crop `crop` (page coordinates) of a line
// whose box is `line_box`; `text`: the reading's text as the line keeps it
// (trimmed). The confidence of a word is its characters' mean probability
// (x 100), or the reading's confidence without steps.
std::vector<Word> PpOcrWords(const CtcReading& read, const std::string& text, const Box& crop, const Box& line_box);

}  // namespace ocrflow::ocr
