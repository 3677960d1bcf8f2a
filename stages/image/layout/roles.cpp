#include "stages/image/layout/roles.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "stages/image/layout/geometry.h"

namespace ocrflow::image::layout {
namespace {

// Running header and footer.
constexpr double kHeaderRuleWidthShare = 0.5;  // share of the text's width a rule spans to cut off a header
constexpr double kHeaderCutSlackEm = 0.2;      // em: a block reaching this far past the cut is still beyond it
constexpr double kHeaderEdgeEm = 1.0;          // em: a lone header line starts this near the text's edge
constexpr size_t kHeaderMaxLines = 2;          // lines of a lone header (paper name over date)
constexpr double kHeaderGapEm = 1.0;           // em: white between a lone header and the text beyond
// em: a folio strip (volume, date, price between the masthead's rules) is
// at most this tall between its two rules.
constexpr double kFolioStripEm = 3.0;

constexpr size_t kSubheadlineMaxLines = 2;
constexpr size_t kBylineMaxLines = 2;
// em: a paragraph's first-line indent (two glyphs): a short first line so
// set in under a headline is the body's, not a byline.
constexpr double kIndentMin = 1.3, kIndentMax = 2.7;
// Without columns, the byline width is measured against a third of the page.
constexpr double kColumnsGuess = 3.0;

// Captions.
constexpr double kCaptionOverlapEm = 0.5;      // em: a caption may reach this far up into its photo's box
constexpr double kCaptionOverlapShare = 0.5;   // share of the narrower of block and photo that they overlap
constexpr double kCaptionSplitGapEm = 0.25;    // em: white beyond the usual that ends a caption run into the body
// Under a caption starting where it does, a block of this many lines or
// more whose left and right edges are a body block's above the photo
// (within kCaptionColumnEdgeEm) is that column's text going on: a caption's
// own second line set apart is one line, often centred; a caption under a
// narrow figure is narrower than the column; and a caption under a photo
// credit set right (a news photo one column wide) stays the caption.
constexpr size_t kCaptionBodyMinLines = 2;
constexpr double kCaptionColumnEdgeEm = 1.0;

// Pull quotes.
constexpr size_t kPullQuoteMaxLines = 5;  // a short quote set narrow runs to four or five lines
constexpr double kPullQuoteRuleGapEm = 1.5;   // em: farthest a frame rule lies from the quote
constexpr double kPullQuoteRuleCover = 0.8;   // share of the quote's width its rules span at least
constexpr double kPullQuoteRuleExtraEm = 4;   // em: a rule wider than the quote by more is not its frame,
constexpr double kPullQuoteCentreEm = 1;      // em: unless the quote is centred on it, within this
// A framed quote's type is a little larger than the body's (a size step of
// the body's face is 1.2: an italic measures smaller than its size).
constexpr double kPullQuoteSizeStep = 1.1;
// Or body-size type set centred: kPullQuoteCentredLines lines or more, each
// centred on the upper rule (kPullQuoteCentreEm), the widest and the
// narrowest kPullQuoteWidthsEm apart at least (justified lines, each as
// wide as the column, are centred too).
constexpr size_t kPullQuoteCentredLines = 2;
constexpr double kPullQuoteWidthsEm = 1;
constexpr double kPullQuoteBodyGapEm = 3;     // em: farthest the column's text lies from a frame rule
constexpr double kPullQuoteBodyCover = 0.5;   // share of the quote's width that text overlaps

// Insets.
constexpr double kInsetInsideEm = 0.5;        // em: a block may reach this far past the frame's box
constexpr size_t kInsetMaxLines = 12;         // lines in a box that is an inset, not a framed article or page
constexpr double kInsetMaxPageShare = 0.25;   // share of the page's area a box holding an inset covers at most
// A display ad: a frame holding a few lines of display type, each centred on
// the frame, none a full line of prose (an ad is set as a poster is: a large
// line, smaller lines under it, each centred; the large line may fill the
// frame). A fact box sets its title and items flush left; a framed
// paragraph fills its lines.
constexpr size_t kAdMinLines = 2, kAdMaxLines = 6;
constexpr double kAdCentreEm = 0.5;       // em: a line's centre lies this near the frame's, at most
constexpr double kAdCentreShare = 0.03;   // or this share of the frame's width
constexpr double kAdLineShare = 0.85;     // share of the frame's width a line under display size fills at most
constexpr double kAdDisplaySize = 1.3;    // x the body's glyph size: a line of display type, one at least
constexpr double kAdDisplayHeightEm = 1.6; // em: or a line this tall (light type on a dark band measures no core)

double BlockGlyphSize(const std::vector<TextLine>& lines, const TextBlock& b) {
  std::vector<double> v;
  for (int li : b.lines) v.push_back(lines[li].size);
  return Percentile(v, 0.5);
}

}  // namespace

void MarkRunningHeaderFooter(std::vector<TextBlock>& blocks, const Ink& ink, const LayoutOptions& o) {
  if (blocks.size() < 2) return;
  const double em = ink.em;
  cv::Rect content;
  for (const TextBlock& b : blocks) content = Hull(content, b.r);
  for (const cv::Rect& r : ink.rules.horizontal) content = Hull(content, r);
  const double band = o.header_band * content.height;

  for (int pass = 0; pass < 2; ++pass) {
    const bool top = pass == 0;
    // A wide rule in the band: everything beyond it is the header/footer.
    std::optional<int> cut;
    for (const cv::Rect& r : ink.rules.horizontal) {
      if (r.width < kHeaderRuleWidthShare * content.width) continue;
      bool in_band = top ? r.y <= content.y + band : Bottom(r) >= Bottom(content) - band;
      if (!in_band) continue;
      int y = top ? r.y : Bottom(r);
      bool text_beyond = false;
      for (const TextBlock& b : blocks) text_beyond |= top ? Bottom(b.r) <= y : b.r.y >= y;
      if (!text_beyond) continue;
      if (!cut || (top ? y < *cut : y > *cut)) cut = y;
    }
    // A thin strip of small lines between the cut and the next wide rule
    // under it in the band (a folio line between a masthead's rules) is the
    // header's too; a headline or a paragraph there ends it. Not at the
    // foot, where such a strip is a table's or a chart's source line.
    while (cut && top) {
      std::optional<int> next;
      for (const cv::Rect& r : ink.rules.horizontal)
        if (r.width >= kHeaderRuleWidthShare * content.width && r.y > *cut + 1 &&
            r.y <= std::min<double>(*cut + kFolioStripEm * em, content.y + band) && (!next || r.y < *next))
          next = r.y;
      if (!next) break;
      bool strip = false, small = true;
      for (const TextBlock& b : blocks) {
        if (b.r.y < *cut - kHeaderCutSlackEm * em || Bottom(b.r) > *next + kHeaderCutSlackEm * em) continue;
        strip = true;
        small &= !b.large && b.lines.size() <= kHeaderMaxLines;
      }
      if (!strip || !small) break;
      cut = next;
    }
    std::vector<TextBlock*> marked;
    if (cut) {
      for (TextBlock& b : blocks)
        if (top ? Bottom(b.r) <= *cut + kHeaderCutSlackEm * em : b.r.y >= *cut - kHeaderCutSlackEm * em)
          marked.push_back(&b);
    } else {
      // A lone line of ordinary size in the band, with a gap to the text beyond.
      int edge = top ? content.y : Bottom(content);
      std::vector<TextBlock*> cand;
      for (TextBlock& b : blocks) {
        bool in_band = top ? Bottom(b.r) <= edge + band : b.r.y >= edge - band;
        bool at_edge = top ? b.r.y <= edge + kHeaderEdgeEm * em : Bottom(b.r) >= edge - kHeaderEdgeEm * em;
        if (in_band && at_edge && !b.large && b.lines.size() <= kHeaderMaxLines) cand.push_back(&b);
      }
      if (!cand.empty()) {
        int inner = top ? 0 : INT32_MAX;
        for (TextBlock* c : cand) inner = top ? std::max(inner, Bottom(c->r)) : std::min(inner, c->r.y);
        int nearest = top ? INT32_MAX : 0;
        bool others = false;
        for (TextBlock& b : blocks) {
          if (std::find(cand.begin(), cand.end(), &b) != cand.end()) continue;
          others = true;
          nearest = top ? std::min(nearest, b.r.y) : std::max(nearest, Bottom(b.r));
        }
        int gap = top ? nearest - inner : inner - nearest;
        if (others && gap >= kHeaderGapEm * em) marked = cand;
      }
    }
    // The pieces (paper name, date, page number) stay blocks of their own.
    for (TextBlock* b : marked) {
      b->role = top ? Role::kRunningHeader : Role::kRunningFooter;
      b->large = false;
    }
  }
}

int BlockUnder(const std::vector<TextBlock>& blocks, const TextBlock& h, double em) {
  int left = -1;
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    const TextBlock& b = blocks[bi];
    if (b.large || !IsPageText(b) || b.role != Role::kBody) continue;
    int gap = b.r.y - Bottom(h.r);
    if (gap < -kBelowSlackEm * em || gap > kUnderHeadlineEm * em) continue;
    if (OverlapX(b.r, h.r) <= 0) continue;
    if (left < 0 || b.r.x < blocks[left].r.x) left = static_cast<int>(bi);
  }
  return left;
}

