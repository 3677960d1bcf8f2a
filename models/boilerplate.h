// Loader for the boilerplate rules in models/boilerplate/*.tsv.
//
// The rule files are data, not code: the built-in set is compiled into the
// binary from models/boilerplate/zh_web.tsv (see CMakeLists.txt), and users
// can add their own with `--boilerplate FILE`. This file only parses; the
// matching lives in stages/text/boilerplate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/document.h"
#include "pipeline/core/status.h"

namespace ocrflow::models {

struct BoilerplateRule {
  std::string name;
  Role role = Role::kBoilerplate;
  int max_chars = 80;                 // code points; longer lines never match
  std::vector<std::string> keywords;  // literal prefilter, at least one
  std::string regex;                  // ICU syntax
  std::string origin;                 // "file:line", for error messages
};

// Parses a rule file. Errors name the origin and the line.
Result<std::vector<BoilerplateRule>> ParseBoilerplateRules(std::string_view tsv, std::string_view origin);

// The rules shipped with ocrflow.
std::string_view BuiltinBoilerplateTsv();

}  // namespace ocrflow::models
