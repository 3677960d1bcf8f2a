#include "pipeline/app/eval_cmd.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

#include "pipeline/eval/eval.h"
#include "pipeline/core/status.h"

namespace ocrflow {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

struct Row {
  std::string name;
  eval::Scores scores;
};

Result<std::string> ReadBytes(const fs::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status(Code::kIoError, "is a directory, not a file").WithFile(name);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) {
    const int e = errno;
    return Status(e == ENOENT ? Code::kNotFound : Code::kIoError, std::string("cannot open: ") + std::strerror(e))
        .WithFile(name);
  }
  std::string data;
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, got);
  if (std::ferror(f.get())) {
    return Status(Code::kIoError, std::string("read failed: ") + std::strerror(errno)).WithFile(name);
  }
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (std::string_view(data).substr(0, kBom.size()) == kBom) data.erase(0, kBom.size());
  return data;
}

Result<eval::Scores> ScoreFiles(const fs::path& output, const fs::path& gold) {
  auto out_text = ReadBytes(output);
  if (!out_text.ok()) return out_text.status();
  auto gold_text = ReadBytes(gold);
  if (!gold_text.ok()) return gold_text.status();
  return eval::Evaluate(*out_text, *gold_text);
}

// Regular files under `root` (following symlinks to files), relative to it, sorted.
Result<std::vector<fs::path>> ListFiles(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path().lexically_relative(root));
  }
  if (ec) return Status(Code::kIoError, "cannot list: " + ec.message()).WithFile(root.string());
  std::sort(files.begin(), files.end());
  return files;
}

// Scores every file under `gold` against its namesake under `output`.
Result<std::vector<Row>> ScoreDirectories(const fs::path& output, const fs::path& gold, std::ostream& err) {
  auto gold_files = ListFiles(gold);
  if (!gold_files.ok()) return gold_files.status();
  if (gold_files->empty())
    return Status(Code::kNotFound, "no files to score under this directory").WithFile(gold.string());
  auto output_files = ListFiles(output);
  if (!output_files.ok()) return output_files.status();

  std::vector<Row> rows;
  for (const fs::path& rel : *gold_files) {
    const fs::path out_file = output / rel;
    std::error_code ec;
    const fs::file_status st = fs::status(out_file, ec);
    Row row{rel.generic_string(), {}};
    if (st.type() == fs::file_type::not_found) {
      err << out_file.string() << ": missing, scored as empty\n";
      auto gold_text = ReadBytes(gold / rel);
      if (!gold_text.ok()) return gold_text.status();
      row.scores = eval::Evaluate("", *gold_text);
    } else {
      auto scores = ScoreFiles(out_file, gold / rel);
      if (!scores.ok()) return scores.status();
      row.scores = *scores;
    }
    rows.push_back(std::move(row));
  }

  const std::set<fs::path> in_gold(gold_files->begin(), gold_files->end());
  for (const fs::path& rel : *output_files) {
    if (!in_gold.count(rel)) err << (output / rel).string() << ": not in GOLD, ignored\n";
  }
  return rows;
}

// Checks that both paths exist and are of the same kind; true for directories.
Result<bool> BothDirectories(const fs::path& output, const fs::path& gold) {
  bool is_dir[2];
  const fs::path* paths[2] = {&output, &gold};
  for (int k = 0; k < 2; ++k) {
    std::error_code ec;
    const fs::file_status st = fs::status(*paths[k], ec);
    if (st.type() == fs::file_type::not_found) {
      return Status(Code::kNotFound, "no such file or directory").WithFile(paths[k]->string());
    }
    if (ec) return Status(Code::kIoError, "cannot stat: " + ec.message()).WithFile(paths[k]->string());
    is_dir[k] = fs::is_directory(st);
  }
  if (is_dir[0] != is_dir[1]) {
    const char* kind[2] = {"a file", "a directory"};
    return Status(Code::kInvalidArgument, std::string("is ") + kind[is_dir[0]] + ", but GOLD '" + gold.string() +
                                              "' is " + kind[is_dir[1]] + "; both must be files or both directories")
        .WithFile(output.string());
  }
  return is_dir[0];
}

