#include "pipeline/app/manifest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "pipeline/app/page_job.h"
#include "pipeline/app/text_job.h"
#include "pipeline/io/atomic_file.h"
#include "pipeline/io/json_name.h"
#include "pipeline/io/output_names.h"
#include "pipeline/io/printable.h"
#include "stages/ocr/ocr.h"

namespace fs = std::filesystem;

namespace ocrflow {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) hex += kHex[md[i] >> 4], hex += kHex[md[i] & 15];
  return hex;
}

std::string Shard::ManifestName() const {
  if (!active()) return "manifest.jsonl";
  return "manifest." + std::to_string(index) + "-of-" + std::to_string(count) + ".jsonl";
}

Result<Shard> ParseShard(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status(Code::kInvalidArgument, "--shard '" + std::string(text) + "': " + why);
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("expected K/N, e.g. 0/4 (shard K of N, K from 0 to N-1)");
  auto number = [](std::string_view s, int* out) {
    // Digits only: from_chars would take "-1".
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  Shard s;
  if (!number(text.substr(0, slash), &s.index) || !number(text.substr(slash + 1), &s.count))
    return bad("K and N must be whole numbers, e.g. 0/4 (shard K of N, K from 0 to N-1)");
  if (s.count < 1) return bad("N must be at least 1");
  if (s.index >= s.count)
    return bad("K counts from 0, so it must be below N (0.." + std::to_string(s.count - 1) +
               "); for a Slurm array use K = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN");
  return s;
}

uint64_t ShardHash(std::string_view rel) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(rel.data(), rel.size(), md, &n, EVP_sha256(), nullptr);
  uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = h << 8 | md[i];
  return h;
}

int ShardOf(std::string_view rel, int count) {
  return count <= 1 ? 0 : static_cast<int>(ShardHash(rel) % static_cast<uint64_t>(count));
}

namespace {

double Round(double v, double scale) { return std::round(v * scale) / scale; }

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string TessdataDir(const std::string& tessdata) {
  if (!tessdata.empty()) return tessdata;
  if (const char* p = std::getenv("TESSDATA_PREFIX")) return p;
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata"}) {
    if (fs::is_directory(d)) return d;
  }
  return "/usr/share/tesseract-ocr/5/tessdata";
}

// The source a manifest line is about (its exact bytes), "" if none.
std::string SourceOf(const nlohmann::ordered_json& j) {
  auto s = io::GetJsonName(j, "source");
  return s ? *s : std::string();
}

}  // namespace

std::string RenderManifestLine(const ManifestRecord& e) {
  nlohmann::ordered_json m;
  io::PutJsonName(m, "source", e.source);
  io::PutJsonName(m, "output", e.output);
  m["sha256"] = e.sha256;
  if (!e.status.empty()) m["status"] = e.status;
  m["pages"] = e.pages;
  m["failed_pages"] = e.failed_pages;
  if (e.timed_out_pages > 0) m["timed_out_pages"] = e.timed_out_pages;
  m["characters"] = e.characters;
  m["paragraphs"] = e.paragraphs;
  m["mean_confidence"] = Round(e.mean_confidence, 10);
  nlohmann::ordered_json skew = nlohmann::ordered_json::array();
  for (double d : e.skew_degrees) skew.push_back(Round(d, 1000));
  m["skew_degrees"] = skew;
  if (e.seconds) m["seconds"] = Round(*e.seconds, 100);
  if (!e.finished.empty()) m["finished"] = e.finished;
  m["ocrflow"] = e.ocrflow;
  m["tesseract"] = e.tesseract;
  m["lang"] = e.lang;
  m["models"] = e.models.is_null() ? nlohmann::ordered_json::object() : e.models;
  if (!e.errors.empty()) {
    m["errors"] = nlohmann::ordered_json::array();
    for (const auto& err : e.errors) m["errors"].push_back(io::Printable(err));
  }
  return Dump(m);
}

