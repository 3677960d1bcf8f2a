// Paragraph reflow: lines -> paragraphs.
//
// Walks the page's lines in reading order and decides for every neighbouring
// pair whether they belong to one paragraph (join) or not (split). Each
// decision has a rule name (`ocrflow reflow --explain` prints them):
//
//   within a block (no blank line between)
//     indent                 the next line is indented more: a new paragraph
//     role-change            headline/byline/caption/list item boundaries
//     headline-wrap          lines of one headline block: joined with a space
//     caption-wrap           lines of one caption: joined
//     short-after-terminal   the line ends a sentence and stops short of the
//                            wrap width (a first line's full width is W-2):
//                            the paragraph ends (REFLOW row 1)
//     hyphen-wrap            a Latin word broken at the line end continues
//     wrap                   otherwise: the same paragraph
//     list-wrap              unwrapped text: a list item continues until a
//                            line ends a sentence
//     line-per-paragraph     unwrapped text: every line is a paragraph
//   across blank lines
//     dateline               本报讯（…） / 新华社… opens a paragraph
//     after-credit           a photo credit or byline ends what it closes
//     mid-sentence           body text that stops mid-sentence continues
//                            after the blank line, even when the continuation
//                            opens with a quote (rows 2, 3)
//     full-lines             a full-width line ending a sentence, then a
//                            full-width (not indented) first line: a column
//                            break between two sentences of one paragraph
//     blank-line             otherwise: a paragraph break
//
// Joining: nothing between Chinese and anything; one space between two Latin
// words; a Latin line-end hyphen is removed when the joined word is a word
// (word list or the document itself) and kept for compounds (well-known) and
// before a capital (Franco-German). A removed hyphen is recorded as dropped.
//
// Thread safety: pure function of the page and options.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/document.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"
#include "stages/text/wrap_width.h"

namespace ocrflow::models {
class WordList;
}

namespace ocrflow::text {

struct ReflowOptions {
  double short_gap = 1.0;        // em: a sentence-final line this much short of full ends its paragraph
  double latin_short_gap = 0.12; // fraction of the wrap width, for Latin blocks
  double full_gap = 0.75;        // em: a line within this of full width counts as full
  double indent = 2;             // em: the paragraph indent that OCR loses
  bool dehyphenate = true;
};

// The hyphen decision on its own (exposed for tests): should "left-" at a
// line end and "right" at the next line's start be joined without the
// hyphen? `doc_words` are the document's own lower-cased words; `hyphenated`
// its lower-cased hyphenated compounds.
bool RemoveLineEndHyphen(std::string_view left_word, std::string_view right_word, const models::WordList& words,
                         const std::vector<std::string>& doc_words, const std::vector<std::string>& hyphenated);

// Joins two pieces of one paragraph: no separator at a CJK side, one space
// between Latin words.
std::string JoinText(std::string_view a, std::string_view b);
void AppendJoined(std::string& paragraph, std::string_view b);  // in place, same rules

// Uses Block::shape (estimated first if missing).
Status Reflow(Page& page, const ReflowOptions& options, const RunContext& ctx);

}  // namespace ocrflow::text
