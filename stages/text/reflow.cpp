#include "stages/text/reflow.h"

#include <algorithm>
#include <cstdio>

#include "models/wordlist.h"
#include "pipeline/core/text_diff.h"
#include "stages/text/classify.h"
#include "stages/text/unicode_clean.h"
#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

// Decision details are formatted only when someone reads them (--explain).
thread_local bool g_explain = false;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool SortedContains(const std::vector<std::string>& v, const std::string& w) {
  return std::binary_search(v.begin(), v.end(), w);
}

// The document's own Latin words and hyphenated compounds (lower-case,
// sorted), as evidence for de-hyphenation. A word directly before a line end
// is not taken as a hyphenated compound: that hyphen is what we are judging.
void CollectWords(const Page& page, std::vector<std::string>& words, std::vector<std::string>& hyphenated) {
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      const std::string& t = line.text;
      size_t i = 0;
      while (i < t.size()) {
        if (!IsAsciiLetter(static_cast<unsigned char>(t[i]))) {
          ++i;
          continue;
        }
        size_t j = i;
        bool hyphen = false;
        while (j < t.size() && (IsAsciiLetter(static_cast<unsigned char>(t[j])) ||
                                (t[j] == '-' && j + 1 < t.size() && IsAsciiLetter(static_cast<unsigned char>(t[j + 1]))))) {
          hyphen |= t[j] == '-';
          ++j;
        }
        std::string w = Lower(std::string_view(t).substr(i, j - i));
        if (hyphen) {
          hyphenated.push_back(w);
          size_t s = 0;
          while (s <= w.size()) {
            size_t e = w.find('-', s);
            if (e == std::string::npos) e = w.size();
            words.push_back(w.substr(s, e - s));
            s = e + 1;
          }
        } else {
          words.push_back(std::move(w));
        }
        i = j;
      }
    }
  }
  for (auto* v : {&words, &hyphenated}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
}

std::string TrailingWord(std::string_view s) {
  size_t j = s.size();
  while (j > 0 && IsAsciiLetter(static_cast<unsigned char>(s[j - 1]))) --j;
  return std::string(s.substr(j));
}

std::string LeadingWord(std::string_view s) {
  size_t j = 0;
  while (j < s.size() && IsAsciiLetter(static_cast<unsigned char>(s[j]))) ++j;
  return std::string(s.substr(0, j));
}

std::string Fmt(const char* format, double a, double b) {
  char buf[96];
  if (!g_explain) return {};
  std::snprintf(buf, sizeof buf, format, a, b);
  return buf;
}

// One allocation for a typical paragraph instead of a copy and regrowths.
void StartParagraph(Paragraph& p, const Line& line) {
  p = Paragraph{};
  p.text.reserve(std::max<size_t>(256, line.text.size()));
  p.text = line.text;
  p.role = line.role;
  if (line.role == Role::kJump) p.jump_to = JumpTarget(line.text).value_or("");
  p.first_line = p.last_line = line.source_line;
}

bool EndsWithColon(std::string_view s) {
  char32_t c = LastCodePoint(s);
  return c == U'：' || c == ':';
}

// em: narrowest measure of a box whose lines wrap prose; narrower boxes hold
// a word per line (an ad's list, a menu), each its own paragraph.
constexpr double kInsetMinMeasureEm = 6;

// em: longest label before the colon that opens an item of a fact box
// (时间：…, 办理地点：…, Opening hours: …).
constexpr double kItemLabelMaxEm = 7;

// Whether `s` opens with a label and a colon: a short run with no
// punctuation before a colon that text follows.
bool StartsWithItemLabel(std::string_view s) {
  size_t colon = s.find("：");
  size_t len = 3;
  if (const size_t ascii = s.find(':'); ascii < colon) colon = ascii, len = 1;
  if (colon == std::string_view::npos || colon == 0 || colon + len >= s.size()) return false;
  const std::string_view label = s.substr(0, colon);
  for (const std::string_view p : {"，", "。", "、", "；", ",", ".", ";", "“", "\""})
    if (label.find(p) != std::string_view::npos) return false;
  return DisplayWidth(label) <= kItemLabelMaxEm;
}

}  // namespace