// A line or two of mid-size text right under a headline is its sub-headline.
void FindSubheadlines(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink) {
  for (size_t hi = 0; hi < blocks.size(); ++hi) {
    if (!blocks[hi].large || !IsPageText(blocks[hi])) continue;
    int u = BlockUnder(blocks, blocks[hi], ink.em);
    if (u < 0) continue;
    TextBlock& b = blocks[u];
    if (b.lines.size() <= kSubheadlineMaxLines && BlockGlyphSize(lines, b) >= kSubheadlineRatio * ink.body_size)
      b.role = Role::kSubheadline;
  }
}

// The block right under a headline (or its sub-headline), leftmost, is its
// byline when it is a line or two on its own; a short first line of a
// column block there is a byline that ran into the body.
void FindBylines(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Columns& columns,
                 const Ink& ink, const LayoutOptions& o) {
  double colw = columns.width > 0 ? columns.width : ink.page.width / kColumnsGuess;
  std::vector<TextBlock> split_off;
  for (size_t hi = 0; hi < blocks.size(); ++hi) {
    const TextBlock& h = blocks[hi];
    if (!IsPageText(h)) continue;
    if (!h.large && h.role != Role::kSubheadline) continue;
    int left = BlockUnder(blocks, h, ink.em);
    if (left < 0) continue;
    TextBlock& body = blocks[left];
    const TextLine& first = lines[body.lines.front()];
    if (body.lines.size() <= kBylineMaxLines) {
      body.role = Role::kByline;
      continue;
    }
    if (first.r.width > o.byline_max_width * colw) continue;
    // A first line set in by a paragraph indent (two glyphs) is the body's
    // first paragraph, short because its words wrapped early.
    std::vector<double> lefts;
    for (size_t i = 1; i < body.lines.size(); ++i) lefts.push_back(lines[body.lines[i]].r.x);
    const double indent = (first.r.x - Percentile(lefts, 0.5)) / ink.em;
    if (indent >= kIndentMin && indent <= kIndentMax) continue;
    TextBlock by;
    by.r = first.r;
    by.lines = {body.lines.front()};
    by.role = Role::kByline;
    body.lines.erase(body.lines.begin());
    body.r = cv::Rect();
    for (int li : body.lines) body.r = Hull(body.r, lines[li].r);
    split_off.push_back(by);
  }
  blocks.insert(blocks.end(), split_off.begin(), split_off.end());
}

