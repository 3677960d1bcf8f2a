// Metrics of eval.h.
//
// Alignment: exact Levenshtein distance (insertion, deletion, substitution
// cost 1 each) with one optimal alignment, by Hirschberg's divide and
// conquer (Hirschberg 1975) in linear memory. The score rows it needs come
// from the bit-parallel algorithm of Myers (1999), 64 cells per machine
// word, computed one 64-row strip at a time as in edlib (Šošić & Šikić
// 2017), and limited to Ukkonen's diagonal band (Ukkonen 1985): the band
// grows until it provably holds an optimal alignment, and below the root the
// exact distance of every subproblem is known, so one pass does. Common
// prefixes and suffixes are taken off first at every level. Time
// O(n·min(D, n)/64), memory O(n + m). On one core of a 2.3 GHz Xeon: two
// 50k-character texts with 1 % errors take ~0.02 s, with 10 % ~0.1 s,
// unrelated texts ~0.4 s, and a few MB.
//
// Why not an LCS diff (Myers' O(ND)) with each hunk of d deletions and i
// insertions costed max(d, i): that is only an upper bound. For "AAAAB"
// against "BCCCC" the LCS keeps the B and costs 4 + 4 = 8, while five
// substitutions cost 5.
//
// Boundary mapping: the alignment is a monotone path of points (i, j), i an
// output offset and j a gold offset. An output boundary at offset k maps to
// the smallest j with (k, j) on the path, i.e. where the path first reaches
// output offset k. The only choice arises where the output lacks gold
// characters (gold-only steps at i = k): the boundary maps to the gold start
// of that run. So gold "ab|Xcd" against output "ab|cd" matches, while gold
// "abX|cd" against output "ab|cd" does not. Among alignments of equal cost
// the one found is fixed by the code (first split on ties, diagonal steps
// first in the base-case traceback), so results are deterministic.
#include "pipeline/eval/eval.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ocrflow::eval {
namespace {

const icu::Normalizer2& Nfkc() {
  static const icu::Normalizer2& nfkc = []() -> const icu::Normalizer2& {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    // Only a broken ICU installation (no data) gets here; Scores has no error
    // channel, and silently skipping NFKC would give wrong metrics.
    if (U_FAILURE(status) || n == nullptr) {
      throw std::runtime_error(std::string("ICU NFKC normaliser unavailable: ") + u_errorName(status));
    }
    return *n;
  }();
  return nfkc;
}

icu::UnicodeString NormalizeNfkc(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString out = Nfkc().normalize(s, status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFKC failed: ") + u_errorName(status));
  return out;
}

// Appends the non-whitespace code points of `s` to `out`; true if any was dropped.
bool AppendWithoutWhitespace(const icu::UnicodeString& s, std::u32string& out) {
  bool dropped = false;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) {
      dropped = true;
    } else {
      out.push_back(static_cast<char32_t>(c));
    }
  }
  return dropped;
}

// `text` is one line in Evaluate; ICU string lengths are int32_t, so a single
// line must stay below 2 GiB.
std::u32string CanonicalCodePoints(std::string_view text) {
  // fromUTF8 substitutes U+FFFD for ill-formed sequences.
  icu::UnicodeString decoded =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::u32string out;
  out.reserve(static_cast<size_t>(decoded.length()));
  if (!AppendWithoutWhitespace(NormalizeNfkc(decoded), out)) return out;
  // Dropping a space can put a combining mark right after a base letter
  // ("e \u0301"), which NFKC composes; normalising again keeps Canonicalize
  // idempotent. (Composition never yields whitespace, so the second strip is
  // a guard, not a loop.)
  icu::UnicodeString joined;
  for (char32_t c : out) joined.append(static_cast<UChar32>(c));
  out.clear();
  AppendWithoutWhitespace(NormalizeNfkc(joined), out);
  return out;
}

