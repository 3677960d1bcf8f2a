#include "models/boilerplate.h"

#include <charconv>

namespace ocrflow::models {

extern const std::string_view k_zh_web;  // generated from models/boilerplate/zh_web.tsv

std::string_view BuiltinBoilerplateTsv() { return k_zh_web; }

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

Result<std::vector<BoilerplateRule>> ParseBoilerplateRules(std::string_view tsv, std::string_view origin) {
  std::vector<BoilerplateRule> rules;
  int line_no = 0;
  bool header_seen = false;
  for (std::string_view line : Split(tsv, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::string where = std::string(origin) + ":" + std::to_string(line_no);
    auto cols = Split(line, '\t');
    if (!header_seen && !cols.empty() && cols[0] == "name") {
      header_seen = true;
      continue;
    }
    if (cols.size() != 5) {
      return Status(Code::kInvalidArgument,
                    where + ": expected 5 tab-separated columns (name, role, max_chars, keywords, regex), found " +
                        std::to_string(cols.size()));
    }
    BoilerplateRule rule;
    rule.origin = where;
    rule.name = std::string(cols[0]);
    if (cols[1] == "boilerplate") rule.role = Role::kBoilerplate;
    else if (cols[1] == "running-header") rule.role = Role::kRunningHeader;
    else if (cols[1] == "running-footer") rule.role = Role::kRunningFooter;
    else {
      return Status(Code::kInvalidArgument,
                    where + ": role '" + std::string(cols[1]) + "' is not boilerplate, running-header or running-footer");
    }
    auto [ptr, ec] = std::from_chars(cols[2].data(), cols[2].data() + cols[2].size(), rule.max_chars);
    if (ec != std::errc() || ptr != cols[2].data() + cols[2].size() || rule.max_chars <= 0) {
      return Status(Code::kInvalidArgument, where + ": max_chars '" + std::string(cols[2]) + "' is not a positive integer");
    }
    for (auto kw : Split(cols[3], ',')) {
      if (!kw.empty()) rule.keywords.emplace_back(kw);
    }
    if (rule.keywords.empty()) return Status(Code::kInvalidArgument, where + ": no keywords");
    rule.regex = std::string(cols[4]);
    if (rule.regex.empty()) return Status(Code::kInvalidArgument, where + ": empty regex");
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace ocrflow::models
