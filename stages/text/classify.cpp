#include "stages/text/classify.h"

#include <algorithm>
#include <map>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

bool IsChineseNumeral(char32_t c) {  // 一二三四五六七八九十百零〇两
  switch (c) {
    case U'一': case U'二': case U'三': case U'四': case U'五': case U'六': case U'七': case U'八': case U'九':
    case U'十': case U'百': case U'零': case U'〇': case U'两':
      return true;
    default:
      return false;
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool Contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// Chinese sentence punctuation, or Latin , . ; ! ? after a letter (so that
// 5.2亿 and 2,000 do not count).
bool HasSentencePunct(std::string_view s) {
  if (Contains(s, "，") || Contains(s, "。") || Contains(s, "；") || Contains(s, "！") || Contains(s, "？")) return true;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if ((c == ',' || c == '.' || c == ';' || c == '!' || c == '?') && IsLatinLetter(static_cast<unsigned char>(s[i - 1]))) {
      return true;
    }
  }
  return false;
}

// Ends a clause: a wrapped line that ends like this may be followed by a
// list item on the next line.
bool EndsClause(std::string_view s) {
  char32_t c = LastCodePoint(s);
  return EndsSentence(s) || c == U'；' || c == U'：' || c == ';' || c == ':' || c == U'，' || c == U'、';
}

// Two phrases split by a space between Chinese characters: 南岗 求精求细.
// Body text never has that (digit/Latin spaces are gone after normalisation).
bool HasHanSpace(std::string_view s) {
  char32_t prev = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t c = NextCodePoint(s, i);
    if (c == ' ' && i < s.size()) {
      size_t j = i;
      char32_t next = NextCodePoint(s, j);
      if (IsCjkStrong(prev) && IsCjkStrong(next)) return true;
    }
    prev = c;
  }
  return false;
}

}  // namespace

bool StartsWithListMarker(std::string_view t) {
  if (t.empty()) return false;
  size_t i = 0;
  char32_t c = NextCodePoint(t, i);
  // Most lines open with an ideograph: only the numerals can start a marker.
  if (c >= 0x4E00 && c <= 0x9FFF && !IsChineseNumeral(c)) return false;
  if ((c >= 0x2460 && c <= 0x249B) || (c >= 0x2776 && c <= 0x2793)) return true;  // ① ⑴ ⒈ ❶
  if (c == '-' || c == U'•' || c == U'·' || c == '*' || c == U'▪' || c == U'●') {
    if (i >= t.size()) return false;
    size_t j = i;
    char32_t d = NextCodePoint(t, j);
    return d == ' ' || (d >= 0x2460 && d <= 0x249B);
  }
  if (c == U'（' || c == '(') {
    size_t j = i;
    int count = 0;
    while (j < t.size()) {
      size_t k = j;
      char32_t d = NextCodePoint(t, k);
      if (IsChineseNumeral(d) || IsAsciiDigit(d)) {
        ++count;
        j = k;
        continue;
      }
      return count >= 1 && count <= 3 && (d == U'）' || d == ')');
    }
    return false;
  }
  if (IsChineseNumeral(c)) {
    size_t j = i;
    int count = 1;
    while (j < t.size()) {
      char32_t d = NextCodePoint(t, j);
      if (IsChineseNumeral(d)) {
        if (++count > 3) return false;
        continue;
      }
      return d == U'、';
    }
    return false;
  }
  if (IsAsciiDigit(c)) {
    size_t j = i;
    int count = 1;
    while (j < t.size()) {
      char32_t d = NextCodePoint(t, j);
      if (IsAsciiDigit(d)) {
        if (++count > 2) return false;
        continue;
      }
      if (d != '.' && d != U'、' && d != U'．' && d != ')' && d != U'）') return false;
      if (j >= t.size()) return false;
      size_t k = j;
      char32_t e = NextCodePoint(t, k);
      // 1.28亿 is a number, not item 1; "1. " and "1.四大方向" are items.
      return !IsAsciiDigit(e) && (e == ' ' || IsCjk(e) || IsLatinLetter(e) || e == U'“');
    }
  }
  return false;
}