Result<nlohmann::ordered_json> ModelIds(const StageSettings& ocr_settings, const std::string& tessdata) {
  nlohmann::ordered_json models = nlohmann::ordered_json::object();
  // The models the ocr stage loads (under auto chi_sim and eng), and OSD.
  const std::string langs = ocr::OcrModels(ocr_settings);
  std::stringstream ss(langs + "+osd");
  std::string lang;
  const std::string dir = TessdataDir(tessdata);
  while (std::getline(ss, lang, '+')) {
    if (lang.empty() || models.contains(lang)) continue;
    const std::string path = dir + "/" + lang + ".traineddata";
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return Status(Code::kInvalidArgument, "no model for language '" + lang + "' (" + path +
                                                " is missing; apt-get install tesseract-ocr-" + lang + ")");
    std::string head(1 << 20, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    std::error_code ec;
    models[lang] = std::to_string(fs::file_size(path, ec)) + "-" + Sha256Hex(head).substr(0, 12);
  }
  return models;
}

// --- RunManifest ------------------------------------------------------------

Result<RunManifest> RunManifest::Open(const std::string& out_dir, const std::string& name, bool resume) {
  RunManifest m;
  m.path_ = (fs::path(out_dir) / name).string();
  if (!resume) return m;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(m.path_, ec))) return m;
  if (!fs::is_regular_file(fs::symlink_status(m.path_, ec)))
    return Status(Code::kInvalidArgument, "is not a regular file (--resume reads it)").WithFile(m.path_);
  auto text = ReadFileBytes(m.path_);
  if (!text.ok()) return text.status();
  std::istringstream in(text.value());
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // cut off by a kill: that input is done again
    const std::string source = SourceOf(j);
    if (!source.empty()) m.previous_[source] = line;
  }
  return m;
}

bool RunManifest::DoneBefore(const std::string& source, const std::string& sha256,
                             const std::vector<std::string>& outputs) const {
  auto it = previous_.find(source);
  if (it == previous_.end()) return false;
  auto j = nlohmann::ordered_json::parse(it->second, nullptr, false);
  if (j.is_discarded() || !j.contains("sha256") || j["sha256"] != sha256) return false;
  if (!j.contains("status") || j["status"] != "done") return false;
  std::error_code ec;
  for (const auto& o : outputs) {
    if (!fs::is_regular_file(o, ec)) return false;
  }
  return true;
}

void RunManifest::Keep(const std::string& source) {
  auto it = previous_.find(source);
  if (it == previous_.end()) return;
  std::lock_guard<std::mutex> lock(mu_);
  lines_[source] = it->second;
}

namespace {
std::string Joined(const std::map<std::string, std::string>& lines) {
  std::string data;
  for (const auto& [source, line] : lines) data += line + "\n";
  return data;
}
}  // namespace

Status RunManifest::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  return io::WriteFileAtomic(path_, Joined(lines_));
}

Status RunManifest::Append(const std::string& source, const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_[source] = line;
  // O_NOFOLLOW: never appended through a link put in its place.
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
  if (fd < 0) return Status(io::WriteErrorCode(errno), std::string("cannot append: ") + std::strerror(errno)).WithFile(path_);
  const std::string data = line + "\n";
  Status st = io::WriteAll(fd, data, path_);  // one line per write: a kill leaves whole lines, or one cut-off last line
  if (st.ok() && ::fsync(fd) != 0) st = Status(io::WriteErrorCode(errno), "flush failed").WithFile(path_);
  ::close(fd);
  return st;
}

Status RunManifest::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  return io::WriteFileAtomic(path_, Joined(lines_));
}

// --- merge ------------------------------------------------------------------

