#include "stages/text/repeats.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

bool IsTerminal(char32_t c) { return IsCjkFullStop(c) || c == '!' || c == '?'; }

// Removes the flagged bytes from each paragraph, collapses the spaces that
// may meet, and drops paragraphs left empty.
void ApplyRemovals(Page& page, const std::vector<std::vector<bool>>& removed) {
  std::vector<Paragraph> kept;
  kept.reserve(page.paragraphs.size());
  for (size_t p = 0; p < page.paragraphs.size(); ++p) {
    Paragraph& para = page.paragraphs[p];
    if (!removed[p].empty()) {
      std::string out;
      out.reserve(para.text.size());
      for (size_t i = 0; i < para.text.size(); ++i) {
        if (removed[p][i]) continue;
        if (para.text[i] == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += para.text[i];
      }
      while (!out.empty() && out.back() == ' ') out.pop_back();
      para.text = std::move(out);
    }
    if (!para.text.empty()) kept.push_back(std::move(para));
  }
  page.paragraphs = std::move(kept);
}

// The document as one stream of non-space code points, decoded once for
// both passes. `first[p]` is the stream index of paragraph p's first code
// point (first[size] = end). Byte positions are not kept (the page is walked
// again for the rare stretch that is removed).
// std::allocator that leaves new elements uninitialised: the stream buffer
// is sized for the worst case and filled by index, so zeroing it first
// would be a wasted pass over the page.
template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

struct Stream {
  std::vector<char32_t, UninitAllocator<char32_t>> cp;
  std::vector<size_t> first;
  std::vector<uint32_t> anchors;  // stream indices right after a sentence or clause mark
  size_t bytes = 0;

  // The paragraph that holds stream index q.
  size_t ParagraphOf(size_t q) const {
    return std::upper_bound(first.begin(), first.end() - 1, q) - first.begin() - 1;
  }
};

// The code point at t[i], advancing i: BuildStream's decoding (the text is
// valid UTF-8), shared with RangeMarker so both count code points alike.
inline char32_t DecodeAt(const unsigned char* t, size_t size, size_t& i) {
  const unsigned char b = t[i];
  if ((b & 0xF0) == 0xE0 && i + 2 < size) {  // the common 3-byte case
    const char32_t c = (static_cast<char32_t>(b & 0x0F) << 12) | (static_cast<char32_t>(t[i + 1] & 0x3F) << 6) |
                       (t[i + 2] & 0x3F);
    i += 3;
    return c;
  }
  if (b < 0x80) {
    ++i;
    return b;
  }
  return NextCodePoint(std::string_view(reinterpret_cast<const char*>(t), size), i);
}

// Marks after which repeated-passage fingerprints are taken.
inline bool IsAnchorMark(char32_t m) {
  if (m - 0x3003u < 0xFF01u - 0x3003u) return false;  // ideographs and most else: one test
  if (m < 0x80) return m == ',' || m == '.' || m == '!' || m == '?';
  return m == U'。' || m == U'，' || m == U'；' || m == U'：' || m == U'！' || m == U'？';
}

Stream BuildStream(const Page& page) {
  Stream st;
  for (const auto& para : page.paragraphs) st.bytes += para.text.size();
  // Sized for the worst case (all ASCII), filled by index: this loop sees
  // every byte of the page, so it avoids push_back's checks.
  st.cp.resize(st.bytes);
  st.first.reserve(page.paragraphs.size() + 1);
  st.anchors.reserve(st.bytes / 16 + 16);
  char32_t* out = st.cp.data();
  size_t n = 0;
  for (const auto& para : page.paragraphs) {
    st.first.push_back(n);
    const auto* p = reinterpret_cast<const unsigned char*>(para.text.data());
    const size_t size = para.text.size();
    for (size_t i = 0; i < size;) {
      // A run of ideographs: neither spaces nor anchors, up to five at a time.
      if (p[i] >= 0xE4 && p[i] <= 0xE9 && i + 16 <= size) {
        if (const size_t run = IdeographRun(p + i)) {
          for (size_t k = 0; k < run; ++k, i += 3) {
            out[n++] = (static_cast<char32_t>(p[i] & 0x0F) << 12) | (static_cast<char32_t>(p[i + 1] & 0x3F) << 6) |
                       (p[i + 2] & 0x3F);
          }
          continue;
        }
      }
      const char32_t c = DecodeAt(p, size, i);
      if (c == ' ') continue;
      out[n++] = c;
      if (IsAnchorMark(c)) st.anchors.push_back(static_cast<uint32_t>(n));
    }
  }
  st.first.push_back(n);
  st.cp.resize(n);
  return st;
}

// Flags the bytes of stream ranges in `removed`. Ranges come in stream
// order, so a cursor walks each paragraph at most once (an earlier range
// restarts at its paragraph: still correct, only slower).
class RangeMarker {
 public:
  RangeMarker(const Page& page, const Stream& st, std::vector<std::vector<bool>>& removed)
      : page_(page), st_(st), removed_(removed) {}

  void Mark(size_t from, size_t to) {
    if (from >= to) return;
    const size_t para = st_.ParagraphOf(from);
    if (from < q_ || para != para_) {
      para_ = para;
      q_ = st_.first[para];
      i_ = 0;
    }
    while (q_ < to && para_ < page_.paragraphs.size()) {
      const std::string& text = page_.paragraphs[para_].text;
      const auto* t = reinterpret_cast<const unsigned char*>(text.data());
      auto& r = removed_[para_];
      while (i_ < text.size() && q_ < to) {
        const size_t start = i_;
        if (DecodeAt(t, text.size(), i_) == ' ') continue;
        if (q_++ < from) continue;
        if (r.empty()) r.assign(text.size(), false);
        for (size_t b = start; b < i_; ++b) r[b] = true;
      }
      if (i_ >= text.size()) {
        ++para_;
        i_ = 0;
      }
    }
  }

 private:
  const Page& page_;
  const Stream& st_;
  std::vector<std::vector<bool>>& removed_;
  size_t para_ = 0, q_ = 0, i_ = 0;  // stream index q_ is the next code point at or after byte i_ of para_
};

std::string Utf8Of(const Stream& st, size_t from, size_t to) {
  std::string text;
  for (size_t q = from; q < to; ++q) AppendUtf8(text, st.cp[q]);
  return text;
}

bool RemoveDoubledPhrases(Page& page, const Stream& st, const RepeatOptions& o,
                          std::vector<std::vector<bool>>& removed) {
  bool any = false;
  RangeMarker marker(page, st, removed);
  // Last position of each code point: a small direct-mapped table tagged
  // with the code point and a generation (so it needs no clearing and stays
  // in L1); a collision only loses a candidate.
  struct Slot {
    uint32_t gen = 0;
    char32_t c = 0;
    uint32_t pos = 0;
  };
  thread_local std::vector<Slot> last(4096);
  thread_local uint32_t gen = 0;
  const auto& cps = st.cp;
  for (size_t p = 0; p < page.paragraphs.size(); ++p) {
    const Paragraph& para = page.paragraphs[p];
    ++gen;
    const size_t begin = st.first[p], n = st.first[p + 1];
    auto mark = [&](size_t from, size_t to, const char* reason) {
      marker.Mark(from, to);
      page.dropped.push_back(Dropped{Utf8Of(st, from, to), reason, para.first_line, para.last_line});
      any = true;
    };
    for (size_t j = begin; j < n; ++j) {
      const char32_t c = cps[j];
      if (j > begin && c == cps[j - 1] && (c == U'。' || c == U'，')) {
        mark(j, j + 1, "doubled punctuation");
        continue;
      }
      Slot& slot = last[(c * 2654435761u) >> 20 & 4095];
      if (slot.gen == gen && slot.c == c) {
        const size_t prev = slot.pos;
        const size_t len = j - prev;
        if (len >= static_cast<size_t>(o.min_phrase) && len <= static_cast<size_t>(o.max_phrase) && j + len <= n &&
            std::equal(cps.begin() + prev, cps.begin() + j, cps.begin() + j)) {
          // A phrase, not a run of clauses: "X，X，" is how lists are written.
          bool han = false, punct = false;
          for (size_t q = j; q < j + len; ++q) {
            han |= IsHan(cps[q]);
            punct |= IsCjkPunct(cps[q]) && cps[q] != U'“' && cps[q] != U'”';
          }
          if (han && !punct) {
            mark(j, j + len, "doubled phrase");
            j += len - 1;
            continue;
          }
        }
      }
      slot = {gen, c, static_cast<uint32_t>(j)};
    }
  }
  return any;
}

// Open addressing, linear probing, one 8-byte slot per entry (32-bit
// fingerprint, 32-bit position) so the table stays in cache: the first
// position of each sampled 8-gram.
class FirstSeen {
 public:
  explicit FirstSeen(size_t expected) {
    size_t cap = 16;
    while (cap < expected + expected / 2) cap <<= 1;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
  }
  // Returns the stored position for `key`, storing `pos` if there was none.
  // Sized by the caller for at most `expected` entries; past that it stops
  // inserting rather than probe a full table forever (found by the fuzzer).
  uint32_t FindOrInsert(uint64_t hash, uint32_t pos) {
    const uint32_t key = static_cast<uint32_t>(hash >> 32) | 1;  // 0 marks an empty slot
    for (size_t i = (hash >> 2) & mask_, probes = 0; probes <= mask_; i = (i + 1) & mask_, ++probes) {
      const uint64_t slot = slots_[i];
      const uint32_t k = static_cast<uint32_t>(slot >> 32);
      if (k == key) return static_cast<uint32_t>(slot);
      if (k == 0) {
        if (++size_ * 4 > (mask_ + 1) * 3) return pos;  // keep a quarter free so probes stay short
        slots_[i] = (static_cast<uint64_t>(key) << 32) | pos;
        return pos;
      }
    }
    return pos;
  }

 private:
  std::vector<uint64_t> slots_;
  size_t mask_;
  size_t size_ = 0;
};

// On a page read from an image a passage comes out twice only where the
// same ink was read twice (overlapping blocks, a row read again): the
// copy's lines lie on the source's. Copies in two places are the same words
// printed twice (a teaser and its article, a stock sentence in two reports)
// and both stay. Plain text (no line boxes) cannot tell: a copy goes.
bool ReadFromOnePlace(const Page& page, int src_first, int src_last, int dup_first, int dup_last) {
  std::vector<Box> src, dup;
  bool boxes = false;
  for (const Block& b : page.blocks)
    for (const Line& l : b.lines) {
      if (!l.box) continue;
      boxes = true;
      if (l.source_line >= src_first && l.source_line <= src_last) src.push_back(*l.box);
      if (l.source_line >= dup_first && l.source_line <= dup_last) dup.push_back(*l.box);
    }
  if (!boxes) return true;
  for (const Box& d : dup)
    for (const Box& s : src) {
      const int w = std::min(d.right(), s.right()) - std::max(d.x, s.x);
      const int h = std::min(d.bottom(), s.bottom()) - std::max(d.y, s.y);
      const long smaller = std::min(static_cast<long>(d.w) * d.h, static_cast<long>(s.w) * s.h);
      if (w > 0 && h > 0 && 2L * w * h >= smaller) return true;
    }
  return false;
}

void RemoveDuplicatedPassages(Page& page, const Stream& st, const RepeatOptions& o) {
  const auto& cp = st.cp;
  constexpr size_t kGram = 8;
  const size_t n = cp.size();
  if (n < static_cast<size_t>(o.min_passage) * 2) return;
  std::vector<std::vector<bool>> removed(page.paragraphs.size());
  bool any = false;
  RangeMarker marker(page, st, removed);
  size_t protected_until = 0;  // no match may start before the end of the last one
  // Fingerprints are taken only at anchors: the 8-gram right after a
  // sentence or clause mark (collected by BuildStream). A duplicated passage
  // with two sentence marks (or a long one, which has clause marks) contains
  // an anchor at the same offset in both copies, so nothing is missed, and
  // anchors are about one character in eight, which keeps the table small
  // and in cache.
  FirstSeen first_seen(st.anchors.size() + 16);
  for (uint32_t anchor : st.anchors) {
    const size_t j = anchor;
    if (j + kGram > n) break;
    if (j < protected_until) continue;
    uint64_t h = 0;
    for (size_t q = 0; q < kGram; ++q) h = (h + cp[j + q]) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    size_t p = first_seen.FindOrInsert(h, static_cast<uint32_t>(j));
    if (p == j || p + kGram > j || j < protected_until) continue;
    if (!std::equal(cp.begin() + p, cp.begin() + p + kGram, cp.begin() + j)) continue;
    size_t back = 0;
    while (back < p && j - back - 1 >= protected_until && j - back - 1 >= p + kGram && cp[p - back - 1] == cp[j - back - 1]) {
      ++back;
    }
    size_t fwd = kGram;
    while (j + fwd < n && p + fwd < j - back && cp[p + fwd] == cp[j + fwd]) ++fwd;
    size_t start = j - back, end = j + fwd;
    // A leading sentence mark belongs to the sentence before the repeat.
    while (start < end && (IsTerminal(cp[start]) || cp[start] == U'，')) ++start;
    size_t len = end - start;
    if (len < static_cast<size_t>(o.min_passage)) continue;  // most candidates: no need to count marks
    int marks = 0;
    for (size_t q = start; q < end; ++q) marks += IsTerminal(cp[q]);
    if (marks < o.min_sentence_marks && len < static_cast<size_t>(o.long_passage)) continue;
    std::string text = Utf8Of(st, start, end);
    const Paragraph& src_first = page.paragraphs[st.ParagraphOf(p - back)];
    const Paragraph& src_last = page.paragraphs[st.ParagraphOf(std::min(p + fwd, n) - 1)];
    const Paragraph& dup_first = page.paragraphs[st.ParagraphOf(start)];
    const Paragraph& dup_last = page.paragraphs[st.ParagraphOf(end - 1)];
    if (!ReadFromOnePlace(page, src_first.first_line, src_last.last_line, dup_first.first_line, dup_last.last_line))
      continue;
    page.dropped.push_back(Dropped{std::move(text),
                                   "duplicated passage (repeats lines " + std::to_string(src_first.first_line) + "-" +
                                       std::to_string(src_last.last_line) + ")",
                                   dup_first.first_line, dup_last.last_line});
    marker.Mark(start, end);
    any = true;
    protected_until = end;
  }
  if (any) ApplyRemovals(page, removed);
}

}  // namespace

Status RemoveRepeats(Page& page, const RepeatOptions& options) {
  if (page.paragraphs.empty()) return Status::Ok();
  Stream st = BuildStream(page);
  if (st.bytes > UINT32_MAX) return Status::Ok();  // offsets are 32-bit; such a page is not newsprint
  std::vector<std::vector<bool>> removed(page.paragraphs.size());
  if (RemoveDoubledPhrases(page, st, options, removed)) {
    ApplyRemovals(page, removed);
    st = BuildStream(page);  // rare: only when a phrase was doubled
  }
  RemoveDuplicatedPassages(page, st, options);
  return Status::Ok();
}

}  // namespace ocrflow::text