bool RemoveLineEndHyphen(std::string_view left_word, std::string_view right_word, const models::WordList& words,
                         const std::vector<std::string>& doc_words, const std::vector<std::string>& hyphenated) {
  if (left_word.empty() || right_word.empty()) return false;
  if (right_word[0] >= 'A' && right_word[0] <= 'Z') return false;  // Franco-German, Jean-Paul
  std::string joined = Lower(std::string(left_word) + std::string(right_word));
  std::string compound = Lower(std::string(left_word) + "-" + std::string(right_word));
  if (SortedContains(hyphenated, compound)) return false;
  if (SortedContains(doc_words, joined)) return true;
  if (words.Contains(joined)) return true;
  if (words.Contains(Lower(left_word)) && words.Contains(Lower(right_word))) return false;  // long-term
  return true;  // most line-end hyphens in justified text are soft
}

std::string JoinText(std::string_view a, std::string_view b) {
  std::string out(a);
  AppendJoined(out, b);
  return out;
}

void AppendJoined(std::string& out, std::string_view b) {
  std::string_view a = out;
  if (a.empty() || b.empty()) {
    out += b;
    return;
  }
  char32_t x = LastCodePoint(a);
  char32_t y = FirstCodePoint(b);
  const bool broken_word = x == '-' && a.size() >= 2 && IsAsciiLetter(static_cast<unsigned char>(a[a.size() - 2])) &&
                           IsAsciiLetter(y);
  // A number broken by the wrap inside Chinese text (…行动36 / 25万元).
  bool broken_number = false;
  if (IsAsciiDigit(x) && IsAsciiDigit(y)) {
    size_t i = a.size();
    char32_t before = 0;
    while (i > 0) {
      before = PrevCodePoint(a, i);
      if (!IsAsciiDigit(before) && before != '.' && before != ',') break;
    }
    broken_number = IsCjk(before);
  }
  // A quote, apostrophe, ellipsis or dash at the seam belongs to whichever
  // script stands behind it: `said,”` + `and` is English and takes a space,
  // `说：“` + `我们` is Chinese and does not.
  if (IsSharedPunct(x)) {
    for (size_t i = a.size(); i > 0 && IsSharedPunct(x);) x = PrevCodePoint(a, i);
  }
  if (IsSharedPunct(y)) {
    for (size_t i = 0; i < b.size() && IsSharedPunct(y);) y = NextCodePoint(b, i);
  }
  const bool spaced_seam = out.back() == ' ' || b.front() == ' ';
  if (!IsCjk(x) && !IsCjk(y) && !spaced_seam && !broken_word && !broken_number) out += ' ';
  out += b;
}

