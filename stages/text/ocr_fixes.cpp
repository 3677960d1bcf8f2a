#include "stages/text/ocr_fixes.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <cstdlib>

#include <string_view>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// The bracket pair starting at `open` (a 3-byte mark) up to the first of
// `closes` within `reach` bytes is rewritten as （…）.
void FixPair(std::string& s, std::string_view open, std::initializer_list<std::string_view> closes, size_t reach,
             std::string_view must_contain = {}) {
  for (size_t at = s.find(open); at != std::string::npos; at = s.find(open, at + 3)) {
    size_t best = std::string::npos;
    std::string_view found;
    for (auto c : closes) {
      size_t e = s.find(c, at + open.size());
      if (e != std::string::npos && e - at <= reach && e < best) best = e, found = c;
    }
    if (best == std::string::npos) continue;
    // 〈附表〉… ）: the mark's own close comes first, nothing is misread.
    const std::string_view own = open == "〈" ? "〉" : open == "（" ? "）" : "";
    if (!own.empty() && std::find(closes.begin(), closes.end(), own) == closes.end() &&
        s.find(own, at + open.size()) < best)
      continue;
    if (!must_contain.empty() && s.substr(at, best - at).find(must_contain) == std::string::npos) continue;
    s.replace(best, found.size(), "）");
    s.replace(at, open.size(), "（");
  }
}

// A credit (本报记者 顾南星 通讯员 马春燕, （记者 孙晓岚）, …现场。本报记者
// 陈思齐摄) prints a space between each role and name; Tesseract's chi_sim
// model drops it (the gap cannot be measured from its symbol boxes). It is
// put back where a run of roles and 2-3 character names starts the line
// (after □ or 本报讯（) or follows an opening bracket, and ends the line or
// its bracket; or follows a caption's 。 and ends in 摄. A sentence like
// 记者从有关部门获悉 does not fit that shape.
#define OCRFLOW_ROLE "(?:本报记者|本报通讯员|特约记者|记者|通讯员|实习生)"
std::string SpaceCredits(const std::string& line) {
  if (line.find("记者") == std::string::npos && line.find("通讯员") == std::string::npos &&
      line.find("实习生") == std::string::npos) {
    return line;
  }
  struct Patterns {
    std::unique_ptr<icu::RegexPattern> run, pair;
  };
  static const Patterns patterns = [] {
    Patterns p;
    UErrorCode err = U_ZERO_ERROR;
    p.run.reset(icu::RegexPattern::compile(
        icu::UnicodeString::fromUTF8("(^□?|本报讯[（(]|[（(]|。)\\s*((?:" OCRFLOW_ROLE "\\s*\\p{Han}{2,3}?\\s*)+?)(摄)?\\s*(?=$|[）)])"),
        0, err));
    p.pair.reset(icu::RegexPattern::compile(
        icu::UnicodeString::fromUTF8("(" OCRFLOW_ROLE ")\\s*(\\p{Han}{2,3}?)(?=\\s*(?:" OCRFLOW_ROLE "|$))"), 0, err));
    if (U_FAILURE(err)) p.run.reset(), p.pair.reset();
    return p;
  }();
  if (!patterns.run || !patterns.pair) return line;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(line.data(), static_cast<int32_t>(line.size())));
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> run(patterns.run->matcher(u, err));
  if (U_FAILURE(err) || !run->find(err) || U_FAILURE(err)) return line;
  // After a sentence only a photo credit (…摄): "。记者了解到" may be a
  // wrapped line's end.
  if (run->group(1, err) == icu::UnicodeString(u'。') && run->start(3, err) < 0) return line;
  const icu::UnicodeString credit = run->group(2, err);
  std::unique_ptr<icu::RegexMatcher> pair(patterns.pair->matcher(credit, err));
  if (U_FAILURE(err)) return line;
  icu::UnicodeString spaced;
  while (pair->find(err) && U_SUCCESS(err)) {
    if (!spaced.isEmpty()) spaced += u' ';
    spaced += pair->group(1, err);
    spaced += u' ';
    spaced += pair->group(2, err);
  }
  if (U_FAILURE(err) || spaced.isEmpty()) return line;
  icu::UnicodeString out(u, 0, run->start(2, err));
  out += spaced;
  out += icu::UnicodeString(u, run->end(2, err));
  if (U_FAILURE(err)) return line;
  std::string result;
  out.toUTF8String(result);
  return result;
}
#undef OCRFLOW_ROLE