namespace {

// "By Anna Whitfield", "By J. R. Moreno and Lucia Vance, Staff Writers":
// "By" and 2-6 capitalised words (initials, and/de/van/von... between them),
// after a comma at most 4 more (a title). Not "By the end of October".
bool LooksLikeLatinByline(std::string_view t) {
  if (!StartsWith(t, "By ") && !StartsWith(t, "BY ")) return false;
  int names = 0, after_comma = -1;
  size_t i = 3;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    size_t j = i;
    while (j < t.size() && t[j] != ' ') ++j;
    if (j == i) break;
    std::string_view w = t.substr(i, j - i);
    i = j;
    bool comma = w.back() == ',';
    if (comma) w.remove_suffix(1);
    if (w.empty()) return false;
    const bool connector = w == "and" || w == "de" || w == "van" || w == "von" || w == "der" || w == "da" ||
                           w == "la" || w == "&" || w == "of";
    const bool cap = w[0] >= 'A' && w[0] <= 'Z';
    if (!cap && !connector) return false;
    for (char c : w) {
      if (c == '.' && w.size() > 2) return false;  // initials only ("J."), no sentence end
      if (c == '!' || c == '?' || c == ';' || c == ':') return false;
    }
    if (after_comma >= 0) ++after_comma;
    else if (!connector) ++names;
    if (comma) {
      if (after_comma >= 0) return false;
      after_comma = 0;
    }
  }
  return names >= 2 && names <= 6 && after_comma <= 4;
}

}  // namespace

bool LooksLikeByline(std::string_view t) {
  if (LooksLikeLatinByline(t)) return true;
  if (StartsWith(t, "本报讯") || StartsWith(t, "新华社") || StartsWith(t, "中新社") || StartsWith(t, "据")) {
    return false;
  }
  if (Contains(t, "，") || Contains(t, "。") || Contains(t, "；") || Contains(t, "！") || Contains(t, "？")) {
    return false;
  }
  char32_t first = FirstCodePoint(t);
  if (first == U'□' || first == U'■' || first == U'◇' || first == U'◆' || first == U'●') return true;
  for (std::string_view prefix : {"文/", "文／", "图/", "图／", "文图/", "文/图", "摄影/", "摄影：", "文：", "作者："}) {
    if (StartsWith(t, prefix)) return true;
  }
  for (std::string_view word : {"本报记者", "记者", "通讯员", "特约撰稿", "撰稿人"}) {
    if (Contains(t, word)) return true;
  }
  return false;
}

bool StartsWithDateline(std::string_view t) {
  return StartsWith(t, "本报讯") || StartsWith(t, "新华社") || StartsWith(t, "中新社") || StartsWith(t, "本报记者") ||
         StartsWith(t, "本报通讯员");
}

bool LooksLikeCredit(std::string_view t) {
  if (Contains(t, "，")) return false;
  // "张岚 摄", "本报记者 刘莉摄": a name before 摄; not body text that ends
  // in 拍摄 at a line break.
  const bool photo = EndsWith(t, "摄") && !EndsWith(t, "拍摄") &&
                     (Contains(t, " ") || Contains(t, "记者") || Contains(t, "通讯员") || Contains(t, "/"));
  return (StartsWith(t, "图片由") && EndsWith(t, "提供")) || EndsWith(t, "供图") || photo ||
         StartsWith(t, "图片来源") || StartsWith(t, "资料图片");
}

