// `ocrflow watch`: the watch-folder daemon, and `ocrflow status`.
// The contract (files, states, signals, logs) is docs/watch.md.
//
//   main thread: signals (signalfd), inotify + scans (watcher.h) -> ready
//                inputs offered to the state database (state_db.h); leases,
//                abandoned-work recovery, the minute summary
//   N workers:   claim an input in the database -> read it (no symlinks) ->
//                SHA-256 -> the `ocrflow run` page chain in the thread's
//                worker process (app/worker.h) -> outputs written
//                atomically -> manifest line + done, in one transaction
//   worker processes: forked from the daemon before its threads start (no
//                second loading of ocrflow's libraries), one per worker
//                thread; one that dies, or one a reload with other limits
//                replaces, is started by exec (the daemon runs threads then).
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/app/page_job.h"
#include "pipeline/core/stage.h"
#include "pipeline/core/status.h"

namespace ocrflow::daemon {

// What a daemon runs with; the config file and SIGHUP change it.
struct WatchConfig {
  int jobs = 0;  // 0 = number of cores
  std::string lang = "auto";
  // `format`: txt, json, and the archive formats alto, hocr, pdf, page (the
  // files `run --format` writes, docs/formats.md); txt or json among them.
  bool write_txt = true, write_json = false;
  bool write_alto = false, write_hocr = false, write_pdf = false, write_page = false;
  double settle = 1.0;  // seconds a written file must stay unchanged
  double rescan = 60;   // seconds between full rescans of the inbox
  int max_attempts = 5; // starts that never finished before an input is quarantined
  std::string log_level = "info";
  std::string tessdata;
  double max_megapixels = 200;
  double pdf_dpi = 300;
  // Every input runs in a worker process (app/worker.h): a page may take
  // page_timeout s (0: no bound), and a worker that shows no progress for
  // that + grace is killed; memory_limit_mb is its RLIMIT_AS (0: none).
  double page_timeout = 300;
  long long memory_limit_mb = 4096;  // kDefaultWorkerMemoryMb
  std::map<std::string, StageSettings> settings;  // stage -> option -> value
};

// Command-line values; they win over the config file.
struct WatchOverrides {
  std::optional<int> jobs, max_attempts;
  std::optional<std::string> lang, format, log_level, tessdata;
  std::optional<double> settle, rescan, max_megapixels, pdf_dpi, page_timeout;
  std::optional<long long> memory_limit_mb;
  std::vector<std::string> sets;  // STAGE.OPTION=VALUE
};

// Defaults, then the TOML file (if any), then the overrides. Errors name the
// file and the key.
Result<WatchConfig> LoadWatchConfig(const std::string& config_file, const WatchOverrides& overrides);

struct WatchOptions {
  std::string inbox, corpus;
  std::string state;        // default CORPUS/.ocrflow/state.db
  std::string config_file;  // "" = none
  WatchOverrides overrides;
  bool once = false;        // exit when everything present is processed
  bool inbox_moved = false; // the corpus's recorded inbox moved here (see docs/watch.md, "One corpus, one inbox")
  WorkerHooks worker_hooks; // given to the worker processes forked from the daemon (fault injection in tests)
};

// Runs until SIGTERM/SIGINT (or, with `once`, until idle). Returns the exit
// code: 0 stopped, 1 fatal, 2 usage. Logs to `log`.
int RunWatch(const WatchOptions& options, std::ostream& log);

// `ocrflow status`: counts per status, failures with reasons, pages per
// minute over the last hour. Returns the exit code.
int RunStatus(const std::string& state_path, bool json, int max_failures, std::ostream& out, std::ostream& err);

// The state database that serves `corpus`: the one its daemon recorded in
// CORPUS/.ocrflow/state (a daemon started with --state elsewhere), else
// CORPUS/.ocrflow/state.db. Reads only; follows no link for the record.
std::string StateOfCorpus(const std::string& corpus);

}  // namespace ocrflow::daemon
