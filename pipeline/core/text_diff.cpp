#include "pipeline/core/text_diff.h"

#include <algorithm>
#include <cstdint>

#include "pipeline/core/utf8_sequence.h"

namespace ocrflow {
namespace {

// Code points with their byte offsets; a byte that is not valid UTF-8
// counts as one.
struct Decoded {
  std::vector<char32_t> cps;
  std::vector<size_t> offsets;  // byte offset of each code point, plus the end
};

Decoded Decode(std::string_view s) {
  Decoded d;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = static_cast<unsigned char>(s[i]);
    const size_t len = std::max<size_t>(1, Utf8SequenceAt(s, i, &cp));
    d.cps.push_back(cp);
    d.offsets.push_back(i);
    i += len;
  }
  d.offsets.push_back(s.size());
  return d;
}

// A table this large costs about a millisecond; longer middles (a paragraph
// rewritten wholesale) are reported as one change.
constexpr size_t kMaxCells = 1u << 20;

}  // namespace

std::vector<TextChange> DiffText(std::string_view before, std::string_view after) {
  std::vector<TextChange> out;
  if (before == after) return out;
  const Decoded a = Decode(before), b = Decode(after);
  size_t p = 0;
  while (p < a.cps.size() && p < b.cps.size() && a.cps[p] == b.cps[p]) ++p;
  size_t s = 0;
  while (s < a.cps.size() - p && s < b.cps.size() - p && a.cps[a.cps.size() - 1 - s] == b.cps[b.cps.size() - 1 - s]) ++s;
  const size_t m = a.cps.size() - p - s, n = b.cps.size() - p - s;
  auto bytes_a = [&](size_t i, size_t j) { return std::string(before.substr(a.offsets[i], a.offsets[j] - a.offsets[i])); };
  auto bytes_b = [&](size_t i, size_t j) { return std::string(after.substr(b.offsets[i], b.offsets[j] - b.offsets[i])); };
  if (m == 0 || n == 0 || (m + 1) * (n + 1) > kMaxCells) {
    out.push_back({static_cast<int>(p), bytes_a(p, p + m), bytes_b(p, p + n)});
    return out;
  }
  // lcs[i][j]: LCS length of a[p+i..p+m) and b[p+j..p+n).
  std::vector<uint32_t> lcs((m + 1) * (n + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (n + 1) + j]; };
  for (size_t i = m; i-- > 0;)
    for (size_t j = n; j-- > 0;)
      at(i, j) = a.cps[p + i] == b.cps[p + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < m || j < n) {
    if (i < m && j < n && a.cps[p + i] == b.cps[p + j]) {
      ++i;
      ++j;
      continue;
    }
    const size_t i0 = i, j0 = j;
    while ((i < m || j < n) && !(i < m && j < n && a.cps[p + i] == b.cps[p + j])) {
      if (j < n && (i == m || at(i, j + 1) >= at(i + 1, j))) ++j;
      else ++i;
    }
    out.push_back({static_cast<int>(p + i0), bytes_a(p + i0, p + i), bytes_b(p + j0, p + j)});
  }
  return out;
}

namespace {

constexpr size_t kAlignWindow = 512;

// LCS of a[a0, a1) and b[b0, b1) into match (indices of b -> a).
void AlignRange(std::u32string_view a, size_t a0, size_t a1, std::u32string_view b, size_t b0, size_t b1,
                std::vector<int>& match) {
  const size_t m = a1 - a0, n = b1 - b0;
  if (m == 0 || n == 0) return;
  std::vector<uint32_t> lcs((m + 1) * (n + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (n + 1) + j]; };
  for (size_t i = m; i-- > 0;)
    for (size_t j = n; j-- > 0;)
      at(i, j) = a[a0 + i] == b[b0 + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  for (size_t i = 0, j = 0; i < m && j < n;) {
    if (a[a0 + i] == b[b0 + j]) {
      match[b0 + j] = static_cast<int>(a0 + i);
      ++i, ++j;
    } else if (at(i, j + 1) >= at(i + 1, j)) {
      ++j;
    } else {
      ++i;
    }
  }
}

}  // namespace

std::vector<int> AlignCodePoints(std::u32string_view a, std::u32string_view b) {
  std::vector<int> match(b.size(), -1);
  size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) match[p] = static_cast<int>(p), ++p;
  size_t s = 0;
  while (s < a.size() - p && s < b.size() - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) {
    match[b.size() - 1 - s] = static_cast<int>(a.size() - 1 - s);
    ++s;
  }
  const size_t m = a.size() - p - s, n = b.size() - p - s;
  if ((m + 1) * (n + 1) <= kMaxCells) {
    AlignRange(a, p, p + m, b, p, p + n, match);
    return match;
  }
  // Windows of `after`, each against its proportional stretch of `before`
  // with a margin; a window starts where the last match left `before`.
  size_t a_from = p;
  for (size_t j0 = p; j0 < p + n; j0 += kAlignWindow) {
    const size_t j1 = std::min(p + n, j0 + kAlignWindow);
    const size_t want = (j1 - p) * m / std::max<size_t>(1, n) + p + kAlignWindow / 4;
    const size_t a_to = std::min(p + m, std::max(want, a_from + (j1 - j0)));
    AlignRange(a, a_from, a_to, b, j0, j1, match);
    for (size_t j = j1; j-- > j0;)
      if (match[j] >= 0) {
        a_from = static_cast<size_t>(match[j]) + 1;
        break;
      }
  }
  return match;
}

}  // namespace ocrflow