std::string ToUtf8(const std::u32string& cps) {
  icu::UnicodeString s;
  for (char32_t c : cps) s.append(static_cast<UChar32>(c));
  std::string out;
  s.toUTF8String(out);
  return out;
}

// One side of the comparison. `text` is the concatenation of the canonical
// paragraphs; the header's "canonical text". It equals Canonicalize(whole
// text) except where a line starts with a combining mark, which stays apart
// from the previous paragraph here.
struct Side {
  std::u32string text;
  std::vector<std::u32string> paragraphs;
  std::vector<size_t> boundaries;  // ascending offsets into `text`
};

// Paragraphs are the lines ('\n'-terminated) whose canonical form is not
// empty, which is the same as the lines that are not all whitespace.
Side Parse(std::string_view text) {
  Side side;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::u32string para = CanonicalCodePoints(text.substr(start, end - start));
    if (!para.empty()) {
      if (!side.paragraphs.empty()) side.boundaries.push_back(side.text.size());
      side.text += para;
      side.paragraphs.push_back(std::move(para));
    }
    start = end + 1;
  }
  return side;
}

enum Op : uint8_t {
  kMatch,       // output and gold advance, same character
  kSubstitute,  // output and gold advance, different characters
  kOutputOnly,  // output advances: a character the gold does not have
  kGoldOnly,    // gold advances: a character the output lacks
};

// Below this many DP cells a subproblem is solved by the plain DP with a
// full matrix (16 KB here); above, Hirschberg splits it. The leaves lie
// along the alignment path, so their total work is small: anything from
// 2^8 to 2^16 measured the same.
constexpr size_t kFullDpCells = size_t{1} << 12;

// Scores above any real distance, yet safe to add together.
constexpr int64_t kUnreachable = std::numeric_limits<int64_t>::max() / 4;

class Aligner {
 public:
  // `a` is the output, `b` the gold, both as dense symbol ids < alphabet_size.
  Aligner(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t alphabet_size)
      : a_(a), b_(b), peq_(alphabet_size, 0) {}

  std::vector<Op> Run() {
    ops_.clear();
    ops_.reserve(a_.size() + b_.size());
    Align(0, a_.size(), 0, b_.size(), kUnreachable);
    return std::move(ops_);
  }

 private:
  // Diagonals (column - row) a DP pass visits. A path of cost <= U from
  // (0, 0) to (P, T) keeps |c - r| <= U and |(T - c) - (P - r)| <= U, so
  // passes limited to this band are exact along every such path (Ukkonen
  // 1985). The reversed pass has the same band.
  struct Band {
    int64_t lo, hi;
    static Band For(int64_t bound, size_t pattern_len, size_t text_len) {
      const int64_t delta = static_cast<int64_t>(text_len) - static_cast<int64_t>(pattern_len);
      return {std::max(-bound, delta - bound), std::min(bound, delta + bound)};
    }
    bool Covers(size_t pattern_len, size_t text_len) const {
      return lo <= -static_cast<int64_t>(pattern_len) && hi >= static_cast<int64_t>(text_len);
    }
  };