Status Reflow(Page& page, const ReflowOptions& o, const RunContext& ctx) {
  EnsureShapes(page);
  // The document's words are only needed when some line ends in "word-".
  bool any_hyphen = false;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      const std::string& t = line.text;
      any_hyphen |= t.size() >= 2 && t.back() == '-' && IsAsciiLetter(static_cast<unsigned char>(t[t.size() - 2]));
    }
  }
  std::vector<std::string> doc_words, hyphenated;
  if (o.dehyphenate && any_hyphen) CollectWords(page, doc_words, hyphenated);
  const models::WordList& words = models::WordList::System();
  g_explain = ctx.explain;

  page.paragraphs.clear();
  Paragraph cur;
  bool open = false;
  bool cur_first = true;  // the paragraph's current last line is also its first
  const Line* prev = nullptr;
  size_t prev_block = 0;
  double prev_width = 0;

  auto decide = [&](const Line& a, double wa, size_t ba, const Line& b, double wb, size_t bb, size_t b_index,
                    const char*& rule, std::string& detail) -> bool {
    const ColumnShape& sa = page.blocks[ba].shape;
    const ColumnShape& sb = page.blocks[bb].shape;
    const bool same_block = ba == bb;
    const Role ra = a.role, rb = b.role;
    const bool a_ends = EndsSentence(a.text);
    // A pull quote is one passage, its lines set centred (each indented
    // by its own shortness): no indent opens a paragraph in it.
    if (same_block && ra == Role::kPullQuote && rb == Role::kPullQuote) {
      rule = "pull-quote-wrap";
      return true;
    }
    if (b.indent > a.indent && (same_block || page.blocks[bb].blank_lines_before == 0)) {
      rule = "indent";
      detail = Fmt("indent %.0f after %.0f", b.indent, a.indent);
      return false;
    }
    if (same_block && ra == rb && (ra == Role::kHeadline || ra == Role::kSubheadline)) {
      rule = "headline-wrap";
      return true;
    }
    if (same_block && ra == Role::kCaption && rb == Role::kCaption) {
      rule = "caption-wrap";
      return true;
    }
    // An inset (a fact box, a tip): its items are often label lines without
    // a stop (时间：… / 地点：…), so a line wraps on only when it is full: as
    // wide as the box's measure (in ragged Latin text, with the next line's
    // first word, which did not fit). The measure is known when two lines
    // of the box reach it; the widest of a few label lines is no measure, and
    // a box under kInsetMinMeasureEm holds words, not prose. A shorter line
    // ends its item.
    if (same_block && ra == Role::kInset && rb == Role::kInset) {
      const double next_word = sa.latin ? DisplayWidth(b.text.substr(0, b.text.find(' '))) + 0.5 : 0;
      const auto& box_lines = page.blocks[ba].lines;
      const auto at_measure = std::count_if(box_lines.begin(), box_lines.end(), [&](const Line& l) {
        return LineWidth(l) >= sa.wrap - sa.tolerance;
      });
      const bool full = sa.wrap >= kInsetMinMeasureEm && at_measure >= 2 && wa + next_word >= sa.wrap - sa.tolerance;
      const bool label = StartsWithItemLabel(b.text);  // 办理地点：… opens an item whatever the width
      rule = full && !label ? "inset-wrap" : "inset-item";
      detail = label ? "the next line opens with a label" : Fmt("width %.1f, full %.1f", wa + next_word, sa.wrap);
      return full && !label;
    }
    // "inter-" + "national": a Latin word broken at the line end continues,
    // whatever the widths say.
    if (same_block && a.text.size() >= 2 && a.text.back() == '-' &&
        IsAsciiLetter(static_cast<unsigned char>(a.text[a.text.size() - 2])) && !b.text.empty() &&
        b.text[0] >= 'a' && b.text[0] <= 'z') {
      rule = "hyphen-wrap";
      return true;
    }
    const bool a_bodyish = ra == Role::kBody || ra == Role::kListItem;
    if (!(a_bodyish && rb == Role::kBody)) {
      rule = "role-change";
      if (g_explain) detail = std::string(RoleName(ra)) + " -> " + RoleName(rb);
      return false;
    }
    const double wrap = sa.wrap;
    // A paragraph's first line is two characters short in plain text (OCR
    // lost the indent); measured from the column's edge it is not.
    const double full_a = cur_first && !sa.measured ? wrap - o.indent : wrap;
    const double gap = sa.latin ? std::max(o.short_gap, o.latin_short_gap * wrap) : o.short_gap;
    if (same_block) {
      if (sa.wrapped) {
        if ((a_ends || EndsWithColon(a.text)) && wa <= full_a - gap) {
          rule = "short-after-terminal";
          detail = Fmt("width %.1f, full %.1f", wa, full_a);
          return false;
        }
        rule = "wrap";
        detail = Fmt("width %.1f, full %.1f", wa, full_a);
        return true;
      }
      // A block that is not a column as a whole (a list follows its lead-in)
      // still wraps where a line fills the width borrowed from its neighbours.
      if (sa.wrap > 0 && !a_ends && !EndsWithColon(a.text) && wa >= full_a - sa.tolerance && rb == Role::kBody &&
          cur.role == Role::kBody) {
        rule = "wrap";
        detail = Fmt("width %.1f, borrowed full %.1f", wa, full_a);
        return true;
      }
      // A list item wrapped over several lines (1.术语：… / …解释。).
      // Only an item that reads as prose wraps; "二、农业" is a heading.
      const bool prose = cur.text.find("，") != std::string::npos || cur.text.find("：") != std::string::npos ||
                         cur.text.find("；") != std::string::npos || cur.text.find("、", cur.text.find("、") + 3) != std::string::npos;
      if (cur.role == Role::kListItem && !a_ends && prose) {
        rule = "list-wrap";
        return true;
      }
      rule = "line-per-paragraph";
      return false;
    }
    // Across a blank line.
    if (StartsWithDateline(b.text)) {
      rule = "dateline";
      return false;
    }
    if (LooksLikeCredit(a.text) || LooksLikeByline(a.text)) {
      rule = "after-credit";
      return false;
    }
    // A colon ends a line of its own in unwrapped text (各位代表：), but in a
    // wrapped column it introduces what follows (说：“…”).
    if (ra == Role::kBody && !a_ends && (!EndsWithColon(a.text) || sa.wrapped)) {
      rule = "mid-sentence";
      if (g_explain) detail = "the line before the blank stops without sentence-final punctuation";
      return true;
    }
    if (ra == Role::kBody && a_ends && sa.wrapped && wa >= full_a - o.full_gap && sb.wrapped && b_index == 0 &&
        wb >= sb.wrap - o.full_gap) {
      rule = "full-lines";
      detail = Fmt("full line (%.1f) then unindented line (%.1f)", wa, wb);
      return true;
    }
    rule = "blank-line";
    return false;
  };

  for (size_t k = 0; k < page.blocks.size(); ++k) {
    const Block& block = page.blocks[k];
    for (size_t i = 0; i < block.lines.size(); ++i) {
      const Line& line = block.lines[i];
      const double w = LineWidth(line);
      if (!open) {
        StartParagraph(cur, line);
        open = true;
        cur_first = true;
      } else {
        const char* rule = "";  // a static name: no allocation per line pair
        std::string detail;
        bool join = decide(*prev, prev_width, prev_block, line, w, k, i, rule, detail);
        if (ctx.explain) page.decisions.push_back(Decision{prev->source_line, line.source_line, join, rule, detail});
        if (join) {
          std::string_view a = cur.text;
          if (std::string_view(rule) == "headline-wrap") {
            cur.text += ' ';
            cur.text += line.text;
          } else if (o.dehyphenate && a.size() >= 2 && a.back() == '-' &&
                     IsAsciiLetter(static_cast<unsigned char>(a[a.size() - 2])) &&
                     IsAsciiLetter(static_cast<unsigned char>(line.text[0]))) {
            std::string left = TrailingWord(a.substr(0, a.size() - 1));
            std::string right = LeadingWord(line.text);
            if (RemoveLineEndHyphen(left, right, words, doc_words, hyphenated)) {
              cur.text.pop_back();
              page.dropped.push_back(Dropped{"-", "line-end hyphen (" + left + "-" + right + ")",
                                             prev->source_line, prev->source_line});
            }
            cur.text += line.text;
          } else {
            AppendJoined(cur.text, line.text);
          }
          cur.last_line = line.source_line;
          cur_first = false;
        } else {
          page.paragraphs.push_back(std::move(cur));
          StartParagraph(cur, line);
          cur_first = true;
        }
      }
      prev = &line;
      prev_block = k;
      prev_width = w;
    }
  }
  if (open) page.paragraphs.push_back(std::move(cur));
  // Joins create new neighbours (a digit at a line end meets Chinese at the
  // next line's start); the same clean-up as for lines applies.
  // Listed in Page::edits like any other stage's changes.
  for (size_t k = 0; k < page.paragraphs.size(); ++k) {
    Paragraph& p = page.paragraphs[k];
    if (p.text.find(' ') == std::string::npos) continue;
    std::string clean = NormalizeLine(p.text, 0);
    if (clean == p.text) continue;
    for (TextChange& c : DiffText(p.text, clean))
      page.edits.push_back(Edit{"reflow", 0, static_cast<int>(k + 1), c.at, std::move(c.before), std::move(c.after)});
    p.text = std::move(clean);
  }
  return Status::Ok();
}

}  // namespace ocrflow::text
