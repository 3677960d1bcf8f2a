#include "stages/text/boilerplate.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "stages/text/utf8.h"

namespace ocrflow::text {

// Aho-Corasick over bytes with a dense transition table. Keywords are few
// (~100 bytes in all), so the table stays small enough for L1/L2.
class KeywordAutomaton {
 public:
  void Add(std::string_view keyword, int id) {
    int s = 0;
    for (unsigned char c : keyword) {
      if (nodes_[s].next[c] < 0) {
        nodes_[s].next[c] = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
      }
      s = nodes_[s].next[c];
    }
    nodes_[s].out.push_back(id);
    nodes_[s].any_out = true;
  }

  void Finish() {
    std::vector<int> queue;
    for (int c = 0; c < 256; ++c) {
      int t = nodes_[0].next[c];
      if (t < 0) {
        nodes_[0].next[c] = 0;
      } else {
        nodes_[t].fail = 0;
        queue.push_back(t);
      }
    }
    for (size_t qi = 0; qi < queue.size(); ++qi) {
      int s = queue[qi];
      const auto& fo = nodes_[nodes_[s].fail].out;
      nodes_[s].out.insert(nodes_[s].out.end(), fo.begin(), fo.end());
      nodes_[s].any_out = !nodes_[s].out.empty();
      for (int c = 0; c < 256; ++c) {
        int t = nodes_[s].next[c];
        if (t < 0) {
          nodes_[s].next[c] = nodes_[nodes_[s].fail].next[c];
        } else {
          nodes_[t].fail = nodes_[nodes_[s].fail].next[c];
          queue.push_back(t);
        }
      }
    }
    // One flat table: a byte costs one load.
    flat_.resize(nodes_.size() * 256);
    any_out_.resize(nodes_.size());
    for (size_t s = 0; s < nodes_.size(); ++s) any_out_[s] = !nodes_[s].out.empty();
    for (size_t s = 0; s < nodes_.size(); ++s) {
      for (int c = 0; c < 256; ++c) {
        const auto t = static_cast<uint32_t>(nodes_[s].next[c]);
        flat_[s * 256 + c] = (t << 8) | (any_out_[t] ? 0x80000000u : 0u);
      }
    }
    // The table for AnyHit: states renumbered so that those ending a
    // keyword come after all others, from a power of two on; then "some
    // state on the way ended a keyword" is one bit of the OR of all states
    // visited, and a byte costs a load, an add and an OR.
    fast_.clear();
    if (any_out_[0]) return;  // an empty keyword: every line hits; AnyHit uses Scan
    std::vector<uint32_t> id(nodes_.size());
    uint32_t plain = 0, hit = 0;
    for (size_t s = 0; s < nodes_.size(); ++s) {
      if (!any_out_[s]) id[s] = plain++;
    }
    // A power of two above every plain state and at least as large as the
    // number of keyword-ending states, so that all of those have its bit.
    uint32_t first_hit = 1;
    while (first_hit < plain || first_hit < nodes_.size() - plain) first_hit <<= 1;
    for (size_t s = 0; s < nodes_.size(); ++s) {
      if (any_out_[s]) id[s] = first_hit + hit++;
    }
    hit_bit_ = first_hit * 256;
    fast_.assign(static_cast<size_t>(first_hit + hit) * 256, 0);
    for (size_t s = 0; s < nodes_.size(); ++s) {
      for (int c = 0; c < 256; ++c) fast_[id[s] * 256 + c] = id[nodes_[s].next[c]] * 256;
    }
  }

  // True if some keyword occurs in `text`.
  bool AnyHit(std::string_view text) const {
    if (fast_.empty()) {
      bool any = false;
      Scan(text, [&](int) { return any = true; });
      return any;
    }
    const uint32_t* trans = fast_.data();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    uint32_t s = 0, seen = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      s = trans[s + p[i]];
      seen |= s;
      s = trans[s + p[i + 1]];
      seen |= s;
      s = trans[s + p[i + 2]];
      seen |= s;
      s = trans[s + p[i + 3]];
      seen |= s;
    }
    for (; i < n; ++i) {
      s = trans[s + p[i]];
      seen |= s;
    }
    return (seen & hit_bit_) != 0;
  }

  // Calls hit(id) for every keyword occurrence; stops early if hit returns true.
  template <typename F>
  void Scan(std::string_view text, F&& hit) const {
    // Table entries are next_state * 256, with the top bit set when that
    // state ends a keyword: one load and one add per byte.
    uint32_t s = 0;
    const uint32_t* trans = flat_.data();
    for (unsigned char c : text) {
      s = trans[(s & 0x7FFFFFFFu) + c];
      if ((s & 0x80000000u) == 0) continue;
      for (int id : nodes_[(s & 0x7FFFFFFFu) >> 8].out) {
        if (hit(id)) return;
      }
    }
  }