  // Runs one strip of up to 64 rows (pattern symbols whose bits are set in
  // peq_) over columns (left, right], reading the top's horizontal deltas
  // from hin_ and leaving those of the bottom row, bit `bottom`, there. One
  // column is Myers' bit-vector recurrence as in edlib's calculateBlock.
  void RunStrip(const uint32_t* t, size_t left, size_t right, uint64_t bottom) {
    // Local pointers: a store through int8_t* may alias anything, which
    // would make the compiler reload the vectors' data pointers every column.
    const uint64_t* const peq = peq_.data();
    int8_t* const hin = hin_.data();
    uint64_t pv = ~uint64_t{0};  // left edge: every vertical delta +1
    uint64_t mv = 0;
    for (size_t c = left + 1; c <= right; ++c) {
      uint64_t eq = peq[t[c - 1]];
      const int h = hin[c];
      const uint64_t hneg = h < 0 ? 1 : 0;
      const uint64_t hpos = h > 0 ? 1 : 0;
      const uint64_t xv = eq | mv;
      eq |= hneg;
      const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      hin[c] = static_cast<int8_t>((ph & bottom ? 1 : 0) - (mh & bottom ? 1 : 0));
      ph = (ph << 1) | hpos;
      mh = (mh << 1) | hneg;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
  }

  // row[c] for c = 0..tlen: the cost of some alignment of p[0, plen) with
  // t[0, c), kUnreachable where the band does not reach. It is the
  // Levenshtein distance wherever an optimal alignment stays in the band.
  //
  // The matrix is computed in strips of 64 rows with Myers' bit-vectors;
  // between strips only the bottom row is kept, as the value at its first
  // column and horizontal deltas after it (hin_), so memory is O(tlen). Each
  // strip covers the band's columns for its rows. What lies outside is
  // replaced by the cost of a real path: +1 per row down the strip's left
  // edge, +1 per column right of where the strip above stopped. Those are
  // upper bounds, so inside the band every value is the cost of a real
  // alignment and exact along band-bound optimal paths; adjacent values still
  // differ by at most 1, which the bit-vector recurrence requires.
  void LastRow(const uint32_t* p, size_t plen, const uint32_t* t, size_t tlen, Band band, std::vector<int64_t>& row) {
    hin_.resize(tlen + 1);  // hin_[c] = D[r][c] - D[r][c-1]
    size_t first = 0;       // first column kept of the bottom row
    int64_t first_value = 0;
    size_t filled = 0;  // hin_ valid up to here; +1 beyond (row 0 is D[0][c] = c)
    for (size_t base = 0; base < plen; base += 64) {
      const size_t rows = std::min<size_t>(64, plen - base);
      const int64_t left_signed = static_cast<int64_t>(base) + band.lo;  // left edge column
      const size_t left = left_signed < 0 ? 0 : static_cast<size_t>(left_signed);
      if (left > tlen) {  // the band has left the matrix: nothing below is reachable
        row.assign(tlen + 1, kUnreachable);
        return;
      }
      const size_t right = static_cast<size_t>(
          std::min<int64_t>(static_cast<int64_t>(tlen), static_cast<int64_t>(base + rows) + band.hi));
      for (size_t c = filled + 1; c <= right; ++c) hin_[c] = 1;
      for (size_t c = first + 1; c <= left; ++c) first_value += hin_[c];
      first = left;

      for (size_t k = 0; k < rows; ++k) peq_[p[base + k]] |= uint64_t{1} << k;
      // Bits above `rows` in a short last strip compute garbage, but carries
      // and shifts only move upwards, so they never reach `bottom`.
      RunStrip(t, left, right, uint64_t{1} << (rows - 1));
      for (size_t k = 0; k < rows; ++k) peq_[p[base + k]] = 0;
      first_value += static_cast<int64_t>(rows);  // down the left edge
      filled = right;
    }
    row.assign(tlen + 1, kUnreachable);
    row[first] = first_value;
    for (size_t c = first + 1; c <= tlen; ++c) row[c] = row[c - 1] + (c <= filled ? hin_[c] : 1);
  }

  // Index in [0, len] minimizing fwd[x] + bwd[len - x] (the first on ties),
  // and that minimum.
  static std::pair<size_t, int64_t> BestSplit(const std::vector<int64_t>& fwd, const std::vector<int64_t>& bwd,
                                              size_t len) {
    size_t best = 0;
    int64_t best_cost = std::numeric_limits<int64_t>::max();
    for (size_t x = 0; x <= len; ++x) {
      const int64_t cost = fwd[x] + bwd[len - x];
      if (cost < best_cost) {
        best_cost = cost;
        best = x;
      }
    }
    return {best, best_cost};
  }

  // Hirschberg split of the pattern `p` (length plen) against the text `t`
  // (length tlen) at row plen / 2: the text offset where an optimal alignment
  // crosses that row, and the exact costs of the two halves.
  struct Split {
    size_t at;
    int64_t first_cost, second_cost;
  };
  Split SplitAtMiddle(const std::vector<uint32_t>& p, size_t p0, size_t p1, const std::vector<uint32_t>& t, size_t t0,
                      size_t t1, int64_t known_distance) {
    const size_t plen = p1 - p0, tlen = t1 - t0, mid = plen / 2;
    rev_p_.assign(p.rbegin() + static_cast<std::ptrdiff_t>(p.size() - p1),
                  p.rbegin() + static_cast<std::ptrdiff_t>(p.size() - (p0 + mid)));
    rev_t_.assign(t.rbegin() + static_cast<std::ptrdiff_t>(t.size() - t1),
                  t.rbegin() + static_cast<std::ptrdiff_t>(t.size() - t0));
    // With the distance unknown (the root), grow the band until the result
    // proves itself: a band of half-width U is exact when the cost it finds
    // is <= U. It starts at a lower bound of the distance and grows fourfold,
    // capped by the last cost found (an upper bound); once it would span a
    // quarter of the text the whole matrix is cheaper than more tries. Below
    // the root the distance is known and one pass does.
    const int64_t full = static_cast<int64_t>(std::max(plen, tlen));
    int64_t bound = known_distance != kUnreachable ? known_distance : LowerBound(p, p0, p1, t, t0, t1);
    while (true) {
      if (4 * bound >= static_cast<int64_t>(tlen)) bound = std::max(bound, full);
      const Band band = Band::For(bound, plen, tlen);
      LastRow(&p[p0], mid, &t[t0], tlen, band, fwd_);
      LastRow(rev_p_.data(), rev_p_.size(), rev_t_.data(), tlen, band, bwd_);
      const auto [at, cost] = BestSplit(fwd_, bwd_, tlen);
      if (cost <= bound || band.Covers(plen, tlen)) return {at, fwd_[at], bwd_[tlen - at]};
      bound = std::min(4 * bound, cost);
    }
  }

  // Bag distance (Bartolini et al. 2002): characters one side has more of
  // than the other must be edited. At least the length difference, and
  // close to the distance when the texts differ by substitutions.
  int64_t LowerBound(const std::vector<uint32_t>& p, size_t p0, size_t p1, const std::vector<uint32_t>& t, size_t t0,
                     size_t t1) {
    counts_.assign(peq_.size(), 0);
    for (size_t k = p0; k < p1; ++k) ++counts_[p[k]];
    for (size_t k = t0; k < t1; ++k) --counts_[t[k]];
    int64_t surplus = 0, deficit = 0;
    for (int64_t c : counts_) (c > 0 ? surplus : deficit) += std::abs(c);
    return std::max<int64_t>({surplus, deficit, 64});
  }

  // Appends the ops of an optimal alignment of a_[a0, a1) with b_[b0, b1).
  // `distance` is their exact distance when known, else kUnreachable.
  void Align(size_t a0, size_t a1, size_t b0, size_t b1, int64_t distance) {
    // Taking off a common prefix or suffix leaves the distance unchanged.
    while (a0 < a1 && b0 < b1 && a_[a0] == b_[b0]) {
      ops_.push_back(kMatch);
      ++a0;
      ++b0;
    }
    size_t common_suffix = 0;
    while (a0 < a1 && b0 < b1 && a_[a1 - 1] == b_[b1 - 1]) {
      --a1;
      --b1;
      ++common_suffix;
    }
    const size_t n = a1 - a0;
    const size_t m = b1 - b0;
    if (n == 0 || m == 0) {
      ops_.insert(ops_.end(), n, kOutputOnly);
      ops_.insert(ops_.end(), m, kGoldOnly);
    } else if ((n + 1) * (m + 1) <= kFullDpCells) {
      AlignFull(a0, n, b0, m);
    } else if (n >= m) {
      // Split the longer side in half so both subproblems shrink.
      const Split s = SplitAtMiddle(a_, a0, a1, b_, b0, b1, distance);
      const size_t mid = a0 + n / 2;
      Align(a0, mid, b0, b0 + s.at, s.first_cost);
      Align(mid, a1, b0 + s.at, b1, s.second_cost);
    } else {
      const Split s = SplitAtMiddle(b_, b0, b1, a_, a0, a1, distance);
      const size_t mid = b0 + m / 2;
      Align(a0, a0 + s.at, b0, mid, s.first_cost);
      Align(a0 + s.at, a1, mid, b1, s.second_cost);
    }
    ops_.insert(ops_.end(), common_suffix, kMatch);
  }

  // Textbook DP with the whole matrix, then a traceback from the end.
  void AlignFull(size_t a0, size_t n, size_t b0, size_t m) {
    const size_t w = m + 1;
    dp_.resize((n + 1) * w);
    for (size_t j = 0; j <= m; ++j) dp_[j] = static_cast<uint32_t>(j);
    for (size_t i = 1; i <= n; ++i) {
      dp_[i * w] = static_cast<uint32_t>(i);
      for (size_t j = 1; j <= m; ++j) {
        const uint32_t diag = dp_[(i - 1) * w + j - 1] + (a_[a0 + i - 1] == b_[b0 + j - 1] ? 0 : 1);
        const uint32_t gap = std::min(dp_[(i - 1) * w + j], dp_[i * w + j - 1]) + 1;
        dp_[i * w + j] = std::min(diag, gap);
      }
    }
    const size_t first = ops_.size();
    size_t i = n, j = m;
    while (i > 0 || j > 0) {
      const uint32_t here = dp_[i * w + j];
      if (i > 0 && j > 0) {
        const bool same = a_[a0 + i - 1] == b_[b0 + j - 1];
        if (here == dp_[(i - 1) * w + j - 1] + (same ? 0 : 1)) {
          ops_.push_back(same ? kMatch : kSubstitute);
          --i;
          --j;
          continue;
        }
      }
      if (i > 0 && here == dp_[(i - 1) * w + j] + 1) {
        ops_.push_back(kOutputOnly);
        --i;
      } else {
        ops_.push_back(kGoldOnly);
        --j;
      }
    }
    std::reverse(ops_.begin() + static_cast<std::ptrdiff_t>(first), ops_.end());
  }

  const std::vector<uint32_t>& a_;
  const std::vector<uint32_t>& b_;
  std::vector<Op> ops_;
  // Scratch reused across the recursion: each level is done with them
  // before it recurses.
  std::vector<uint64_t> peq_;  // symbol -> bits of the strip rows holding it; zero between strips
  std::vector<int8_t> hin_;
  std::vector<uint32_t> rev_p_, rev_t_;
  std::vector<int64_t> fwd_, bwd_;
  std::vector<int64_t> counts_;
  std::vector<uint32_t> dp_;
};

std::vector<Op> AlignCodePoints(const std::u32string& output, const std::u32string& gold) {
  // Dense ids keep the match-bit table small (the alphabet actually used,
  // not all of Unicode).
  std::unordered_map<char32_t, uint32_t> ids;
  auto to_ids = [&ids](const std::u32string& s) {
    std::vector<uint32_t> out;
    out.reserve(s.size());
    for (char32_t c : s) out.push_back(ids.try_emplace(c, static_cast<uint32_t>(ids.size())).first->second);
    return out;
  };
  const std::vector<uint32_t> a = to_ids(output);
  const std::vector<uint32_t> b = to_ids(gold);
  return Aligner(a, b, ids.size()).Run();
}

// Output boundaries carried to gold offsets (see the file comment), ascending.
std::vector<size_t> MapBoundaries(const std::vector<Op>& ops, const std::vector<size_t>& output_boundaries) {
  std::vector<size_t> mapped;
  mapped.reserve(output_boundaries.size());
  size_t i = 0, j = 0, next = 0;
  for (Op op : ops) {
    if (next == output_boundaries.size()) break;
    if (op != kGoldOnly) ++i;
    if (op != kOutputOnly) ++j;
    // Checked only when i has just advanced: the first point at offset i.
    if (op != kGoldOnly && i == output_boundaries[next]) {
      mapped.push_back(j);
      ++next;
    }
  }
  return mapped;
}

void ComputeRatios(Scores& s) {
  auto ratio = [](size_t num, size_t den) { return static_cast<double>(num) / static_cast<double>(den); };
  if (s.gold_chars > 0) {
    s.cer = ratio(s.edit_distance, s.gold_chars);
  } else {
    s.cer = s.output_chars == 0 ? 0.0 : 1.0;
  }
  s.precision = s.output_boundaries == 0 ? 1.0 : ratio(s.matched_boundaries, s.output_boundaries);
  s.recall = s.gold_boundaries == 0 ? 1.0 : ratio(s.matched_boundaries, s.gold_boundaries);
  const double sum = s.precision + s.recall;
  s.f1 = sum == 0 ? 0.0 : 2 * s.precision * s.recall / sum;
  // Nothing to find counts as all found, as for recall.
  s.exact_rate = s.gold_paragraphs == 0 ? 1.0 : ratio(s.exact_paragraphs, s.gold_paragraphs);
}

}  // namespace

