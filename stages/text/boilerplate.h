// Boilerplate and running header/footer removal (REFLOW.md row 14 and the
// print-page running heads).
//
// A line is dropped when a rule from models/boilerplate/*.tsv matches it:
// the line is at most the rule's max_chars long, contains one of its
// keywords, and its ICU regex finds a match. Keywords are searched for all
// rules at once with an Aho-Corasick automaton, so a body line costs one
// pass over its bytes; regexes run only on the few lines that hit a keyword.
//
// Dropped lines go to page.dropped with reason "<role>: <rule name>".
//
// Thread safety: a built BoilerplateMatcher is immutable and may be shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/boilerplate.h"
#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::text {

class BoilerplateMatcher {
 public:
  static Result<std::shared_ptr<const BoilerplateMatcher>> Build(std::vector<models::BoilerplateRule> rules);
  // The built-in rules plus those of `extra_files` (paths), in that order.
  static Result<std::shared_ptr<const BoilerplateMatcher>> Load(const std::vector<std::string>& extra_files);

  // The rule that matches `line`, or nullptr.
  const models::BoilerplateRule* Match(std::string_view line) const;

  ~BoilerplateMatcher();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct BoilerplateOptions {
  std::string extra_rules;  // path of an extra rule file ("" = built-in rules only)
};

Status RemoveBoilerplate(Page& page, const BoilerplateMatcher& matcher);

}  // namespace ocrflow::text