namespace {

bool IsPageDigit(char32_t c) { return IsAsciiDigit(c) || IsChineseNumeral(c); }

// OCR reads a page number's 1 as l or I, its 0 as O ("Al6").
bool IsLatinPageChar(char32_t c) { return IsAsciiDigit(c) || c == 'l' || c == 'I' || c == 'O'; }

bool ConsumePrefix(std::u32string_view& s, std::u32string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<std::string> JumpTarget(std::string_view line) {
  // Spaces out, case folded for Latin; a line this short only.
  constexpr size_t kMaxJumpChars = 40;
  std::u32string t;
  for (size_t i = 0; i < line.size();) {
    char32_t c = NextCodePoint(line, i);
    if (c == ' ' || c == '\t' || c == U'\u3000') continue;
    if (t.size() >= kMaxJumpChars) return std::nullopt;
    t.push_back(c);
  }
  std::u32string_view v(t);
  // One pair of brackets; OCR mixes their kinds, （上接第一版】.
  auto opening = [](char32_t c) { return c == U'（' || c == '(' || c == U'【' || c == '[' || c == U'〔'; };
  auto closing = [](char32_t c) { return c == U'）' || c == ')' || c == U'】' || c == ']' || c == U'〕'; };
  if (!v.empty() && opening(v.front())) {
    if (v.size() < 2 || !closing(v.back())) return std::nullopt;
    v = v.substr(1, v.size() - 2);
  }
  while (!v.empty() && (v.back() == '.' || v.back() == U'。')) v.remove_suffix(1);
  // Chinese: 下转第二版, 转第3版, 上接第一版, 接A2版.
  for (std::u32string_view prefix : {U"下转第", U"下转", U"转第", U"转至第", U"转", U"上接第", U"上接", U"接第", U"接"}) {
    std::u32string_view w = v;
    if (!ConsumePrefix(w, prefix) || w.size() < 2 || w.back() != U'版') continue;
    w.remove_suffix(1);
    if (w.size() > 4) return std::nullopt;
    size_t from = IsAsciiLetter(w.front()) ? 1 : 0;
    if (from >= w.size()) return std::nullopt;
    for (size_t i = from; i < w.size(); ++i)
      if (!IsPageDigit(w[i])) return std::nullopt;
    std::string out;
    for (char32_t c : w) AppendUtf8(out, c);
    return out;
  }
  // Latin: Continued on Page A13, Continued from Page 1, Fortsetzung auf Seite 3.
  std::u32string lower(v);
  for (char32_t& c : lower)
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
  std::u32string_view l(lower);
  bool lead = false;
  for (std::u32string_view prefix : {U"continuedonpage", U"continuedfrompage", U"continuedonp", U"continuedon",
                                     U"continuedfrom", U"contdonpage", U"cont'donpage", U"cont’donpage",
                                     U"fortsetzungaufseite", U"fortsetzungvonseite"}) {
    if (ConsumePrefix(l, prefix)) {
      lead = true;
      break;
    }
  }
  if (!lead) return std::nullopt;
  if (l == U"nextpage") return "next page";
  if (l == U"backpage") return "back page";
  // The page as printed: an optional section letter, a number (1-3 digits).
  std::u32string_view page = v.substr(v.size() - l.size());
  if (page.empty() || page.size() > 4) return std::nullopt;
  size_t from = IsAsciiLetter(page.front()) && page.size() > 1 ? 1 : 0;
  bool digit = false;
  for (size_t i = from; i < page.size(); ++i) {
    if (!IsLatinPageChar(page[i])) return std::nullopt;
    digit = digit || IsAsciiDigit(page[i]);
  }
  if (!digit) return std::nullopt;
  std::string out;
  for (char32_t c : page) AppendUtf8(out, c);
  return out;
}

namespace {

// Lines of body text measured for the page's body type: at least this many
// words, and at least kMinBodyRows such lines on the page.
constexpr size_t kBodyRowMinWords = 3;
constexpr size_t kMinBodyRows = 8;
// A line's first word this many times as tall as its line's median word is a
// drop cap (or a big initial): the row is tall for one letter, not a heading.
constexpr double kDropCapWordRatio = 1.8;
// A "By NAME" line opening a block is a byline when it is shorter than this
// share of the column's width.
constexpr double kBylineFullShare = 0.95;
// A heading in larger type reads at least this confident (0-100).
constexpr double kHeadingMinConfidence = 60;
// A line under a heading in larger type, its row at least this share of the
// heading line's, goes on with the heading.
constexpr double kHeadingRestShare = 0.85;

// A heading opens with a capital, a digit, a quotation mark or a CJK
// character.
bool OpensAHeading(std::string_view t) {
  size_t at = 0;
  const char32_t c = NextCodePoint(t, at);
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == U'“' || c == U'‘' || c == '"' || c == '\'' ||
         c == U'「' || c == U'《' || IsCjk(c);
}

double MedianOf(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

bool BodyBlock(const Block& b) { return !b.layout_role || *b.layout_role == Role::kBody; }

// Larger type inside a body block is a heading of its own: the headings of
// an index strip's teasers ("Migrants Make Their Mark" over its two lines of
// text, one block to the layout), a deck left in a story's block. The type
// is Tesseract's row height (x-height plus ascenders from its baseline
// model: "India Launches Lunar Mission", without descenders, measures as
// tall as a line with them), against the median of the page's body rows.
// Measured on the NYT front page: body rows 33 px, the teasers' headings
// 45-47 (1.35-1.42), its section labels 30; their boxes 33 and 36-47.
void MarkLargerType(Page& page, double ratio) {
  std::vector<double> rows, boxes;
  for (const Block& b : page.blocks) {
    if (!BodyBlock(b)) continue;
    for (const Line& l : b.lines)
      if (l.row_height && l.box && l.role == Role::kBody && l.words.size() >= kBodyRowMinWords) {
        rows.push_back(*l.row_height);
        boxes.push_back(l.box->h);
      }
  }
  if (rows.size() < kMinBodyRows) return;
  const double body = MedianOf(rows), body_box = MedianOf(boxes);
  for (Block& b : page.blocks) {
    if (!BodyBlock(b)) continue;
    for (Line& l : b.lines) {
      if (l.role != Role::kBody || !l.row_height || *l.row_height < ratio * body || l.words.empty()) continue;
      // The row model can be fooled where a line has few letters to fit it
      // to (a bracketed file number, a signature: rows 1.3x the body's on
      // the Federal Register page, boxes smaller than its body lines'); larger
      // type makes the line's box at least as tall as a body line's.
      if (!l.box || l.box->h < body_box) continue;
      // Prose runs on: a sentence's end, a broken word, or a line that
      // opens in lower case (a sentence going on: a warped line of a
      // book page measured 1.32x its body's) is not a heading. Nor is a
      // misread: one word, a low confidence, an opening that is no letter,
      // digit or quote (what the black-letter pages' stains read as).
      if (EndsSentence(l.text) || l.text.back() == '-' || !OpensAHeading(l.text) || l.words.size() < 2 ||
          (l.confidence && *l.confidence < kHeadingMinConfidence))
        continue;
      std::vector<double> heights;
      for (const Word& w : l.words) heights.push_back(w.box.h);
      if (l.words.front().box.h > kDropCapWordRatio * MedianOf(heights)) continue;
      l.role = Role::kSubheadline;
      l.role_reason = "larger-type";
    }
    // The rest of a heading or a pull quote set in larger type: the lines
    // right under a marked one whose rows are as large, whatever their box
    // ("Years" under "... Returns After Ten") or their end ("fix.”").
    // Its rows may measure a little smaller (a short last line, fewer
    // letters to fit the row to): kHeadingRestShare of the line above, and
    // halfway between the body's and the bar.
    // Likewise the lines right over it: a pull quote whose first line ends
    // a sentence ("“The money is there." over "The hard part is") is one
    // run of larger type, one paragraph.
    auto goes_on = [&](const Line& marked, const Line& l) {
      return marked.role_reason == std::string_view("larger-type") && l.role == Role::kBody && l.row_height &&
             *l.row_height >= kHeadingRestShare * *marked.row_height && *l.row_height >= (1 + ratio) / 2 * body;
    };
    for (size_t i = 1; i < b.lines.size(); ++i) {
      if (!goes_on(b.lines[i - 1], b.lines[i])) continue;
      b.lines[i].role = Role::kSubheadline;
      b.lines[i].role_reason = "larger-type";
    }
    for (size_t i = b.lines.size(); i-- > 1;) {
      if (!goes_on(b.lines[i], b.lines[i - 1])) continue;
      b.lines[i - 1].role = Role::kSubheadline;
      b.lines[i - 1].role_reason = "larger-type";
    }
  }
}

}  // namespace

Status ClassifyLines(Page& page, const ClassifyOptions& o) {
  EnsureShapes(page);
  const size_t nb = page.blocks.size();
  std::vector<double> widths;
  // The rules below for one block (its jump lines set aside).
  auto classify_block = [&](size_t k, Block& block) {
    if (block.lines.empty()) return;
    const ColumnShape& shape = block.shape;
    const size_t n = block.lines.size();
    widths.clear();
    for (const auto& line : block.lines) widths.push_back(LineWidth(line));
    auto is_short = [&](double w) {
      return shape.wrap > 0 ? w <= std::max(shape.wrap * o.short_fraction, shape.wrap - 3) : w <= o.short_unknown;
    };
    // The previous block is body text that stops mid-sentence: whatever this
    // block looks like, it is most likely the rest of that sentence.
    bool prev_open = false;
    if (k > 0) {
      const Block& pb = page.blocks[k - 1];
      const Line& last = pb.lines.back();
      const double lw = LineWidth(last);
      char32_t lc = LastCodePoint(last.text);
      bool prose = pb.lines.size() > 1 || Contains(last.text, "，") || lw >= o.headline_max;
      prev_open = last.role == Role::kBody && prose && !EndsSentence(last.text) && lc != U'：' && lc != ':';
    }

    bool any_list = false;
    for (size_t i = 0; i < n; ++i) {
      Line& line = block.lines[i];
      line.role = Role::kBody;
      line.role_reason = "";
      if (StartsWithListMarker(line.text) &&
          (i == 0 || EndsClause(block.lines[i - 1].text) || is_short(widths[i - 1]) ||
           line.indent > block.lines[i - 1].indent || block.lines[i - 1].role == Role::kListItem)) {
        if (!(i == 0 && prev_open && !Contains(line.text.substr(0, 4), "-"))) {
          line.role = Role::kListItem;
          line.role_reason = "list-marker";
          any_list = true;
        }
      }
    }
    if (any_list) return;

    // A byline opening a column of text ("By NAME NAME" over the dateline
    // and the first paragraph, in one block): its own line. "By" and
    // capitalised names only (LooksLikeLatinByline), so a sentence opening
    // "By the end of ..." stays body.
    // Short of a full line only (kBylineFullShare), not "short" as a
    // headline is: a centred or indented byline measures from the column's
    // edge ("By KAROUN DEMIRJIAN" on the NYT's front page: 0.87 of its
    // column), and the words LooksLikeLatinByline allows do not fill a
    // justified line by chance.
    const bool not_full = shape.wrap > 0 ? widths[0] < kBylineFullShare * shape.wrap : is_short(widths[0]);
    if (n > 2 && not_full && LooksLikeLatinByline(block.lines[0].text)) {
      block.lines[0].role = Role::kByline;
      block.lines[0].role_reason = "byline";
      return;
    }

    if (n <= 2) {
      bool any = false;
      for (size_t i = 0; i < n; ++i) {
        Line& line = block.lines[i];
        char32_t first = FirstCodePoint(line.text);
        bool strong = first == U'□' || first == U'■' || StartsWith(line.text, "文/") || StartsWith(line.text, "文／") ||
                      LooksLikeLatinByline(line.text);
        if (is_short(widths[i]) && LooksLikeByline(line.text) && !(i == 0 && prev_open && !strong)) {
          line.role = Role::kByline;
          line.role_reason = "byline";
          any = true;
        } else if (is_short(widths[i]) && LooksLikeCredit(line.text) && !(i == 0 && prev_open)) {
          line.role = Role::kCaption;
          line.role_reason = "credit";
          any = true;
        }
      }
      if (any) return;
    }
    if (prev_open) return;  // continuation of the previous block's sentence

    bool all_short = true, punct = false, han_space = false;
    for (size_t i = 0; i < n; ++i) all_short = all_short && is_short(widths[i]);
    // Only small blocks can be headlines or captions; long ones need no scan.
    if (static_cast<int>(n) > std::max(o.headline_max_lines, o.caption_max_lines + 1)) return;
    for (size_t i = 0; i < n; ++i) {
      punct = punct || HasSentencePunct(block.lines[i].text);
      han_space = han_space || HasHanSpace(block.lines[i].text);
    }
    const std::string& last = block.lines.back().text;
    char32_t lc = LastCodePoint(last);
    bool dangling = lc == U'、' || lc == U'：' || lc == ':' || lc == U'，';
    bool single_bare = n == 1 && widths[0] <= o.headline_max && !punct && !dangling &&
                       !Contains(last, "、") && !Contains(last, "：");
    bool short_bare = static_cast<int>(n) <= o.headline_max_lines && all_short && !punct && !dangling;
    bool phrases = n <= 2 && han_space && !Contains(last, "。") && !Contains(last, "，") && !dangling &&
                   widths.back() <= o.headline_max;
    if (single_bare || short_bare || phrases) {
      for (auto& line : block.lines) {
        bool deck = StartsWith(line.text, "—");
        line.role = deck ? Role::kSubheadline : Role::kHeadline;
        line.role_reason = deck ? "subheadline" : (phrases ? "headline-phrases" : "headline-short");
      }
      return;
    }
    // A caption may carry its credit on a line of its own.
    const bool credit = LooksLikeCredit(last);
    if (static_cast<int>(n) <= o.caption_max_lines + (credit ? 1 : 0) && all_short && (EndsSentence(last) || credit) &&
        shape.wrap > 0) {
      for (auto& line : block.lines) {
        line.role = Role::kCaption;
        line.role_reason = "caption-short";
      }
    }
  };
  for (size_t k = 0; k < nb; ++k) {
    // A jump line ("Continued on Page A13", （下转第二版）) is one whatever
    // the block around it looks like: it is set aside while the block's
    // other lines are classified, and put back in its place.
    Block& block = page.blocks[k];
    std::vector<std::pair<size_t, Line>> jumps;
    std::vector<Line> rest;
    for (size_t i = 0; i < block.lines.size(); ++i) {
      Line& line = block.lines[i];
      if (JumpTarget(line.text)) {
        line.role = Role::kJump;
        line.role_reason = "jump";
        jumps.emplace_back(i, std::move(line));
      } else {
        rest.push_back(std::move(line));
      }
    }
    block.lines = std::move(rest);
    classify_block(k, block);
    for (auto& [at, line] : jumps) block.lines.insert(block.lines.begin() + static_cast<long>(at), std::move(line));
  }

  if (o.heading_row_ratio > 0) MarkLargerType(page, o.heading_row_ratio);

  if (o.fix_section_numbers) {
    // Section headings "1 …", "2 …": a decorative number OCR'd twice ("11",
    // "22") is repaired when another heading shows the sequence.
    struct Numbered {
      Line* line;
      std::string digits;
    };
    std::vector<Numbered> numbered;
    for (auto& block : page.blocks) {
      for (auto& line : block.lines) {
        if (line.role != Role::kHeadline) continue;
        size_t j = 0;
        while (j < line.text.size() && IsAsciiDigit(static_cast<unsigned char>(line.text[j]))) ++j;
        if (j == 0 || j > 2 || j == line.text.size()) continue;
        size_t q = j;
        char32_t after = NextCodePoint(line.text, q);
        if (!IsCjk(after) && after != ' ') continue;
        numbered.push_back({&line, line.text.substr(0, j)});
      }
    }
    std::map<int, int> count;
    for (auto& nb_line : numbered) ++count[std::stoi(nb_line.digits)];
    for (auto& h : numbered) {
      if (h.digits.size() != 2 || h.digits[0] != h.digits[1] || h.digits[0] == '0') continue;
      int d = h.digits[0] - '0';
      bool sequence = count.count(d + 1) || count.count(d - 1) || count.count(11 * (d + 1)) ||
                      (d > 1 && count.count(11 * (d - 1)));
      if (!sequence || count.count(11 * d) == 0 || count.count(d)) continue;
      page.dropped.push_back(Dropped{h.digits.substr(1), "doubled section number", h.line->source_line,
                                     h.line->source_line});
      h.line->text.erase(0, 1);
      h.line->role_reason = "section-number-doubling";
    }
  }
  return Status::Ok();
}

}  // namespace ocrflow::text
