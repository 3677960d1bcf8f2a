// The words of the output text with their boxes on the original image: what
// the archive formats (ALTO, hOCR, searchable PDF) write.
//
// The .txt is what reflow made of the OCR lines: lines joined, characters
// changed by the text stages, duplicates and boilerplate dropped. The
// archive formats must carry that text, placed where it was read. So per
// output paragraph (one ArchiveBlock):
//   1. the OCR text of its source lines (Paragraph::first_line..last_line):
//      each line's words (Line::words) joined as the engine read them, a
//      space between two words unless both sides are CJK; every character
//      gets a box: its word's box cut evenly by code point (a line without
//      words: its box cut the same way);
//   2. the paragraph's text aligned to it code point by code point
//      (AlignCodePoints, text_diff.h); a character takes the box and line of
//      the OCR character it came from; one a text stage inserted or changed
//      takes its previous neighbour's (the next one's at the start);
//   3. split into lines where the source line changes (a space stays with
//      the line before it) and into words at spaces: a word followed by a
//      space has space_after. A word of CJK text (one with a character
//      IsCjkStrong) whose characters all have boxes also keeps its pieces
//      (ArchiveWord::pieces): each CJK character alone, each run of other
//      characters (digits, Latin) together, each with its own box; ALTO
//      writes a String per piece.
// Boxes are then mapped to the original image (geometry.h: ToOriginal).
//
// The text rule, the same for every format (ArchiveText): per page, per
// block, per line, per word: its text, then " " when space_after; "\n"
// after each block. That is exactly the .txt (RenderPagesText): a test
// holds every format to it. Dropped lines are not in the archive formats.
//
// Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "pipeline/core/document.h"

namespace ocrflow::formats {

struct ArchiveWord {
  std::string text;       // UTF-8, no space
  Box box;                // original image pixels
  float confidence = 0;   // 0..100; 0 when unknown
  bool space_after = false;
  // A CJK word: its pieces in order (their texts make `text`; no
  // space_after), each with its box and confidence. Empty otherwise.
  std::vector<ArchiveWord> pieces;
};

struct ArchiveLine {
  Box box;
  std::vector<ArchiveWord> words;
};

struct ArchiveBlock {
  Role role = Role::kBody;
  Box box;
  std::vector<ArchiveLine> lines;
};

struct ArchivePage {
  int number = 1;       // 1-based page of the input
  int width = 0, height = 0;  // the original image
  double dpi = 0;       // of the original image (0: unknown)
  // Degrees the text stands turned counterclockwise in the original image:
  // the orientation turn plus the skew deskew rotated away (0 when it did
  // not). ALTO's TextBlock ROTATION, hOCR's textangle; archive_reader.h
  // turns the boxes back with it.
  double text_angle = 0;
  std::vector<ArchiveBlock> blocks;  // one per paragraph, reading order
};

ArchivePage LayoutForArchive(const Page& page);

// The text rule above; equals RenderPagesText of the same pages.
std::string ArchiveText(const std::vector<ArchivePage>& pages);

// XML character data and attribute values: & < > " ' escaped; code points
// XML 1.0 does not allow (control characters) dropped.
std::string XmlEscape(std::string_view s);

}  // namespace ocrflow::formats
