#include "pipeline/io/output_names.h"

#include <filesystem>
#include <map>
#include <set>

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

Status CheckOutputsApart(const std::vector<std::string>& inputs, const std::vector<std::vector<std::string>>& outputs) {
  auto name = [](const std::string& in) { return in == "-" ? std::string("<stdin>") : in; };
  std::error_code ec;
  std::set<std::string> input_files;
  for (const auto& in : inputs) {
    if (in != "-") input_files.insert(fs::weakly_canonical(in, ec).string());
  }
  std::map<std::string, size_t> owner;  // output path -> input
  for (size_t i = 0; i < inputs.size() && i < outputs.size(); ++i) {
    for (const auto& out : outputs[i]) {
      auto [it, fresh] = owner.emplace(fs::path(out).lexically_normal().string(), i);
      if (!fresh && it->second != i) {
        return Status(Code::kInvalidArgument, name(inputs[it->second]) + " and " + name(inputs[i]) +
                                                  " would both be written to " + out +
                                                  "; rename one, or run them separately");
      }
      if (input_files.count(fs::weakly_canonical(out, ec).string())) {
        return Status(Code::kInvalidArgument, "the output " + out + " would replace an input; choose another -o");
      }
    }
  }
  return Status::Ok();
}

}  // namespace ocrflow::io