// Show-through specks and the white of a justified line come out of
// Tesseract's eng model as "_": a token of its own (approved the _ flood
// barrier) or stuck to a word's end (a_ second hearing). Printed prose has
// none (none in our gold; 63 in the English output of the 40 generated
// pages). Underscore-only tokens go, and a word's leading and trailing ones;
// one inside a token (snake_case) or in an address (x_y@mail, /a_b) stays.
std::string DropStrayUnderscores(const std::string& line) {
  if (line.find('_') == std::string::npos) return line;
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      out += line[i++];
      continue;
    }
    size_t e = line.find(' ', i);
    if (e == std::string::npos) e = line.size();
    std::string tok = line.substr(i, e - i);
    i = e;
    if (tok.find_first_of("@/") == std::string::npos) {
      const size_t a = tok.find_first_not_of('_');
      tok = a == std::string::npos ? "" : tok.substr(a, tok.find_last_not_of('_') - a + 1);
    }
    if (tok.empty()) {
      // The token's space goes with it.
      if (!out.empty() && out.back() == ' ') out.pop_back();
      else if (i < line.size() && line[i] == ' ') ++i;
      continue;
    }
    out += tok;
  }
  return out;
}

}  // namespace

std::string FixOcrGlyphsInLine(const std::string& line) {
  std::string s = line;
  // A sub-headline's leading dash read as two 一.
  if (StartsWith(s, "一一") && IsHan(FirstCodePoint(std::string_view(s).substr(6)))) s.replace(0, 6, "——");
  if (StartsWith(s, "一—") || StartsWith(s, "—一")) s.replace(0, 6, "——");
  // A byline's box read as 口.
  for (std::string_view who : {"本报记者", "本报讯", "记者", "新华社", "通讯员"}) {
    if (StartsWith(s, "口") && StartsWith(std::string_view(s).substr(3), who)) {
      s.replace(0, 3, "□");
      break;
    }
  }
  // 〈…） and （…〉: one side of a parenthesis misread.
  FixPair(s, "〈", {"）", ")"}, 90);
  ReplaceAll(s, "（记者", "（记者");
  // 《记者 …》 in a byline: parentheses, not book-title marks.
  FixPair(s, "《", {"》", "）", ")"}, 60, "记者");  // the close still half-width before normalize
  FixPair(s, "（", {"〉", "》"}, 60);
  return SpaceCredits(DropStrayUnderscores(s));
}

void FixOcrGlyphsInBlock(std::vector<std::string>& lines) {
  for (std::string& l : lines) l = FixOcrGlyphsInLine(l);
  // A parenthesis opened at a line's end closes on the next line: the pair
  // is looked for across the block's lines too (on our scans 31 of 122
  // （ came out as 〈, most of them opened at a line's end; 《〈 is one （
  // read twice).
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find('\n') != std::string::npos) return;  // not one line: cannot be split back
    joined += (i ? "\n" : "") + lines[i];
  }
  const std::string before = joined;
  ReplaceAll(joined, "《〈", "〈");
  FixPair(joined, "〈", {"）", ")"}, 90);
  FixPair(joined, "（", {"〉", "》"}, 60);
  if (joined == before) return;
  size_t start = 0;
  for (std::string& l : lines) {
    const size_t end = joined.find('\n', start);
    l = joined.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? joined.size() : end + 1;
  }
}

