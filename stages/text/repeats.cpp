#include "stages/text/repeats.h"

#include <unordered_map>
#include <vector>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

bool IsTerminal(char32_t c) { return c == U'。' || c == U'！' || c == U'？' || c == '!' || c == '?'; }

// A code point of the document with where it came from.
struct Pos {
  char32_t c;
  uint32_t para;
  uint32_t byte;  // offset in the paragraph text
  uint32_t len;   // UTF-8 length
};

std::string Slice(const std::vector<Pos>& s, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) AppendUtf8(out, s[i].c);
  return out;
}

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

void RemoveDoubledPhrases(Page& page, const RepeatOptions& o) {
  std::vector<std::vector<bool>> removed(page.paragraphs.size());
  bool any = false;
  // Last position of each BMP code point, stamped with a generation so the
  // table needs no clearing between paragraphs.
  std::vector<std::pair<uint32_t, uint32_t>> last(0x10000, {0, 0});
  uint32_t gen = 0;
  std::vector<char32_t> cps;
  std::vector<uint32_t> offs;
  for (size_t p = 0; p < page.paragraphs.size(); ++p) {
    Paragraph& para = page.paragraphs[p];
    const std::string& t = para.text;
    cps.clear();
    offs.clear();
    for (size_t i = 0; i < t.size();) {
      offs.push_back(static_cast<uint32_t>(i));
      cps.push_back(NextCodePoint(t, i));
    }
    offs.push_back(static_cast<uint32_t>(t.size()));
    ++gen;
    const size_t n = cps.size();
    auto mark = [&](size_t from, size_t to, const std::string& reason) {
      if (removed[p].empty()) removed[p].assign(t.size(), false);
      for (size_t b = offs[from]; b < offs[to]; ++b) removed[p][b] = true;
      page.dropped.push_back(Dropped{t.substr(offs[from], offs[to] - offs[from]), reason, para.first_line, para.last_line});
      any = true;
    };
    for (size_t j = 0; j < n; ++j) {
      char32_t c = cps[j];
      if (j > 0 && c == cps[j - 1] && (c == U'。' || c == U'，')) {
        mark(j, j + 1, "doubled punctuation");
        continue;
      }
      if (c >= 0x10000) continue;
      auto& slot = last[c];
      if (slot.first == gen) {
        size_t prev = slot.second;
        size_t len = j - prev;
        if (len >= static_cast<size_t>(o.min_phrase) && len <= static_cast<size_t>(o.max_phrase) && j + len <= n &&
            std::equal(cps.begin() + prev, cps.begin() + j, cps.begin() + j)) {
          bool han = false;
          for (size_t q = j; q < j + len; ++q) han |= IsHan(cps[q]);
          if (han) {
            mark(j, j + len, "doubled phrase");
            j += len - 1;
            continue;
          }
        }
      }
      slot = {gen, static_cast<uint32_t>(j)};
    }
  }
  if (any) ApplyRemovals(page, removed);
}

void RemoveDuplicatedPassages(Page& page, const RepeatOptions& o) {
  std::vector<Pos> s;
  for (size_t p = 0; p < page.paragraphs.size(); ++p) {
    const std::string& t = page.paragraphs[p].text;
    for (size_t i = 0; i < t.size();) {
      size_t start = i;
      char32_t c = NextCodePoint(t, i);
      if (c == ' ') continue;
      s.push_back({c, static_cast<uint32_t>(p), static_cast<uint32_t>(start), static_cast<uint32_t>(i - start)});
    }
  }
  constexpr size_t kGram = 8;
  const size_t n = s.size();
  if (n < static_cast<size_t>(o.min_passage) * 2) return;
  auto gram_hash = [&](size_t j) {
    uint64_t h = 1469598103934665603ull;
    for (size_t q = 0; q < kGram; ++q) h = (h ^ s[j + q].c) * 1099511628211ull;
    return h ^ (h >> 29);
  };
  std::unordered_map<uint64_t, uint32_t> first_seen;
  first_seen.reserve(n / 4 + 1);
  std::vector<std::vector<bool>> removed(page.paragraphs.size());
  bool any = false;
  size_t protected_until = 0;  // no match may start before the end of the last one
  for (size_t j = 0; j + kGram <= n; ++j) {
    uint64_t h = gram_hash(j);
    if ((h & 3) != 0) continue;
    auto [it, inserted] = first_seen.try_emplace(h, static_cast<uint32_t>(j));
    if (inserted) continue;
    size_t p = it->second;
    if (p + kGram > j || j < protected_until) continue;
    bool same = true;
    for (size_t q = 0; q < kGram && same; ++q) same = s[p + q].c == s[j + q].c;
    if (!same) continue;
    size_t back = 0;
    while (back < p && j - back - 1 >= protected_until && j - back - 1 >= p + kGram &&
           s[p - back - 1].c == s[j - back - 1].c) {
      ++back;
    }
    size_t fwd = kGram;
    while (j + fwd < n && p + fwd < j - back && s[p + fwd].c == s[j + fwd].c) ++fwd;
    size_t start = j - back, end = j + fwd;
    // A leading sentence mark belongs to the sentence before the repeat.
    while (start < end && (IsTerminal(s[start].c) || s[start].c == U'，')) ++start;
    size_t len = end - start;
    int marks = 0;
    for (size_t q = start; q < end; ++q) marks += IsTerminal(s[q].c);
    if (len < static_cast<size_t>(o.min_passage) ||
        (marks < o.min_sentence_marks && len < static_cast<size_t>(o.long_passage))) {
      continue;
    }
    const Paragraph& src_first = page.paragraphs[s[p - back].para];
    const Paragraph& src_last = page.paragraphs[s[std::min(p + fwd, n) - 1].para];
    const Paragraph& dup_first = page.paragraphs[s[start].para];
    const Paragraph& dup_last = page.paragraphs[s[end - 1].para];
    page.dropped.push_back(Dropped{Slice(s, start, end),
                                   "duplicated passage (repeats lines " + std::to_string(src_first.first_line) + "-" +
                                       std::to_string(src_last.last_line) + ")",
                                   dup_first.first_line, dup_last.last_line});
    for (size_t q = start; q < end; ++q) {
      auto& r = removed[s[q].para];
      if (r.empty()) r.assign(page.paragraphs[s[q].para].text.size(), false);
      for (uint32_t b = 0; b < s[q].len; ++b) r[s[q].byte + b] = true;
    }
    any = true;
    protected_until = end;
    j = end - 1;
  }
  if (any) ApplyRemovals(page, removed);
}

}  // namespace

Status RemoveRepeats(Page& page, const RepeatOptions& options) {
  RemoveDoubledPhrases(page, options);
  RemoveDuplicatedPassages(page, options);
  return Status::Ok();
}

}  // namespace ocrflow::text