std::string Canonicalize(std::string_view text) { return ToUtf8(CanonicalCodePoints(text)); }

Scores Evaluate(std::string_view output, std::string_view gold) {
  const Side out = Parse(output);
  const Side ref = Parse(gold);
  Scores s;
  s.output_chars = out.text.size();
  s.gold_chars = ref.text.size();
  s.output_paragraphs = out.paragraphs.size();
  s.gold_paragraphs = ref.paragraphs.size();
  s.output_boundaries = out.boundaries.size();
  s.gold_boundaries = ref.boundaries.size();

  const std::vector<Op> ops = AlignCodePoints(out.text, ref.text);
  assert(static_cast<size_t>(std::count_if(ops.begin(), ops.end(), [](Op op) { return op != kGoldOnly; })) ==
             out.text.size() &&
         static_cast<size_t>(std::count_if(ops.begin(), ops.end(), [](Op op) { return op != kOutputOnly; })) ==
             ref.text.size());
  s.edit_distance = static_cast<size_t>(std::count_if(ops.begin(), ops.end(), [](Op op) { return op != kMatch; }));

  // Both lists ascend; equal mapped offsets collapse so that a gold boundary
  // is matched at most once.
  std::vector<size_t> mapped = MapBoundaries(ops, out.boundaries);
  mapped.erase(std::unique(mapped.begin(), mapped.end()), mapped.end());
  std::vector<size_t> matched;
  std::set_intersection(mapped.begin(), mapped.end(), ref.boundaries.begin(), ref.boundaries.end(),
                        std::back_inserter(matched));
  s.matched_boundaries = matched.size();

  std::unordered_map<std::u32string, size_t> unused;  // output paragraph -> copies not yet matched
  for (const auto& p : out.paragraphs) ++unused[p];
  for (const auto& p : ref.paragraphs) {
    auto it = unused.find(p);
    if (it != unused.end() && it->second > 0) {
      --it->second;
      ++s.exact_paragraphs;
    }
  }

  ComputeRatios(s);
  return s;
}

void Accumulate(Scores& a, const Scores& b) {
  a.gold_chars += b.gold_chars;
  a.output_chars += b.output_chars;
  a.edit_distance += b.edit_distance;
  a.gold_boundaries += b.gold_boundaries;
  a.output_boundaries += b.output_boundaries;
  a.matched_boundaries += b.matched_boundaries;
  a.gold_paragraphs += b.gold_paragraphs;
  a.output_paragraphs += b.output_paragraphs;
  a.exact_paragraphs += b.exact_paragraphs;
  ComputeRatios(a);
}

}  // namespace ocrflow::eval
