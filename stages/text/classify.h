// Line classification: what is each line on the page?
//
// Roles (pipeline/core/document.h): body, headline, subheadline, byline, caption,
// list item. Boilerplate and running heads are removed before this stage
// (stages/text/boilerplate).
//
// Rules, in order (the rule name is stored in Line::role_reason):
//   jump           a line that is only a jump ("Continued on Page A13",
//                  （下转第二版）, （上接第一版）): role jump, whatever the
//                  block around it looks like (the other rules run without it)
//   list-marker    a line opening with ①, "- ", "• ", （一）, 一、, 1. 1、 (1)
//                  — at a block's start or after a line that ends a clause
//   byline         a short line with 本报记者/记者/通讯员, or opening with □ ■
//                  or 文/ 图/, and no sentence punctuation; not 本报讯（…）;
//                  or "By" and two to six capitalised names, also as the
//                  first line of a longer block (over its dateline)
//   credit         a short 图片由…提供 / …摄 line: caption
//   subheadline    a short line opening with —— (a headline's second deck)
//   headline       a block of 1-4 short lines without sentence punctuation,
//                  or a line with two phrases split by a space between
//                  Chinese characters — unless the block before it is body
//                  text that stops mid-sentence (then it is the continuation)
//   caption        a standalone block of 1-3 short lines ending a sentence
//   section-number decorative doubled section numbers (11, 22 between 3 and 4)
//                  are repaired when the sequence shows it (REFLOW row 10)
//   body           everything else
//
// "Short" is relative to the block's wrap width (stages/text/wrap_width).
//
// Thread safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"
#include "stages/text/wrap_width.h"

namespace ocrflow::text {

struct ClassifyOptions {
  double short_fraction = 0.85;  // of the wrap width: headline/caption lines are shorter
  double short_unknown = 32;     // em: "short" when the wrap width is unknown
  double headline_max = 40;      // em: a punctuation-free single line up to this is a headline
  int headline_max_lines = 4;
  int caption_max_lines = 3;
  bool fix_section_numbers = true;
  // Larger type inside a body block (MarkLargerType in classify.cpp).
  double heading_row_ratio = 1.3;
};

bool StartsWithListMarker(std::string_view text);
bool LooksLikeByline(std::string_view text);
bool LooksLikeCredit(std::string_view text);
bool StartsWithDateline(std::string_view text);  // 本报讯（…）, 新华社… opens a paragraph
// The page a jump line sends the reader to (or comes from), as printed:
// "Continued on Page A13" -> "A13", （下转第二版） -> "二", （上接第1版） -> "1",
// "Fortsetzung auf Seite 3" -> "3"; nothing when the whole line is not one.
std::optional<std::string> JumpTarget(std::string_view text);

// Uses Block::shape (estimated first if missing).
Status ClassifyLines(Page& page, const ClassifyOptions& options);

}  // namespace ocrflow::text
