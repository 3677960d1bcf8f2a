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
  bool any = false;
  impl.automaton.Scan(line, [&](int) { return any = true; });
  if (!any) return nullptr;  // the common case: no keyword, no allocation
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