nlohmann::ordered_json ScoresJson(const eval::Scores& s) {
  return {
      {"cer", s.cer},
      {"edit_distance", s.edit_distance},
      {"gold_chars", s.gold_chars},
      {"output_chars", s.output_chars},
      {"precision", s.precision},
      {"recall", s.recall},
      {"f1", s.f1},
      {"exact_rate", s.exact_rate},
      {"gold_paragraphs", s.gold_paragraphs},
      {"output_paragraphs", s.output_paragraphs},
      {"exact_paragraphs", s.exact_paragraphs},
      {"gold_boundaries", s.gold_boundaries},
      {"output_boundaries", s.output_boundaries},
      {"matched_boundaries", s.matched_boundaries},
  };
}

std::string RenderJson(const std::vector<Row>& rows, const eval::Scores& total) {
  nlohmann::ordered_json j;
  j["files"] = nlohmann::ordered_json::array();
  for (const Row& row : rows) {
    nlohmann::ordered_json f = {{"name", row.name}};
    f.update(ScoresJson(row.scores));
    j["files"].push_back(std::move(f));
  }
  j["total"] = ScoresJson(total);
  // File names are bytes, not necessarily UTF-8.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string FormatRow(const std::string& name, int name_width, const eval::Scores& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %8.2f  %6.3f  %6.3f  %6.3f  %6.3f  %10zu\n", s.cer * 100, s.precision, s.recall,
                s.f1, s.exact_rate, s.gold_chars);
  std::string line = name;
  if (static_cast<int>(name.size()) < name_width) line.append(name_width - name.size(), ' ');
  return line + buf;
}

std::string RenderTable(const std::vector<Row>& rows, const eval::Scores& total) {
  size_t width = 5;  // "TOTAL"
  for (const Row& row : rows) width = std::max(width, row.name.size());
  const int w = static_cast<int>(width);
  char header[160];
  std::snprintf(header, sizeof header, "%-*s  %8s  %6s  %6s  %6s  %6s  %10s\n", w, "file", "CER%", "P", "R", "F1",
                "exact", "chars");
  std::string text = header;
  for (const Row& row : rows) text += FormatRow(row.name, w, row.scores);
  text += FormatRow("TOTAL", w, total);
  return text;
}

int RunEvalOrThrow(const std::string& output_path, const std::string& gold_path, bool json, std::ostream& out,
                   std::ostream& err) {
  auto fail = [&err](const Status& st) {
    err << st.ToString() << "\n";
    return kExitError;
  };
  const fs::path output(output_path), gold(gold_path);
  auto dirs = BothDirectories(output, gold);
  if (!dirs.ok()) return fail(dirs.status());

  std::vector<Row> rows;
  if (*dirs) {
    auto scored = ScoreDirectories(output, gold, err);
    if (!scored.ok()) return fail(scored.status());
    rows = std::move(*scored);
  } else {
    auto scores = ScoreFiles(output, gold);
    if (!scores.ok()) return fail(scores.status());
    rows.push_back({output_path, *scores});
  }

  eval::Scores total;
  for (const Row& row : rows) eval::Accumulate(total, row.scores);
  // Rendered whole before writing, so a failure never leaves half a report.
  out << (json ? RenderJson(rows, total) : RenderTable(rows, total));
  return kExitOk;
}

}  // namespace

int RunEval(const std::string& output_path, const std::string& gold_path, bool json, std::ostream& out,
            std::ostream& err) {
  // Filesystem, allocation, ICU and JSON failures become the error line.
  try {
    return RunEvalOrThrow(output_path, gold_path, json, out, err);
  } catch (const std::exception& e) {
    err << "ocrflow eval: " << e.what() << "\n";
  } catch (...) {
    err << "ocrflow eval: unknown error\n";
  }
  return kExitError;
}

}  // namespace ocrflow