namespace {

// A speck in the left margin read as a mark before a line ("- dienen." on a
// scanned book page, its hyphen a fleck of dirt a third of an em out from
// the column's edge): the mark lies wholly left of the edge where the lines
// above or below start, the line's next word starts at that edge, and the
// mark is small. Bullets (• · * ▪ ●) are left alone: a hanging list sets
// them out in the margin on purpose; the marks below are the shapes dirt
// takes. Measured against the nearest line above or below on the page
// within kSpeckReachEm, in whatever block it is (Tesseract's segmentation
// puts a line with a speck in a block of its own).
constexpr double kSpeckReachEm = 2.0;   // how far above/below a reference line may be
constexpr double kSpeckOutEm = 0.25;    // the mark ends this far left of the edge, at least
constexpr double kSpeckEdgeEm = 0.4;    // the next word starts this close to the edge
constexpr double kSpeckSizeEm = 0.5;    // the mark's box is at most this tall and wide
constexpr double kSpeckListEm = 8.0;    // a mark at the same place on a line this near: a list

bool SpeckMark(std::string_view w) {
  return w == "-" || w == "." || w == "," || w == "'" || w == "`" || w == "~" || w == "_" || w == ":" || w == ";" ||
         w == "\u2018" || w == "\u2019";
}

struct EdgeLine {
  const Line* line;
  Box box;
};

int DropMarginSpecks(Page& page) {
  std::vector<EdgeLine> all;
  for (const auto& block : page.blocks)
    for (const auto& line : block.lines)
      if (line.box && line.box->h > 0) all.push_back({&line, *line.box});
  int n = 0;
  for (auto& block : page.blocks) {
    if (!block.box) continue;
    for (auto& line : block.lines) {
      if (!line.box || line.words.size() < 2 || !SpeckMark(line.words[0].text)) continue;
      const Word& mark = line.words[0];
      const Word& next = line.words[1];
      const double em = line.row_height.value_or(static_cast<float>(line.box->h));
      if (em <= 0 || mark.box.h > kSpeckSizeEm * em || mark.box.w > kSpeckSizeEm * em) continue;
      if (line.text.rfind(mark.text + " ", 0) != 0) continue;
      // The nearest line above and below that covers the line's text.
      const Box& lb = *line.box;
      const EdgeLine* refs[2] = {nullptr, nullptr};
      int dist[2] = {0, 0};
      for (const EdgeLine& e : all) {
        if (e.line == &line) continue;
        const int overlap = std::min(e.box.x + e.box.w, lb.x + lb.w) - std::max(e.box.x, next.box.x);
        if (overlap <= 0) continue;
        const int above = lb.y - (e.box.y + e.box.h), below = e.box.y - (lb.y + lb.h);
        const int side = above >= below ? 0 : 1;
        const int d = std::max(above, below);
        if (d < -0.5 * em || d > kSpeckReachEm * em) continue;
        if (refs[side] == nullptr || d < dist[side]) refs[side] = &e, dist[side] = d;
      }
      bool speck = false;
      for (const EdgeLine* r : refs) {
        if (r == nullptr) continue;
        const int edge = r->box.x;
        if (mark.box.x + mark.box.w <= edge - kSpeckOutEm * em && std::abs(next.box.x - edge) <= kSpeckEdgeEm * em)
          speck = true;
      }
      // Another line near it that opens with a mark at the same place: a
      // list whose marks hang in the margin, not dirt.
      for (const EdgeLine& e : all) {
        if (!speck) break;
        if (e.line == &line || e.line->words.size() < 2) continue;
        const Word& m = e.line->words[0];
        if (SpeckMark(m.text) && std::abs(m.box.x - mark.box.x) <= kSpeckEdgeEm * em &&
            std::abs(e.box.y - lb.y) <= kSpeckListEm * em)
          speck = false;
      }
      if (!speck) continue;
      line.text.erase(0, mark.text.size() + 1);
      const int x1 = lb.x + lb.w;
      line.box->x = next.box.x;
      line.box->w = x1 - next.box.x;
      line.words.erase(line.words.begin());
      ++n;
    }
  }
  return n;
}

}  // namespace