// A short block just under a photo is its caption; when the caption ran into
// the body text below, the first lines up to a wider gap are split off.
void FindCaptions(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink,
                  const LayoutOptions& o) {
  const double em = ink.em;
  for (const cv::Rect& p : ink.photos) {
    size_t n = blocks.size();
    auto candidate = [&](const TextBlock& b) {
      if (b.large || !IsPageText(b) || b.role != Role::kBody) return false;
      const int gap = b.r.y - Bottom(p);
      if (gap < -kCaptionOverlapEm * em || gap > o.caption_gap_em * em) return false;
      return OverlapX(b.r, p) >= kCaptionOverlapShare * std::min(b.r.width, p.width);
    };
    // The column's text resuming under a short caption: a block under
    // another candidate that starts where it does (a caption set from the
    // column's left edge, not a credit line set right), of two lines or
    // more, whose edges are those of a body block above the photo (the
    // same column's text).
    auto resumes = [&](const TextBlock& b) {
      if (b.lines.size() < kCaptionBodyMinLines) return false;
      bool under_caption = false, column_above = false;
      for (size_t ai = 0; ai < n; ++ai) {
        const TextBlock& a = blocks[ai];
        if (&a == &b) continue;
        under_caption |= candidate(a) && Bottom(a.r) <= b.r.y + kBelowSlackEm * em &&
                         std::abs(a.r.x - b.r.x) <= kCaptionColumnEdgeEm * em;
        column_above |= a.role == Role::kBody && !a.large && Bottom(a.r) <= p.y + kBelowSlackEm * em &&
                        std::abs(a.r.x - b.r.x) <= kCaptionColumnEdgeEm * em &&
                        std::abs(Right(a.r) - Right(b.r)) <= kCaptionColumnEdgeEm * em;
      }
      return under_caption && column_above;
    };
    std::vector<bool> body(n, false);
    for (size_t bi = 0; bi < n; ++bi) body[bi] = candidate(blocks[bi]) && resumes(blocks[bi]);
    for (size_t bi = 0; bi < n; ++bi) {
      TextBlock& b = blocks[bi];
      if (!candidate(b) || body[bi]) continue;
      if (static_cast<int>(b.lines.size()) <= o.caption_max_lines) {
        b.role = Role::kCaption;
        continue;
      }
      // Split at the widest gap among the first lines if it stands out.
      std::vector<int> gaps;
      for (size_t i = 1; i < b.lines.size(); ++i)
        gaps.push_back(lines[b.lines[i]].r.y - Bottom(lines[b.lines[i - 1]].r));
      std::vector<double> g2(gaps.begin(), gaps.end());
      double typical = Percentile(g2, 0.5);
      int split = -1;
      for (int i = 0; i < std::min<int>(o.caption_max_lines, gaps.size()); ++i)
        if (gaps[i] > typical + kCaptionSplitGapEm * em && (split < 0 || gaps[i] > gaps[split])) split = i;
      if (split < 0) continue;
      TextBlock cap;
      cap.role = Role::kCaption;
      cap.lines.assign(b.lines.begin(), b.lines.begin() + split + 1);
      b.lines.erase(b.lines.begin(), b.lines.begin() + split + 1);
      b.r = cv::Rect();
      for (int li : b.lines) b.r = Hull(b.r, lines[li].r);
      for (int li : cap.lines) cap.r = Hull(cap.r, lines[li].r);
      blocks.push_back(cap);
      break;
    }
  }
}