Result<MergeReport> MergeManifests(const std::string& out_dir, const std::string& input_dir) {
  std::error_code ec;
  if (!fs::is_directory(out_dir, ec)) return Status(Code::kInvalidArgument, "is not a directory").WithFile(out_dir);
  struct ShardFile {
    int index, count;
    std::string path;
  };
  std::vector<ShardFile> files;
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    int k = 0, n = 0;
    char tail[8] = {0};
    int used = 0;
    // manifest.K-of-N.jsonl, nothing else
    if (std::sscanf(name.c_str(), "manifest.%d-of-%d.jsonl%n", &k, &n, &used) == 2 && used == static_cast<int>(name.size()) &&
        name == "manifest." + std::to_string(k) + "-of-" + std::to_string(n) + ".jsonl") {
      files.push_back({k, n, entry.path().string()});
    }
    (void)tail;
  }
  if (ec) return Status(Code::kIoError, "cannot list: " + ec.message()).WithFile(out_dir);
  if (files.empty())
    return Status(Code::kInvalidArgument, "no shard manifests (manifest.K-of-N.jsonl, written by `run --shard K/N`)")
        .WithFile(out_dir);
  std::sort(files.begin(), files.end(), [](const ShardFile& a, const ShardFile& b) {
    return std::tie(a.count, a.index) < std::tie(b.count, b.index);
  });
  MergeReport report;
  // One N: the most common (the largest on a tie); the others are problems.
  std::map<int, int> by_count;
  for (const auto& f : files) ++by_count[f.count];
  int n = 0, most = 0;
  for (const auto& [c, k] : by_count) {
    if (k >= most) n = c, most = k;
  }
  report.shards = n;
  std::set<int> present;
  for (const auto& f : files) {
    if (f.count != n) {
      report.problems.push_back(fs::path(f.path).filename().string() + ": a shard of " + std::to_string(f.count) +
                                ", not of " + std::to_string(n) + ": not merged (a leftover of an earlier run?)");
    } else if (f.index >= 0 && f.index < n) {
      present.insert(f.index);
    }
  }
  for (int k = 0; k < n; ++k) {
    if (!present.count(k))
      report.problems.push_back("shard " + std::to_string(k) + " of " + std::to_string(n) + " is missing: no manifest." +
                                std::to_string(k) + "-of-" + std::to_string(n) + ".jsonl (its inputs are not in the merge; "
                                "run that shard, with --resume if it was cut short)");
  }
  std::map<std::string, std::pair<std::string, std::string>> lines;  // source -> (line, shard file)
  for (const auto& f : files) {
    if (f.count != n) continue;
    auto text = ReadFileBytes(f.path);
    if (!text.ok()) {
      report.problems.push_back(text.status().ToString());
      continue;
    }
    ++report.found;
    const std::string file = fs::path(f.path).filename().string();
    std::istringstream in(text.value());
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      auto j = nlohmann::ordered_json::parse(line, nullptr, false);
      const std::string source = j.is_discarded() || !j.is_object() ? std::string() : SourceOf(j);
      if (source.empty()) {
        report.problems.push_back(file + ": line " + std::to_string(number) + " is not a manifest line (cut off by a kill?)");
        continue;
      }
      auto [it, fresh] = lines.emplace(source, std::make_pair(line, file));
      if (!fresh) {
        report.problems.push_back("duplicated input " + io::Printable(source) + ": in " + it->second.second +
                                  (it->second.second == file ? " twice" : " and " + file));
        continue;
      }
      if (j.contains("status") && j["status"] == "failed") {
        ++report.failed;
        report.failed_sources.push_back(source);
      }
    }
  }
  if (!input_dir.empty()) {
    // The inputs `run INPUT_DIR --shard K/N` takes, keyed as it keys them.
    std::map<int, std::vector<std::string>> missing;  // shard -> sources
    const fs::path root = io::AbsoluteNormal(input_dir);
    for (const auto& f : ListPageFiles(input_dir)) {
      const std::string rel = fs::path(io::AbsoluteNormal(f)).lexically_relative(root).string();
      if (!lines.count(rel)) missing[ShardOf(rel, n)].push_back(rel);
    }
    for (const auto& [k, sources] : missing) {
      report.missing_inputs += sources.size();
      std::string some;
      for (size_t i = 0; i < sources.size() && i < 5; ++i) some += (i ? ", " : "") + io::Printable(sources[i]);
      if (sources.size() > 5) some += ", ...";
      report.problems.push_back("shard " + std::to_string(k) + " of " + std::to_string(n) + ": " +
                                std::to_string(sources.size()) + " inputs of " + input_dir +
                                " in no manifest (" + some + "); run it again with --shard " + std::to_string(k) +
                                "/" + std::to_string(n) + " --resume");
    }
  }
  std::string data;
  for (const auto& [source, entry] : lines) data += entry.first + "\n";
  report.inputs = lines.size();
  if (Status st = io::WriteFileAtomic((fs::path(out_dir) / "manifest.jsonl").string(), data); !st.ok()) return st;
  return report;
}

}  // namespace ocrflow