int FixOcrGlyphs(Page& page) {
  int n = DropMarginSpecks(page);
  for (auto& block : page.blocks) {
    if (!block.box) continue;  // plain text: not OCR'd here, leave it alone
    std::vector<std::string> texts;
    for (const auto& line : block.lines) texts.push_back(line.text);
    FixOcrGlyphsInBlock(texts);
    for (size_t i = 0; i < texts.size(); ++i) {
      if (texts[i] != block.lines[i].text) {
        if (texts[i].empty()) {
          // Nothing but underscores: a rule or specks read as text.
          const Line& l = block.lines[i];
          page.dropped.push_back(Dropped{l.text, "not text: underscores only", l.source_line, l.source_line});
        }
        block.lines[i].text = std::move(texts[i]);
        ++n;
      }
    }
    std::erase_if(block.lines, [](const Line& l) { return l.text.empty(); });
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.box && b.lines.empty(); });
  return n;
}

namespace {

// Median line height of a block's lines with boxes, 0 if none.
int LineHeight(const Block& b) {
  std::vector<int> h;
  for (const auto& l : b.lines)
    if (l.box && l.box->h > 0) h.push_back(l.box->h);
  if (h.empty()) return 0;
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

// `next` continues headline `head`: lines as tall (within 20 %), starting
// within 0.6 line heights below it, and horizontally inside its extent
// (at least half of the narrower one overlapping).
bool ContinuesHeadline(const Block& head, const Block& next) {
  if (!head.box || !next.box || head.lines.empty() || next.lines.empty()) return false;
  if (next.layout_role != Role::kHeadline && next.layout_role != Role::kSubheadline) return false;
  const int h1 = LineHeight(head), h2 = LineHeight(next);
  if (h1 <= 0 || h2 <= 0 || std::abs(h1 - h2) > 0.2 * std::max(h1, h2)) return false;
  const Box& a = *head.box;
  const Box& b = *next.box;
  const int gap = b.y - (a.y + a.h);
  if (gap > 0.6 * h1 || b.y < a.y + a.h / 2) return false;
  const int overlap = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  return overlap >= 0.5 * std::min(a.w, b.w);
}

// A one-line headline that layout cut at a column gutter it spans (left
// half, right half: same row, as tall, side by side). Its right half may
// come later in reading order.
bool RightHalfOfHeadline(const Block& left, const Block& right) {
  if (left.lines.size() != 1 || right.lines.size() != 1 || right.layout_role != Role::kHeadline) return false;
  const auto& a = left.lines[0].box;
  const auto& b = right.lines[0].box;
  if (!a || !b || a->h <= 0 || b->h <= 0) return false;
  if (std::abs(a->h - b->h) > 0.2 * std::max(a->h, b->h)) return false;
  const int v_overlap = std::min(a->y + a->h, b->y + b->h) - std::max(a->y, b->y);
  const int gap = b->x - (a->x + a->w);
  return v_overlap >= 0.6 * std::min(a->h, b->h) && gap <= a->h && b->x > a->x + a->w / 2;
}

void MergeSplitHeadlines(Page& page) {
  for (size_t k = 0; k < page.blocks.size(); ++k) {
    if (page.blocks[k].layout_role != Role::kHeadline) continue;
    for (size_t j = k + 1; j < page.blocks.size(); ++j) {
      if (!RightHalfOfHeadline(page.blocks[k], page.blocks[j])) continue;
      Line& a = page.blocks[k].lines[0];
      const Line& b = page.blocks[j].lines[0];
      // Cut inside a word (the halves touch): no space.
      const int gap = b.box->x - (a.box->x + a.box->w);
      if (gap > a.box->h / 4) a.text += ' ';
      a.text += b.text;
      const int x1 = std::max(a.box->x + a.box->w, b.box->x + b.box->w);
      const int y0 = std::min(a.box->y, b.box->y), y1 = std::max(a.box->y + a.box->h, b.box->y + b.box->h);
      a.box = Box{a.box->x, y0, x1 - a.box->x, y1 - y0};
      if (page.blocks[k].box && page.blocks[j].box) {
        const Box& p = *page.blocks[k].box;
        const Box& q = *page.blocks[j].box;
        const int bx1 = std::max(p.x + p.w, q.x + q.w), by0 = std::min(p.y, q.y), by1 = std::max(p.y + p.h, q.y + q.h);
        page.blocks[k].box = Box{p.x, by0, bx1 - p.x, by1 - by0};
      }
      page.blocks.erase(page.blocks.begin() + static_cast<std::ptrdiff_t>(j));
      break;
    }
  }
  for (size_t k = 0; k + 1 < page.blocks.size(); ++k) {
    Block& head = page.blocks[k];
    if (head.layout_role != Role::kHeadline) continue;
    while (k + 1 < page.blocks.size() && ContinuesHeadline(head, page.blocks[k + 1])) {
      Block& next = page.blocks[k + 1];
      for (auto& l : next.lines) head.lines.push_back(std::move(l));
      const Box& a = *head.box;
      const Box& b = *next.box;
      const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
      const int x1 = std::max(a.x + a.w, b.x + b.w), y1 = std::max(a.y + a.h, b.y + b.h);
      head.box = Box{x0, y0, x1 - x0, y1 - y0};
      page.blocks.erase(page.blocks.begin() + static_cast<std::ptrdiff_t>(k) + 1);
    }
  }
}

}  // namespace

void ApplyLayoutRoles(Page& page) {
  MergeSplitHeadlines(page);
  for (auto& block : page.blocks) {
    if (!block.layout_role || *block.layout_role == Role::kBody) continue;
    const Role role = *block.layout_role;
    if (IsDroppedRole(role)) {
      const std::string why = std::string(RoleName(role)) + ": " +
                              (block.layout_reason.empty() ? "layout (position on the page)" : block.layout_reason);
      for (const auto& line : block.lines)
        page.dropped.push_back(Dropped{line.text, why, line.source_line, line.source_line});
      block.lines.clear();
      continue;
    }
    for (auto& line : block.lines) {
      // A byline set under a headline often lands in the headline's block
      // (same size class, no gap): classify's byline keeps it apart.
      if (line.role == Role::kByline && (role == Role::kHeadline || role == Role::kSubheadline)) continue;
      line.role = role;
      line.role_reason = "layout";
    }
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
}

namespace {

constexpr char32_t kOpenQuote = U'“', kCloseQuote = U'”';
constexpr size_t kSpeakerMax = 8;  // 王桂兰笑着说: the longest speaker clause looked for

bool EndsSentenceMark(char32_t c) { return IsCjkFullStop(c) || c == U'…'; }

// u[at..] is a speaker clause: 2-8 Chinese characters ending in 说, then
// ， or 。 (刘晓梅笑着说，).
bool SpeakerClauseAt(const std::u32string& u, size_t at) {
  size_t k = at;
  while (k < u.size() && k - at < kSpeakerMax && IsHan(u[k]) && u[k] != U'说') ++k;
  return k < u.size() && u[k] == U'说' && k - at >= 2 && k + 1 < u.size() && (u[k + 1] == U'，' || u[k + 1] == U'。');
}

// Where the lost ” of the quotation opened at u[open] goes, or npos:
// - before a speaker clause: “路好走了，生意也好做了，(”)刘晓梅笑着说，…;
// - else at the end of the paragraph when the quotation holds one
//   sentence, the last, and the next paragraph does not open with “ (a
//   quotation running on keeps no close): 说：“工人们干劲很足。(”)
// Anything else (several sentences: where the quotation stopped cannot be
// told) is left open.
size_t LostCloseAt(const std::u32string& u, size_t open, bool next_opens) {
  for (size_t j = open + 1; j < u.size(); ++j)
    if (u[j] == U'，' && SpeakerClauseAt(u, j + 1)) return j + 1;
  if (next_opens || !EndsSentenceMark(u.back())) return std::u32string::npos;
  for (size_t j = open + 1; j + 1 < u.size(); ++j)
    if (EndsSentenceMark(u[j]) && !EndsSentenceMark(u[j + 1])) return std::u32string::npos;
  return u.size();
}

}  // namespace

int CloseOpenQuotes(std::vector<Paragraph>& paragraphs) {
  int n = 0;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (paragraphs[i].text.find("“") == std::string::npos) continue;  // every repair needs an open quote
    std::u32string u;
    for (size_t at = 0; at < paragraphs[i].text.size();) u.push_back(NextCodePoint(paragraphs[i].text, at));
    bool changed = false;
    // “” with a quotation open before it: the close read as two marks.
    size_t open = std::u32string::npos;
    for (size_t j = 0; j < u.size(); ++j) {
      if (u[j] == kOpenQuote && open != std::u32string::npos && j + 1 < u.size() && u[j + 1] == kCloseQuote) {
        u.erase(j, 1);
        changed = true;
      }
      // 好做了，“刘晓梅笑着说: the close read as an open.
      if (u[j] == kOpenQuote && open != std::u32string::npos && j > 0 && u[j - 1] == U'，' && SpeakerClauseAt(u, j + 1)) {
        u[j] = kCloseQuote;
        changed = true;
      }
      if (u[j] == kOpenQuote) open = j;
      if (u[j] == kCloseQuote) open = std::u32string::npos;
    }
    // Still open at the end: the close was lost (Tesseract drops a ” at a
    // line's end or start). A quotation that runs on into the next
    // paragraph opens that one with “ and has no close here.
    const bool next_opens =
        i + 1 < paragraphs.size() && FirstCodePoint(paragraphs[i + 1].text) == kOpenQuote;
    if (open != std::u32string::npos) {
      if (const size_t at = LostCloseAt(u, open, next_opens); at != std::u32string::npos) {
        u.insert(u.begin() + static_cast<std::ptrdiff_t>(at), kCloseQuote);
        changed = true;
      }
    }
    if (!changed) continue;
    std::string out;
    for (char32_t c : u) AppendUtf8(out, c);
    paragraphs[i].text = std::move(out);
    ++n;
  }
  return n;
}

namespace {

// A lines -> lines stage without options (an empty options table makes
// GCC 12 warn falsely inside MakeStageInfo's option parser).
template <typename Fn>
StageInfo OptionlessStage(std::string name, std::string help, Fn fn) {
  struct Impl : Stage {
    explicit Impl(Fn f) : fn(std::move(f)) {}
    Status Run(Page& page, const RunContext&) const override {
      fn(page);
      return Status::Ok();
    }
    Fn fn;
  };
  StageInfo info;
  info.name = name;
  info.help = std::move(help);
  info.input = DataKind::kLines;
  info.output = DataKind::kLines;
  info.make = [name, fn](const StageSettings& settings) -> Result<std::unique_ptr<Stage>> {
    if (!settings.empty()) {
      return Status(Code::kInvalidArgument, "stage " + name + ": has no options (got '" + settings.begin()->first + "')");
    }
    return std::unique_ptr<Stage>(new Impl(fn));
  };
  return info;
}

}  // namespace

StageInfo GlyphsStageInfo() {
  return OptionlessStage("glyphs", "repairs OCR glyph confusions: 一一 -> —— before a sub-headline, 口 -> □ in bylines, 〈…） -> （…）; "
                         "drops a speck in the left margin read as a mark before a line (- word)",
                         [](Page& page) { FixOcrGlyphs(page); });
}

StageInfo QuotesStageInfo() {
  StageInfo info = OptionlessStage("quotes",
                                   "puts back a ” the OCR lost or misread: before a speaker clause (，”王某笑着说), at the end "
                                   "of a one-sentence quotation, and “” inside an open quotation becomes ”",
                                   [](Page& page) { CloseOpenQuotes(page.paragraphs); });
  info.input = DataKind::kParagraphs;
  info.output = DataKind::kParagraphs;
  return info;
}

StageInfo LayoutRolesStageInfo() {
  return OptionlessStage("layout_roles",
                         "after classify: layout roles win (running header/footer dropped; headlines, captions kept apart)",
                         [](Page& page) { ApplyLayoutRoles(page); });
}

}  // namespace ocrflow::text
