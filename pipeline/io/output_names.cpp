#include "pipeline/io/output_names.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace ocrflow::io {

std::string AbsoluteNormal(const std::string& path) {
  std::error_code ec;
  fs::path a = fs::absolute(path.empty() ? "." : path, ec).lexically_normal();
  if (a.has_parent_path() && a.filename().empty()) a = a.parent_path();  // "dir/" -> "dir"
  return a.string();
}

std::vector<std::string> PathsBelowCommonFolder(const std::vector<InputPath>& inputs) {
  std::vector<std::string> out;
  if (inputs.empty()) return out;
  fs::path common = AbsoluteNormal(inputs.front().root);
  for (const auto& in : inputs) {
    const fs::path root = AbsoluteNormal(in.root);
    fs::path prefix;
    for (auto i = common.begin(), j = root.begin(); i != common.end() && j != root.end() && *i == *j; ++i, ++j) {
      prefix /= *i;
    }
    common = prefix;
  }
  for (const auto& in : inputs) out.push_back(fs::path(AbsoluteNormal(in.path)).lexically_relative(common).string());
  return out;
}

}  // namespace ocrflow::io