 private:
  struct Node {
    Node() { next.fill(-1); }
    std::array<int, 256> next;
    int fail = 0;
    bool any_out = false;
    std::vector<int> out;
  };
  std::vector<Node> nodes_ = std::vector<Node>(1);
  std::vector<uint32_t> flat_;
  std::vector<uint8_t> any_out_;
  std::vector<uint32_t> fast_;  // for AnyHit: next state * 256; keyword-ending states from hit_bit_ on
  uint32_t hit_bit_ = 0;
};

struct BoilerplateMatcher::Impl {
  std::vector<models::BoilerplateRule> rules;
  std::vector<std::unique_ptr<icu::RegexPattern>> patterns;
  KeywordAutomaton automaton;
  int max_chars = 0;
};

BoilerplateMatcher::~BoilerplateMatcher() = default;

Result<std::shared_ptr<const BoilerplateMatcher>> BoilerplateMatcher::Build(std::vector<models::BoilerplateRule> rules) {
  auto m = std::shared_ptr<BoilerplateMatcher>(new BoilerplateMatcher());
  m->impl_ = std::make_unique<Impl>();
  auto& impl = *m->impl_;
  for (size_t i = 0; i < rules.size(); ++i) {
    UErrorCode err = U_ZERO_ERROR;
    UParseError perr;
    std::unique_ptr<icu::RegexPattern> pattern(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(rules[i].regex), 0, perr, err));
    if (U_FAILURE(err)) {
      return Status(Code::kInvalidArgument, rules[i].origin + ": bad regex for rule '" + rules[i].name + "': " +
                                                u_errorName(err) + " at offset " + std::to_string(perr.offset));
    }
    impl.patterns.push_back(std::move(pattern));
    for (const auto& kw : rules[i].keywords) impl.automaton.Add(kw, static_cast<int>(i));
    impl.max_chars = std::max(impl.max_chars, rules[i].max_chars);
  }
  impl.automaton.Finish();
  impl.rules = std::move(rules);
  return std::shared_ptr<const BoilerplateMatcher>(m);
}

Result<std::shared_ptr<const BoilerplateMatcher>> BoilerplateMatcher::Load(const std::vector<std::string>& extra_files) {
  auto rules = models::ParseBoilerplateRules(models::BuiltinBoilerplateTsv(), "models/boilerplate/zh_web.tsv");
  if (!rules.ok()) return rules.status();
  for (const auto& path : extra_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(Code::kNotFound, path + ": cannot open boilerplate rule file");
    std::stringstream ss;
    ss << in.rdbuf();
    auto more = models::ParseBoilerplateRules(ss.str(), path);
    if (!more.ok()) return more.status();
    for (auto& r : more.value()) rules->push_back(std::move(r));
  }
  return Build(std::move(rules).value());
}

const models::BoilerplateRule* BoilerplateMatcher::Match(std::string_view line) const {
  const auto& impl = *impl_;
  // Cheap length gate first: no rule looks at long lines. Bytes >= chars.
  if (line.size() > static_cast<size_t>(impl.max_chars) * 4 &&
      CountNonSpace(line) > static_cast<size_t>(impl.max_chars)) {
    return nullptr;
  }
  if (!impl.automaton.AnyHit(line)) return nullptr;  // the common case: no keyword, no allocation
  std::vector<int> candidates;
  impl.automaton.Scan(line, [&](int id) {
    if (std::find(candidates.begin(), candidates.end(), id) == candidates.end()) candidates.push_back(id);
    return false;
  });
  std::sort(candidates.begin(), candidates.end());  // file order decides between rules
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(line.data(), static_cast<int32_t>(line.size())));
  const int32_t chars = u.countChar32();
  for (int id : candidates) {
    const auto& rule = impl.rules[id];
    if (chars > rule.max_chars) continue;
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(impl.patterns[id]->matcher(u, err));
    if (U_FAILURE(err)) continue;
    if (matcher->find(err) && U_SUCCESS(err)) return &rule;
  }
  return nullptr;
}

Status RemoveBoilerplate(Page& page, const BoilerplateMatcher& matcher) {
  for (auto& block : page.blocks) {
    // Most blocks have no boilerplate: only rebuild the ones that do.
    size_t first_hit = block.lines.size();
    for (size_t i = 0; i < block.lines.size() && first_hit == block.lines.size(); ++i) {
      if (matcher.Match(block.lines[i].text) != nullptr) first_hit = i;
    }
    if (first_hit == block.lines.size()) continue;
    std::vector<Line> kept(std::make_move_iterator(block.lines.begin()),
                           std::make_move_iterator(block.lines.begin() + static_cast<long>(first_hit)));
    for (size_t i = first_hit; i < block.lines.size(); ++i) {
      Line& line = block.lines[i];
      if (const auto* rule = matcher.Match(line.text)) {
        page.dropped.push_back(Dropped{line.text, std::string(RoleName(rule->role)) + ": " + rule->name,
                                       line.source_line, line.source_line});
        continue;
      }
      kept.push_back(std::move(line));
    }
    block.lines = std::move(kept);
  }
  std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
  return Status::Ok();
}

}  // namespace ocrflow::text