namespace {

// The lines of `inside` are an ad's: centred on `frame`, none full, one of
// display size (constants above).
bool CentredDisplayLines(const std::vector<TextBlock*>& inside, const std::vector<TextLine>& lines, const cv::Rect& frame,
                         const Ink& ink) {
  size_t n = 0;
  bool any_display = false;
  const double centre = frame.x + frame.width / 2.0;
  const double off = std::max(kAdCentreEm * ink.em, kAdCentreShare * frame.width);
  for (const TextBlock* b : inside) {
    for (int li : b->lines) {
      const cv::Rect& r = lines[li].r;
      const bool display = (ink.body_size > 0 && lines[li].size >= kAdDisplaySize * ink.body_size) ||
                           r.height >= kAdDisplayHeightEm * ink.em;
      if (std::abs(r.x + r.width / 2.0 - centre) > off || (!display && r.width > kAdLineShare * frame.width))
        return false;
      any_display |= display;
      ++n;
    }
  }
  return n >= kAdMinLines && n <= kAdMaxLines && any_display;
}

}  // namespace

void FindInsets(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines_of, const Ink& ink) {
  const double em = ink.em;
  const double page_area = static_cast<double>(ink.page.width) * ink.page.height;
  for (const Component& c : ink.comps) {
    if (c.kind != Kind::kPicture) continue;
    const double box_area = static_cast<double>(c.r.width) * c.r.height;
    if (c.area > kHollowInkShare * box_area || box_area > kInsetMaxPageShare * page_area) continue;
    const int slack = static_cast<int>(kInsetInsideEm * em);
    const cv::Rect inner(c.r.x - slack, c.r.y - slack, c.r.width + 2 * slack, c.r.height + 2 * slack);
    std::vector<TextBlock*> inside;
    size_t lines = 0;
    for (TextBlock& b : blocks) {
      if (!IsPageText(b) || (b.r & inner) != b.r) continue;
      inside.push_back(&b);
      lines += b.lines.size();
    }
    if (inside.empty() || lines > kInsetMaxLines) continue;
    const bool ad = CentredDisplayLines(inside, lines_of, c.r, ink);
    for (TextBlock* b : inside) {
      b->role = ad ? Role::kBoilerplate : Role::kInset;
      b->reason = ad ? "ad: centred display type in a frame" : "";
      b->large = false;  // its title opens no article
    }
  }
}

