#include "stages/text/fragments.h"

#include <algorithm>
#include <string>

#include "stages/text/utf8.h"

namespace ocrflow::text {
namespace {

bool IsProsePunctuation(char32_t c) {
  switch (c) {
    case U'。': case U'，': case U'；': case U'：': case U'！': case U'？': case U'、': case U'…':
    case U',': case U';': case U':': case U'!': case U'?':
      return true;
    default:
      return false;
  }
}

// A table cell or chart label: short, no sentence or clause punctuation.
bool IsFragment(const Paragraph& p, int max_chars) {
  if (p.role == Role::kByline) return false;
  const size_t chars = CountNonSpace(p.text);
  if (chars == 0 || chars > static_cast<size_t>(std::max(0, max_chars))) return false;
  for (size_t i = 0; i < p.text.size();)
    if (IsProsePunctuation(NextCodePoint(p.text, i))) return false;
  return true;
}

}  // namespace

Status DropFragmentRuns(Page& page, const FragmentOptions& options) {
  const int n = static_cast<int>(page.paragraphs.size());
  if (options.min_run < 1 || n < options.min_run) return Status::Ok();
  std::vector<bool> frag(n), drop(n, false);
  for (int i = 0; i < n; ++i) frag[i] = IsFragment(page.paragraphs[i], options.max_chars);
  // A headline with its byline right under it opens an article: it ends a
  // run of table cells before it, and is not one of them (a table at the
  // foot of one article, the next article's headline). Not one over a
  // sub-headline: an ad's big line over its smaller one is of the run.
  for (int i = 0; i + 1 < n; ++i)
    if (page.paragraphs[i].role == Role::kHeadline && page.paragraphs[i + 1].role == Role::kByline) frag[i] = false;
  bool any = false;
  for (int i = 0; i < n;) {
    if (!frag[i]) {
      ++i;
      continue;
    }
    int j = i;
    while (j < n && frag[j]) ++j;
    if (j - i >= options.min_run) {
      const std::string reason = "table or chart: " + std::to_string(j - i) + " short fragments in a row";
      for (int k = i; k < j; ++k) {
        const Paragraph& p = page.paragraphs[k];
        page.dropped.push_back(Dropped{p.text, reason, p.first_line, p.last_line});
        drop[k] = true;
      }
      any = true;
    }
    i = j;
  }
  if (!any) return Status::Ok();
  std::vector<Paragraph> kept;
  kept.reserve(n);
  for (int i = 0; i < n; ++i)
    if (!drop[i]) kept.push_back(std::move(page.paragraphs[i]));
  page.paragraphs = std::move(kept);
  return Status::Ok();
}

}  // namespace ocrflow::text
