// Manifests and shards: what lets a corpus run as N independent processes
// on N machines (`run --shard K/N`, `--resume`, `manifest merge`; a Slurm
// array or a Kubernetes Indexed Job, docs/cluster.md) and come out the same
// as one run.
//
//   Sha256Hex            an input's identity in every manifest (run, watch)
//   ShardOf / ParseShard which of N shards an input belongs to: SHA-256 of
//                        its path below the input root (first 8 bytes),
//                        modulo N. K counts
//                        from 0 (0..N-1), like JOB_COMPLETION_INDEX; a Slurm
//                        array maps SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN.
//                        The hash of one path never depends on the other
//                        paths, so adding files moves no input between shards.
//   ManifestRecord        one manifest.jsonl line, the same format for `run`
//                        and `watch` (docs/watch.md); `run` leaves out the
//                        times (seconds, finished) so a rerun and a sharded
//                        run write the same bytes.
//   RunManifest          `run`'s manifest file: lines appended (one write,
//                        fsync) as inputs finish, so a killed run leaves what
//                        it finished; rewritten sorted by source at the end.
//   MergeManifests       `manifest merge OUT`: the shard manifests into one
//                        manifest.jsonl, with missing shards and duplicated
//                        inputs reported.
//
// Pure functions are thread-safe; RunManifest::Append may be called from
// several threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"

namespace ocrflow {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// The first 8 bytes of SHA-256(rel), big-endian: specified, the same on
// every machine and compiler (std::hash is not), and every bit well mixed
// (FNV-1a's lowest bit is the parity of the bytes' lowest bits, so FNV-1a
// mod 2 put all three sample pages in one shard).
uint64_t ShardHash(std::string_view rel);

struct Shard {
  int index = 0;  // K, from 0
  int count = 0;  // N; 0 = no sharding (every input)
  bool active() const { return count > 0; }
  // "manifest.K-of-N.jsonl", or "manifest.jsonl" without sharding.
  std::string ManifestName() const;
};

// "K/N" with 0 <= K < N, N >= 1. kInvalidArgument with the reason otherwise.
Result<Shard> ParseShard(std::string_view text);

// The shard (0..count-1) of an input whose path below the input root is `rel`.
int ShardOf(std::string_view rel, int count);

// One manifest line. Names are bytes (io::PutJsonName).
struct ManifestRecord {
  std::string source;     // below the input root (watch: the inbox)
  std::string output;     // below the output folder: the .txt (the .json when only JSON is written)
  std::string sha256;     // of the input's bytes
  std::string status;     // run: "done" or "failed"; watch: "" (left out; every line is done)
  std::vector<std::string> errors;  // run, failed: what went wrong; watch: the pages not read
  int pages = 0, failed_pages = 0, timed_out_pages = 0;
  size_t characters = 0, paragraphs = 0;
  double mean_confidence = 0;
  std::vector<double> skew_degrees;
  std::optional<double> seconds;  // watch only
  std::string finished;           // watch only (ISO time)
  std::string ocrflow, tesseract, lang;
  nlohmann::ordered_json models;  // language -> "<size>-<sha256 prefix>"
};

// The line, without the newline: source, output, sha256, [status], pages,
// failed_pages, [timed_out_pages], characters, paragraphs, mean_confidence,
// skew_degrees, [seconds, finished], ocrflow, tesseract, lang, models,
// [errors].
std::string RenderManifestLine(const ManifestRecord& e);

// "<size>-<sha256 of the first MiB, 12 hex>" per Tesseract model the ocr
// stage loads with `ocr_settings` (its lang), and OSD: which model made a
// text. `tessdata` "" = $TESSDATA_PREFIX or Tesseract's default folder.
Result<nlohmann::ordered_json> ModelIds(const StageSettings& ocr_settings, const std::string& tessdata);

// `run`'s manifest, OUT/<Shard::ManifestName()>.
class RunManifest {
 public:
  // With `resume`, reads the lines already there (a missing file is an
  // empty manifest; a line that is not JSON, cut off by a kill, is skipped).
  static Result<RunManifest> Open(const std::string& out_dir, const std::string& name, bool resume);
  RunManifest(RunManifest&& o) noexcept : path_(std::move(o.path_)), previous_(std::move(o.previous_)), lines_(std::move(o.lines_)) {}

  const std::string& path() const { return path_; }
  // Resume: the manifest has a line for `source`.
  bool Knows(const std::string& source) const { return previous_.count(source) > 0; }
  // Resume: the input `source` was done from these very bytes (`sha256`)
  // and every one of `outputs` (full paths) is there.
  bool DoneBefore(const std::string& source, const std::string& sha256, const std::vector<std::string>& outputs) const;
  // Keeps the previous line of `source` (an input that is not run again).
  void Keep(const std::string& source);
  // Writes the file anew with the kept lines (atomically), before any work.
  Status Start();
  // Records `line` for `source` and appends it to the file (one write, fsync).
  Status Append(const std::string& source, const std::string& line);
  // Rewrites the file sorted by source (bytewise), atomically.
  Status Finish();

 private:
  RunManifest() = default;
  std::string path_;
  std::map<std::string, std::string> previous_;  // source -> line, from the file (resume)
  std::mutex mu_;
  std::map<std::string, std::string> lines_;  // source -> line, this run's
};

// `manifest merge`: reads OUT/manifest.K-of-N.jsonl (all with one N),
// writes OUT/manifest.jsonl: every line once, sorted by source. Problems
// (shards missing, an input in two shards or twice in one, mixed N, lines
// that are not JSON) are listed in `problems`; the merged file is written
// all the same. Fails only when nothing can be merged or written.
struct MergeReport {
  int shards = 0;       // N
  int found = 0;        // shard files read
  size_t inputs = 0;    // lines written
  size_t failed = 0;    // of them with status "failed"
  std::vector<std::string> problems;
  std::vector<std::string> failed_sources;
  size_t missing_inputs = 0;  // with input_dir
};
// With `input_dir` (the folder the shards were given), every page file
// under it whose path below it is in no shard manifest is a problem too,
// by shard: what a rerun of that shard with --resume would do.
Result<MergeReport> MergeManifests(const std::string& out_dir, const std::string& input_dir = "");

}  // namespace ocrflow