void FindPullQuotes(std::vector<TextBlock>& blocks, const std::vector<TextLine>& lines, const Ink& ink) {
  const double em = ink.em;
  // Two sizes more than a size step (kSizeStep) apart.
  auto sizes_differ = [](double a, double b) { return std::max(a, b) > kSizeStep * std::min(a, b); };
  std::vector<size_t> joined;  // blocks that joined a quote, erased at the end
  for (size_t qi = 0; qi < blocks.size(); ++qi) {
    TextBlock& q = blocks[qi];
    if (q.lines.size() > kPullQuoteMaxLines) continue;
    if (std::find(joined.begin(), joined.end(), qi) != joined.end()) continue;
    // Large text, or text a size step above the body's: a quote set in a
    // size between the body's and a headline's.
    std::vector<double> sizes;
    for (int li : q.lines) sizes.push_back(lines[li].size);
    const bool mid = q.role == Role::kBody && !q.large && !sizes.empty() &&
                     Percentile(sizes, 0.5) >= kPullQuoteSizeStep * ink.body_size;
    const bool body_size = q.role == Role::kBody && !q.large && !mid;
    if (!(q.large && q.role == Role::kHeadline) && !mid && !body_size) continue;
    // The frame: a rule of about the quote's width just above it and one just below.
    auto frame_rule = [&](const cv::Rect& inside, bool above) -> const cv::Rect* {
      const cv::Rect* best = nullptr;
      for (const cv::Rect& r : ink.rules.horizontal) {
        const int gap = above ? inside.y - Bottom(r) : r.y - Bottom(inside);
        if (gap < -kBelowSlackEm * em || gap > kPullQuoteRuleGapEm * em) continue;
        // A quote set in the middle of a column's width under a rule across
        // the column is framed by it too.
        const int off_centre = std::abs((r.x + Right(r)) - (inside.x + Right(inside))) / 2;
        if (OverlapX(r, inside) < kPullQuoteRuleCover * inside.width ||
            (r.width > inside.width + kPullQuoteRuleExtraEm * em && off_centre > kPullQuoteCentreEm * em))
          continue;
        if (best == nullptr || gap < (above ? inside.y - Bottom(*best) : best->y - Bottom(inside))) best = &r;
      }
      return best;
    };
    const cv::Rect* top = frame_rule(q.r, true);
    if (top == nullptr) continue;
    // Body-size text so framed is a quote only when its lines are centred
    // under the rule and of unequal widths: a brief between rules is
    // justified to the column's width, its last line set left.
    if (body_size) {
      if (q.lines.size() < kPullQuoteCentredLines) continue;
      const int centre = top->x + Right(*top);  // twice the rule's centre
      int narrowest = INT32_MAX, widest = 0;
      bool centred = true;
      for (int li : q.lines) {
        const cv::Rect& r = lines[li].r;
        centred &= std::abs(r.x + Right(r) - centre) <= 2 * kPullQuoteCentreEm * em;
        narrowest = std::min(narrowest, r.width), widest = std::max(widest, r.width);
      }
      if (!centred || widest - narrowest < kPullQuoteWidthsEm * em) continue;
    }
    // The quote's last line, centred (a word and the closing quote), may
    // stand apart as a block of one line: it joins when it lies right under
    // the quote (a line's leading) within the upper rule's extent. It is
    // body text, or in the quote's own type: a quote set just under the
    // headline size has lines on either side of headline_ratio (1.41,
    // 1.44 and 1.50 x the body on a tuning page), and its last line became
    // a headline block of its own.
    const double q_size = Percentile(sizes, 0.5);
    std::vector<size_t> tail;
    cv::Rect whole = q.r;
    size_t n = q.lines.size();
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      const TextBlock& b = blocks[bi];
      if (bi == qi || b.lines.size() != 1) continue;
      const double b_size = lines[b.lines[0]].size;
      const bool same_type = (b.role == Role::kBody || b.role == Role::kHeadline) && !sizes_differ(q_size, b_size);
      if (!((b.role == Role::kBody && !b.large) || (!body_size && same_type))) continue;
      const int gap = b.r.y - Bottom(whole);
      if (gap < -kBelowSlackEm * em || gap > kHeadlineLeading * lines[b.lines[0]].r.height) continue;
      if (b.r.x < top->x || Right(b.r) > Right(*top)) continue;
      tail.push_back(bi);
      whole = Hull(whole, b.r);
      n += b.lines.size();
    }
    if (n > kPullQuoteMaxLines) continue;
    const cv::Rect* bottom = frame_rule(whole, false);
    if (bottom == nullptr) continue;
    // Inside a column: its body text runs on right above and right below,
    // over the quote or (a paragraph's short last line) under the rule.
    bool text_above = false, text_below = false;
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      const TextBlock& b = blocks[bi];
      if (bi == qi || std::find(tail.begin(), tail.end(), bi) != tail.end() || b.large || b.role != Role::kBody)
        continue;
      const bool over_quote = OverlapX(b.r, whole) >= kPullQuoteBodyCover * whole.width;
      const int up = top->y - Bottom(b.r), down = b.r.y - Bottom(*bottom);
      text_above |= (over_quote || OverlapX(b.r, *top) >= kPullQuoteBodyCover * b.r.width) &&
                    up >= -kBelowSlackEm * em && up <= kPullQuoteBodyGapEm * em;
      text_below |= (over_quote || OverlapX(b.r, *bottom) >= kPullQuoteBodyCover * b.r.width) &&
                    down >= -kBelowSlackEm * em && down <= kPullQuoteBodyGapEm * em;
    }
    if (!text_above || !text_below) continue;
    q.role = Role::kPullQuote;
    q.large = false;
    for (size_t bi : tail) {
      q.lines.insert(q.lines.end(), blocks[bi].lines.begin(), blocks[bi].lines.end());
      joined.push_back(bi);
    }
    q.r = whole;
  }
  std::sort(joined.rbegin(), joined.rend());
  for (size_t bi : joined) blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(bi));
}

}  // namespace ocrflow::image::layout
