#include "pipeline/daemon/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <thread>
#include <toml++/toml.h>

#include "pipeline/app/page_job.h"
#include "pipeline/app/text_job.h"
#include "pipeline/app/worker.h"
#include "pipeline/daemon/state_db.h"
#include "pipeline/daemon/watcher.h"
#include "pipeline/formats/pdf.h"
#include "pipeline/io/atomic_file.h"
#include "pipeline/io/json_name.h"
#include "pipeline/io/printable.h"
#include "stages/ocr/engine.h"
#include "stages/ocr/ocr.h"

#ifndef OCRFLOW_VERSION
#define OCRFLOW_VERSION "dev"
#endif

namespace fs = std::filesystem;

namespace ocrflow::daemon {
namespace {

constexpr double kLeaseSeconds = 60;     // another host takes over a claim not renewed this long
constexpr double kRenewEvery = 10;
constexpr double kSummaryEvery = 60;
constexpr double kWorkerRetryDelay = 2;  // s before a crashed, killed or timed-out input is tried again
constexpr long long kMaxInputBytes = 1LL << 30;  // 1 GiB: larger files are refused, not read into memory

double Now() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

std::string IsoTime(double t, bool millis) {
  time_t secs = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (millis) {
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>((t - std::floor(t)) * 1000));
    s += ms;
  }
  return s + "Z";
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// --- logging ----------------------------------------------------------------

enum Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

int ParseLevel(const std::string& s) {
  if (s == "debug") return kDebug;
  if (s == "warn" || s == "warning") return kWarn;
  if (s == "error") return kError;
  return kInfo;
}

class Logger {
 public:
  explicit Logger(std::ostream& out) : out_(out) {}
  void set_level(int level) { level_ = level; }
  void operator()(int level, const std::string& what) {
    if (level < level_.load()) return;
    static const char* kNames[] = {"debug", "info", "warn", "error"};
    std::lock_guard<std::mutex> lock(mu_);
    out_ << IsoTime(Now(), true) << ' ' << kNames[level] << ' ' << io::Printable(what) << '\n';
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::mutex mu_;
  std::atomic<int> level_{kInfo};
};

// --- files ------------------------------------------------------------------

long long MtimeNs(const struct stat& st) {
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

bool Inside(const fs::path& child, const fs::path& parent) {
  auto c = child.lexically_normal().string(), p = parent.lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return c == p || c.rfind(p + "/", 0) == 0;
}

// Reads INBOX/rel without following a symlink; `size`/`mtime` as they were
// while reading. kUnavailable when it changed during the read (a writer is
// still at it).
Status ReadInput(const std::string& path, std::string* bytes, long long* size, long long* mtime) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return Status(Code::kNotFound, "vanished before it was read");
    if (e == ELOOP) return Status(Code::kBadInput, "is a symbolic link");
    return Status(e == EACCES || e == EPERM ? Code::kBadInput : Code::kUnavailable,
                  std::string("cannot open: ") + std::strerror(e));
  }
  struct stat before {}, after {};
  fstat(fd, &before);
  if (before.st_size > kMaxInputBytes) {
    ::close(fd);
    return Status(Code::kTooLarge, "file is " + std::to_string(before.st_size >> 20) + " MiB, over the 1 GiB limit");
  }
  bytes->assign(static_cast<size_t>(before.st_size), '\0');
  size_t got = 0;
  while (got < bytes->size()) {
    ssize_t r = ::read(fd, bytes->data() + got, bytes->size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      ::close(fd);
      return Status(Code::kUnavailable, std::string("read failed: ") + std::strerror(e));
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  fstat(fd, &after);
  ::close(fd);
  if (got != bytes->size() || after.st_size != before.st_size || MtimeNs(after) != MtimeNs(before)) {
    return Status(Code::kCancelled, "changed while being read");
  }
  *size = before.st_size;
  *mtime = MtimeNs(before);
  return Status::Ok();
}

using io::CopyFileAtomic;
using io::WriteFileAtomic;
using io::WriteErrorCode;

// "<device>:<inode>" of an open file or a path (not followed).
std::string FileId(const struct stat& st) {
  return std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
         std::to_string(static_cast<unsigned long long>(st.st_ino));
}

// Appends `line` to the manifest at `path`, which must be the very file the
// daemon wrote last (`expected_id`, FileId): never through a symlink (the
// append would land outside the corpus), never into a file put in its place
// (issue 16, item 5). Code::kNotFound when it is gone or not that file: the
// caller rewrites it instead.
Status AppendLine(const std::string& path, const std::string& line, const std::string& expected_id) {
  // O_NONBLOCK: a FIFO put there must not block the worker (ENXIO instead).
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status(Code::kNotFound, "is gone").WithFile(path);
    if (e == ELOOP) return Status(Code::kNotFound, "is a symbolic link, not the file ocrflow wrote: not followed").WithFile(path);
    if (e == ENXIO || e == EISDIR) return Status(Code::kNotFound, "is not a regular file").WithFile(path);
    return Status(WriteErrorCode(e), std::string("cannot open: ") + std::strerror(e)).WithFile(path);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || FileId(st) != expected_id) {
    ::close(fd);
    return Status(Code::kNotFound, S_ISREG(st.st_mode) ? "is not the file ocrflow wrote (another file was put in its place)"
                                                       : "is not a regular file")
        .WithFile(path);
  }
  std::string data = line + "\n";
  ssize_t w = ::write(fd, data.data(), data.size());  // one write: appends are never interleaved
  int e = errno;
  if (w != static_cast<ssize_t>(data.size())) {
    // Take back a partial line so the file stays one JSON object a line.
    struct stat st {};
    if (w > 0 && fstat(fd, &st) == 0) (void)!ftruncate(fd, st.st_size - w);
    ::close(fd);
    return Status(WriteErrorCode(w < 0 ? e : ENOSPC), "cannot append").WithFile(path);
  }
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status(WriteErrorCode(errno), "flush failed").WithFile(path);
}

// --- processes: owners of claims --------------------------------------------

std::string HostName() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

// The start time of a process (clock ticks since boot), "" if it is gone.
std::string ProcessStart(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return "";
  auto close = line.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

// "host:pid:start"
std::string OwnerId() {
  long pid = static_cast<long>(getpid());
  return HostName() + ":" + std::to_string(pid) + ":" + ProcessStart(pid);
}

bool OwnerAlive(const std::string& owner, double lease_until, const std::string& me) {
  if (owner == me) return true;
  auto c2 = owner.rfind(':');
  auto c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : owner.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return lease_until > Now();
  const std::string host = owner.substr(0, c1);
  if (host != HostName()) return lease_until > Now();
  long pid = std::atol(owner.substr(c1 + 1, c2 - c1 - 1).c_str());
  return pid > 0 && ProcessStart(pid) == owner.substr(c2 + 1);
}

// The identity of `path` and of every folder above it, up to /.
std::set<FolderId> SelfAndAbove(const fs::path& path) {
  std::set<FolderId> ids;
  fs::path p = path;
  for (;;) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) ids.insert({st.st_dev, st.st_ino});
    if (!p.has_parent_path() || p.parent_path() == p) break;
    p = p.parent_path();
  }
  return ids;
}

// The first folder under `root` (links not followed, mount points entered)
// whose identity is in `ids`, as a path below root; "" when none.
std::string FindFolderIn(const std::string& root, const std::set<FolderId>& ids) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // The entry's type comes from the listing: only folders cost a stat.
    std::error_code tec;
    if (it->is_symlink(tec) || !it->is_directory(tec)) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (ids.count({st.st_dev, st.st_ino})) return it->path().lexically_relative(root).string();
  }
  return "";
}

// Temporary files (io::AtomicFile's .<name>.<pid>.XXXXXX.tmp) left in
// CORPUS by a process of this host that is gone: a write that was cut off.
// Removed at start.
int RemoveStaleTemps(const std::string& corpus) {
  int removed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(corpus, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto pid = io::StaleTempOwner(it->path().filename().string());
    if (!pid || it->is_directory(ec)) continue;
    if (*pid == getpid() || !ProcessStart(*pid).empty()) continue;
    if (fs::remove(it->path(), ec)) ++removed;
  }
  return removed;
}

// --- config -----------------------------------------------------------------

// The same names as `run --format`.
Status ApplyFormat(const std::string& format, WatchConfig* c) {
  WatchConfig f = *c;
  f.write_txt = f.write_json = f.write_alto = f.write_hocr = f.write_pdf = f.write_page = false;
  std::stringstream ss(format);
  std::string name;
  while (std::getline(ss, name, ',')) {
    if (name == "txt") f.write_txt = true;
    else if (name == "json") f.write_json = true;
    else if (name == "alto") f.write_alto = true;
    else if (name == "hocr") f.write_hocr = true;
    else if (name == "pdf") f.write_pdf = true;
    else if (name == "page") f.write_page = true;
    else
      return Status(Code::kInvalidArgument, "format '" + format + "': unknown format '" + name +
                                                "' (expected a comma-separated list of txt, json, alto, hocr, pdf, page)");
  }
  if (!f.write_txt && !f.write_json)
    return Status(Code::kInvalidArgument,
                  "format '" + format + "': needs txt or json too (the manifest's output is the .txt, else the .json)");
  *c = f;
  return Status::Ok();
}

Status ApplySet(const std::string& s, WatchConfig* c) {
  auto eq = s.find('='), dot = s.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
    return Status(Code::kInvalidArgument, "set '" + s + "': expected STAGE.OPTION=VALUE (see `ocrflow stages`)");
  }
  c->settings[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = s.substr(eq + 1);
  return Status::Ok();
}

std::string TomlScalar(const toml::node& n) {
  if (auto s = n.value<std::string>()) return *s;
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  if (n.is_integer()) return std::to_string(*n.value<int64_t>());
  if (n.is_floating_point()) return detail::FormatDouble(*n.value<double>());
  return "";
}

// Which models make the texts (app/manifest.h): those the ocr stage loads
// with this config's language, and OSD.
Result<nlohmann::ordered_json> ModelIds(const WatchConfig& c) {
  StageSettings ocr_settings;
  if (auto it = c.settings.find("ocr"); it != c.settings.end()) ocr_settings = it->second;
  if (!ocr_settings.count("lang")) ocr_settings["lang"] = c.lang;  // as Prepare sets it
  return ocrflow::ModelIds(ocr_settings, c.tessdata);
}

}  // namespace

Result<WatchConfig> LoadWatchConfig(const std::string& config_file, const WatchOverrides& o) {
  WatchConfig c;
  if (!config_file.empty()) {
    // Read first: a directory or an unreadable file is an error (parse_file
    // took a directory for an empty config, and on SIGHUP the defaults came
    // back without a word).
    auto text = ReadFileBytes(config_file);
    if (!text.ok()) return Status(Code::kInvalidArgument, "config: " + text.status().message()).WithFile(config_file);
    toml::table t;
    try {
      t = toml::parse(text.value(), config_file);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << "line " << e.source().begin.line << ": " << e.description();
      return Status(Code::kInvalidArgument, msg.str()).WithFile(config_file);
    } catch (const std::exception& e) {
      return Status(Code::kInvalidArgument, e.what()).WithFile(config_file);
    }
    auto bad = [&](const std::string& key, const char* want) {
      return Status(Code::kInvalidArgument, "'" + key + "' must be " + want).WithFile(config_file);
    };
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (key == "jobs") {
        if (!v.is_integer()) return bad(key, "an integer");
        c.jobs = static_cast<int>(*v.value<int64_t>());
      } else if (key == "max_attempts") {
        if (!v.is_integer()) return bad(key, "an integer");
        c.max_attempts = static_cast<int>(*v.value<int64_t>());
      } else if (key == "memory_limit_mb") {
        if (!v.is_integer()) return bad(key, "an integer (MB)");
        c.memory_limit_mb = *v.value<int64_t>();
      } else if (key == "settle" || key == "rescan" || key == "max_megapixels" || key == "pdf_dpi" || key == "page_timeout") {
        if (!v.is_number()) return bad(key, "a number");
        double d = *v.value<double>();
        (key == "settle"           ? c.settle
         : key == "rescan"         ? c.rescan
         : key == "max_megapixels" ? c.max_megapixels
         : key == "page_timeout"   ? c.page_timeout
                                   : c.pdf_dpi) = d;
      } else if (key == "lang" || key == "format" || key == "log_level" || key == "tessdata") {
        if (!v.is_string()) return bad(key, "a string");
        std::string s = *v.value<std::string>();
        if (key == "lang") c.lang = s;
        else if (key == "log_level") c.log_level = s;
        else if (key == "tessdata") c.tessdata = s;
        else if (Status st = ApplyFormat(s, &c); !st.ok()) return st.WithFile(config_file);
      } else if (key == "set") {
        if (!v.is_table()) return bad(key, "a table of \"stage.option\" = value");
        for (auto&& [sk, sv] : *v.as_table()) {
          std::string val = TomlScalar(sv);
          if (Status st = ApplySet(std::string(sk.str()) + "=" + val, &c); !st.ok()) return st.WithFile(config_file);
        }
      } else {
        return Status(Code::kInvalidArgument,
                      "unknown key '" + key + "' (known: jobs, lang, format, settle, rescan, max_attempts, log_level, "
                      "tessdata, max_megapixels, pdf_dpi, page_timeout, memory_limit_mb, [set])")
            .WithFile(config_file);
      }
    }
  }
  if (o.jobs) c.jobs = *o.jobs;
  if (o.max_attempts) c.max_attempts = *o.max_attempts;
  if (o.lang) c.lang = *o.lang;
  if (o.log_level) c.log_level = *o.log_level;
  if (o.tessdata) c.tessdata = *o.tessdata;
  if (o.settle) c.settle = *o.settle;
  if (o.rescan) c.rescan = *o.rescan;
  if (o.max_megapixels) c.max_megapixels = *o.max_megapixels;
  if (o.pdf_dpi) c.pdf_dpi = *o.pdf_dpi;
  if (o.page_timeout) c.page_timeout = *o.page_timeout;
  if (o.memory_limit_mb) c.memory_limit_mb = *o.memory_limit_mb;
  if (o.format) {
    if (Status st = ApplyFormat(*o.format, &c); !st.ok()) return st;
  }
  for (const auto& s : o.sets) {
    if (Status st = ApplySet(s, &c); !st.ok()) return st;
  }
  if (c.jobs < 0 || c.jobs > 256) return Status(Code::kInvalidArgument, "jobs must be 0 (cores) to 256");
  if (c.max_attempts < 1) return Status(Code::kInvalidArgument, "max_attempts must be at least 1");
  if (!(c.page_timeout >= 0)) return Status(Code::kInvalidArgument, "page_timeout must be >= 0 seconds (0: no bound)");
  if (c.memory_limit_mb < 0) return Status(Code::kInvalidArgument, "memory_limit_mb must be >= 0 (0: no limit)");
  if (!(c.settle >= 0) || !(c.rescan > 0)) return Status(Code::kInvalidArgument, "settle must be >= 0 and rescan > 0 seconds");
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error") {
    return Status(Code::kInvalidArgument, "log_level must be debug, info, warn or error");
  }
  return c;
}

namespace {

// --- the daemon ---------------------------------------------------------------

class Daemon {
 public:
  Daemon(const WatchOptions& o, std::ostream& log) : opts_(o), log_(log) {}
  int Run();

 private:
  struct Shared {  // one config generation
    WatchConfig config;
    RunOptions run;
    nlohmann::ordered_json models;
  };

  Result<std::shared_ptr<const Shared>> Prepare(const WatchConfig& c);
  std::shared_ptr<const Shared> Current() {
    std::lock_guard<std::mutex> lock(mu_);
    return shared_;
  }
  // `child`: the thread's worker process with `limits`, forked before the
  // threads started (null: started by exec at the first input).
  void Worker(int index, std::unique_ptr<WorkerProcess> child, WorkerLimits limits);
  void ProcessOne(StateDb& db, const Claim& claim, const Shared& shared, WorkerProcess& child);
  void Quarantine(StateDb& db, const Claim& claim, const std::string& sha, const std::string& reason);
  void Transient(StateDb& db, const Claim& claim, const std::string& reason);
  // INBOX/<rel> copied to CORPUS/failed/<rel>, unless it is a symbolic link
  // (`*link` set, nothing copied, Ok). kNotFound: gone from the inbox.
  Status CopyToFailed(const std::string& rel, bool* link);
  // A done input whose `page_errors` pages were not read: a copy of it in
  // failed/ and a note naming those pages beside it (never the input's
  // failure: its other pages are done). What was kept, for the log line.
  std::string KeepLeftOutPages(const Claim& claim, const std::string& sha, const std::vector<PageError>& page_errors);
  // The manifest: rewritten atomically, its identity recorded in the state
  // (in the caller's transaction); appended only to that very file.
  Status WriteManifest(StateDb& db, const std::vector<std::string>& lines);
  Status AppendManifest(StateDb& db, const std::string& line);
  // manifest.jsonl as it is, for RebuildManifest: nothing when it is not
  // the file the state says the daemon wrote.
  Result<std::vector<ManifestEntry>> ReadManifest(StateDb& db);
  // CORPUS/<rel>, its folders made, checked to be inside CORPUS.
  Result<std::string> CorpusPath(const std::string& rel);
  // One corpus serves one inbox (docs/watch.md): records this one in the
  // state, or returns 2 (after saying why) when another one is recorded.
  int BindInbox(StateDb& db);
  // One corpus, one state: CORPUS/.ocrflow/state names the state database
  // that serves the corpus; records this one (a warning when it cannot),
  // or returns 2 (after saying why) when another one that still exists is
  // recorded.
  int BindState();

  WatchOptions opts_;
  Logger log_;
  std::string inbox_, corpus_, state_path_, owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const Shared> shared_;
  std::atomic<bool> stop_taking_{false};  // no new claims
  std::atomic<bool> cancel_{false};       // in-flight work stops and is requeued
  std::atomic<int> busy_{0};
  // Paths the workers hold. A claim and its entry here are made under
  // flight_mu_, so the abandoned-work check never sees one without the other.
  std::mutex flight_mu_;
  std::set<std::string> in_flight_;
  std::atomic<long> pages_minute_{0};
  std::atomic<long> done_total_{0}, failed_total_{0};
};

Result<std::shared_ptr<const Daemon::Shared>> Daemon::Prepare(const WatchConfig& c) {
  auto s = std::make_shared<Shared>();
  s->config = c;
  auto models = ModelIds(c);
  if (!models.ok()) return models.status();
  s->models = models.value();
  RunOptions& ro = s->run;
  ro.jobs = 1;
  ro.write_txt = c.write_txt;
  ro.write_json = c.write_json;
  ro.write_alto = c.write_alto;
  ro.write_hocr = c.write_hocr;
  ro.write_pdf = c.write_pdf;
  ro.write_page = c.write_page;
  ro.load.max_pixels = c.max_megapixels * 1e6;
  ro.load.pdf_dpi = c.pdf_dpi;
  ro.page_timeout = c.page_timeout;
  ro.memory_limit_mb = c.memory_limit_mb;
  ro.settings = c.settings;
  for (const char* stage : {"ocr", "orient"}) {
    if (!ro.settings[stage].count("lang")) ro.settings[stage]["lang"] = c.lang;
    if (!c.tessdata.empty()) ro.settings[stage]["tessdata"] = c.tessdata;
  }
  ro.cancel = &cancel_;
  // The PDF's text layer needs Tesseract's glyphless font (from where the
  // worker looks: the ocr stage's tessdata): missing, it is this config's
  // error, not every input's.
  if (c.write_pdf) {
    const StageSettings& ocr_settings = ro.settings["ocr"];
    const std::string tessdata = ocr_settings.count("tessdata") ? ocr_settings.at("tessdata") : "";
    auto font = formats::GlyphlessFont(ocr::TessdataDir(tessdata));
    if (!font.ok()) return Status(Code::kInvalidArgument, "format pdf: " + font.status().message());
  }
  // A bad stage option fails here, not on the first page.
  RegisterBuiltinStages();
  auto built = Pipeline::Build(DefaultPageStages(), ro.settings);
  if (!built.ok()) return built.status();
  return std::shared_ptr<const Shared>(std::move(s));
}

// Folders are made one at a time and never through a link: the old way
// (create_directories, then a check) made folders outside the corpus before
// it refused. A refusal is permanent (kIoError): the input is quarantined,
// not retried forever.
Result<std::string> Daemon::CorpusPath(const std::string& rel) {
  const fs::path p = fs::path(rel);
  auto dir = io::MakeFoldersBelow(corpus_, p.parent_path().string());
  if (!dir.ok()) {
    return Status(dir.status().code(), "refusing to write " + (fs::path(corpus_) / rel).string() + ": " + dir.status().ToString());
  }
  return (fs::path(dir.value()) / p.filename()).string();
}

int Daemon::BindInbox(StateDb& db) {
  struct stat st {};
  if (::stat(inbox_.c_str(), &st) != 0) {
    log_(kError, inbox_ + ": cannot read the inbox: " + std::strerror(errno));
    return 2;
  }
  const std::string id = FileId(st), mine = id + " " + inbox_;  // "dev:ino path"
  auto bound = db.BindMeta("inbox", mine);
  if (!bound.ok()) {
    log_(kError, bound.status().ToString());
    return 1;
  }
  if (bound.value() == mine) return 0;
  const std::string& was = bound.value();
  const auto space = was.find(' ');
  const std::string was_id = was.substr(0, space), was_path = space == std::string::npos ? "" : was.substr(space + 1);
  if (was_path != inbox_ && was_id != id && !opts_.inbox_moved) {
    log_(kError, "refusing to run: the corpus " + corpus_ + " takes its inputs from the inbox " + was_path + " (recorded in " +
                     state_path_ + "), not from " + inbox_ +
                     ". One corpus serves one inbox: outputs are named by the path below the inbox, so a.png in two "
                     "inboxes would share CORPUS/a.png.txt. Give this inbox its own --out; if the inbox itself moved "
                     "here, start once with --inbox-moved");
    return 2;
  }
  // The same folder under a new name, the same name for a new folder, or
  // a move the operator confirmed: the record follows.
  if (Status s = db.SetMeta("inbox", mine); !s.ok()) {
    log_(kError, s.ToString());
    return 1;
  }
  if (was_path != inbox_) log_(kInfo, "the inbox moved from " + was_path + " to " + inbox_ + "; recorded");
  return 0;
}

// CORPUS/.ocrflow/state: the path of the state database that serves the
// corpus, one line (BindState writes it). Not followed when it is a link.
Result<std::string> ReadStateRecord(const std::string& record) {
  int fd = ::open(record.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status(errno == ENOENT ? Code::kNotFound : Code::kIoError, std::strerror(errno)).WithFile(record);
  std::string data(4096, '\0');
  ssize_t n = ::read(fd, data.data(), data.size());
  ::close(fd);
  if (n < 0) return Status(Code::kIoError, std::strerror(errno)).WithFile(record);
  data.resize(static_cast<size_t>(n));
  if (!data.empty() && data.back() == '\n') data.pop_back();
  return data;
}

int Daemon::BindState() {
  std::error_code ec;
  const std::string mine = fs::weakly_canonical(fs::absolute(state_path_), ec).string();
  // Not recorded (a full or read-only corpus): the daemon runs, as it does
  // on such a corpus, and the next start records it.
  auto unrecorded = [&](const std::string& why) {
    log_(kWarn, "cannot record the state of the corpus in " + corpus_ + "/.ocrflow/state (" + why +
                    "); a daemon with another --state is not refused until it is");
    return 0;
  };
  auto dir = io::MakeFoldersBelow(corpus_, ".ocrflow");
  if (!dir.ok()) return unrecorded(dir.status().ToString());
  const std::string record = dir.value() + "/state";
  auto read_record = [&]() { return ReadStateRecord(record); };
  // Made whole under a temporary name and linked into place: of two
  // daemons starting at once, one records its state and the other reads it.
  auto was = read_record();
  if (!was.ok() && was.status().code() == Code::kNotFound) {
    std::string tmp = dir.value() + "/.state.XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) return unrecorded(std::strerror(errno));
    const std::string line = mine + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    const int write_error = errno;
    ::close(fd);
    const bool linked = written && ::link(tmp.c_str(), record.c_str()) == 0;
    const int link_error = errno;
    ::unlink(tmp.c_str());
    if (linked) return 0;
    if (!written) return unrecorded(std::strerror(write_error));
    if (link_error != EEXIST) return unrecorded(std::strerror(link_error));
    was = read_record();
  }
  if (!was.ok()) return unrecorded(was.status().ToString());
  if (was.value() == mine) return 0;
  struct stat other {};
  if (!was.value().empty() && ::stat(was.value().c_str(), &other) == 0) {
    log_(kError, "refusing to run: the corpus " + corpus_ + " is served by the state " + was.value() + " (recorded in " +
                     record + "), not by " + mine +
                     ". Two states on one corpus would each take every input, and both would write its outputs and "
                     "its manifest. Start with --state " + was.value() +
                     " (two daemons may share it), or give this daemon its own --out; if the state was moved here, "
                     "remove the old file first");
    return 2;
  }
  // The recorded state is gone (moved, or the corpus was copied): this one
  // takes its place.
  if (Status st = io::WriteFileAtomic(record, mine + "\n"); !st.ok()) return unrecorded(st.ToString());
  log_(kInfo, "the state of the corpus moved from " + was.value() + " (gone) to " + mine + "; recorded");
  return 0;
}

Status Daemon::WriteManifest(StateDb& db, const std::vector<std::string>& lines) {
  std::string data;
  for (const auto& l : lines) data += l + "\n";
  const std::string path = corpus_ + "/manifest.jsonl";
  if (Status st = WriteFileAtomic(path, data); !st.ok()) return st;
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return Status(WriteErrorCode(errno), "vanished after it was written").WithFile(path);
  return db.SetMeta("manifest_file", FileId(st));
}

Status Daemon::AppendManifest(StateDb& db, const std::string& line) {
  const std::string path = corpus_ + "/manifest.jsonl";
  auto id = db.GetMeta("manifest_file");
  if (!id.ok()) return id.status();
  Status st = AppendLine(path, line, id.value());
  if (st.code() == Code::kNotFound) {
    log_(kError, st.ToString() + "; rewriting it from the state database");
  }
  return st;
}

namespace {

// "2026-12-01T10:00:00Z" -> epoch seconds; 0 when it is not that.
double ParseIsoTime(const std::string& s) {
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return end ? static_cast<double>(timegm(&tm)) : 0;
}

// The PAGE XML files of the input `rel` in the corpus (PageXmlFiles():
// <rel>.page.xml, or <rel>-p<N>.page.xml per page), as suffixes of `rel`,
// sorted. Unambiguous: another input's name ends with a page file's
// extension, never with "-p<N>".
std::vector<std::string> PageXmlSuffixesInPlace(const std::string& corpus, const std::string& rel) {
  std::vector<std::string> out;
  const fs::path p = fs::path(corpus) / rel;
  const std::string name = p.filename().string(), ext = ".page.xml";
  std::error_code ec;
  for (auto it = fs::directory_iterator(p.parent_path(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string f = it->path().filename().string();
    if (f.size() < name.size() + ext.size() || f.compare(0, name.size(), name) != 0 ||
        f.compare(f.size() - ext.size(), ext.size(), ext) != 0)
      continue;
    const std::string page = f.substr(name.size(), f.size() - name.size() - ext.size());  // "" or "-p<N>"
    if (page.empty() || (page.size() > 2 && page.compare(0, 2, "-p") == 0 &&
                         page.find_first_not_of("0123456789", 2) == std::string::npos))
      out.push_back(page + ext);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<std::vector<ManifestEntry>> Daemon::ReadManifest(StateDb& db) {
  std::vector<ManifestEntry> entries;
  const std::string path = corpus_ + "/manifest.jsonl";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return entries;
    log_(kError, path + (e == ELOOP ? ": is a symbolic link: not read; replaced by a manifest rebuilt from the state database"
                                    : std::string(": cannot read: ") + std::strerror(e) + "; rebuilt from the state database"));
    return entries;
  }
  struct stat st {};
  auto id = db.GetMeta("manifest_file");
  if (!id.ok()) {
    ::close(fd);
    return id.status();
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    log_(kError, path + ": is not a regular file: not read; replaced by a manifest rebuilt from the state database");
    return entries;
  }
  if (!id.value().empty() && id.value() != FileId(st)) {
    ::close(fd);
    log_(kWarn, path + ": is not the file ocrflow wrote last (replaced or restored while stopped): not read; "
                       "rewritten from the state database");
    return entries;
  }
  std::string data;
  char buf[1 << 16];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    data.append(buf, static_cast<size_t>(r));
  }
  ::close(fd);
  std::istringstream in(data);
  std::string line;
  int bad = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    auto source = io::GetJsonName(j, "source");
    auto output = io::GetJsonName(j, "output");
    if (j.is_discarded() || !source || !j.contains("sha256") || !j["sha256"].is_string()) {
      ++bad;
      continue;
    }
    ManifestEntry e;
    e.path = *source;
    e.sha256 = j["sha256"].get<std::string>();
    e.output = output.value_or(*source + ".txt");
    e.pages = j.contains("pages") && j["pages"].is_number() ? j["pages"].get<int>() : 0;
    e.seconds = j.contains("seconds") && j["seconds"].is_number() ? j["seconds"].get<double>() : 0;
    // "finished" has whole seconds: the file's order breaks the ties.
    e.done_at = j.contains("finished") && j["finished"].is_string() ? ParseIsoTime(j["finished"].get<std::string>()) : 0;
    if (!entries.empty()) e.done_at = std::max(e.done_at, entries.back().done_at + 1e-3);
    e.line = line;
    entries.push_back(std::move(e));
  }
  if (bad) log_(kWarn, path + ": " + std::to_string(bad) + " lines that are not manifest lines (cut off by a crash?) dropped");
  return entries;
}

void Daemon::Transient(StateDb& db, const Claim& claim, const std::string& reason) {
  int n = db.TransientCount(claim.path);
  double delay = std::min(600.0, 5.0 * std::pow(2.0, std::min(n, 10)));
  log_(kWarn, "retry " + claim.path + " in " + Fixed(delay, 0) + " s: " + reason);
  Status st = db.Requeue(claim.path, owner_, Now() + delay, false, reason, true);
  if (!st.ok()) log_(kError, st.ToString());
}

Status Daemon::CopyToFailed(const std::string& rel, bool* link) {
  // A symbolic link is only described in the note: a link in the corpus
  // would lead a backup or `rsync -L` out to its target.
  struct stat lb {};
  *link = lstat((inbox_ + "/" + rel).c_str(), &lb) == 0 && S_ISLNK(lb.st_mode);
  if (*link) return Status::Ok();
  auto copy_to = CorpusPath("failed/" + rel);
  return copy_to.ok() ? CopyFileAtomic(inbox_ + "/" + rel, copy_to.value()) : copy_to.status();
}

std::string Daemon::KeepLeftOutPages(const Claim& claim, const std::string& sha,
                                     const std::vector<PageError>& page_errors) {
  bool link = false;
  Status copied = CopyToFailed(claim.path, &link);
  std::string note = claim.path + ": done, without these pages:\n";
  for (const PageError& e : page_errors) note += "  " + e.message + "\n";
  note += "done: " + IsoTime(Now(), false) + "\nsha256: " + sha + "\n";
  if (link) note += "(a symbolic link: not copied here; the inbox still has it)\n";
  if (!copied.ok()) note += "(not copied here: " + copied.ToString() + ")\n";
  auto note_to = CorpusPath("failed/" + claim.path + ".error.txt");
  Status st = note_to.ok() ? WriteFileAtomic(note_to.value(), note) : note_to.status();
  if (!st.ok()) return "; not kept in failed/: " + st.ToString();
  if (!copied.ok()) return "; named in failed/" + claim.path + ".error.txt, not copied: " + copied.ToString();
  return "; kept as failed/" + claim.path;
}

// What cannot be kept in the quarantine for good (a name too long for the
// file system, a file the daemon may not read, a folder that is a link) is
// said in the note, or, when even the note cannot be written, in the state's
// reason: the input is failed either way, never retried forever (issue 16,
// item 6). Only a transient error (disk full, read-only) keeps it queued.
void Daemon::Quarantine(StateDb& db, const Claim& claim, const std::string& sha, const std::string& reason) {
  std::string why = reason;
  bool link = false;
  std::string not_copied;
  {
    Status st = CopyToFailed(claim.path, &link);
    if (st.code() == Code::kNotFound) {  // gone from the inbox: nothing to keep
      log_(kInfo, "vanished " + claim.path + ": removed from the inbox before it could be quarantined");
      if (Status f = db.Forget(claim.path, owner_); !f.ok()) log_(kError, f.ToString());
      return;
    }
    if (st.code() == Code::kUnavailable) {  // the corpus cannot take it now: keep the input queued
      Transient(db, claim, "cannot quarantine: " + st.ToString());
      return;
    }
    if (!st.ok()) not_copied = st.ToString();
  }
  std::string note = claim.path + ": " + reason + "\nfailed: " + IsoTime(Now(), false) +
                     "\nattempts: " + std::to_string(claim.attempts) + "\n";
  if (!sha.empty()) note += "sha256: " + sha + "\n";
  if (link) note += "(a symbolic link: not copied here; the inbox still has it)\n";
  if (!not_copied.empty()) note += "(not copied here: " + not_copied + ")\n";
  auto note_to = CorpusPath("failed/" + claim.path + ".error.txt");
  Status st = note_to.ok() ? WriteFileAtomic(note_to.value(), note) : note_to.status();
  if (st.code() == Code::kUnavailable) {
    Transient(db, claim, "cannot quarantine: " + st.ToString());
    return;
  }
  if (!st.ok()) {
    why += " (not quarantined: " + st.ToString() + ")";
  } else if (!not_copied.empty()) {
    why += " (not copied to failed/: " + not_copied + ")";
  }
  struct stat sb {};
  long long size = -1, mtime = -1;
  if (lstat((inbox_ + "/" + claim.path).c_str(), &sb) == 0) size = sb.st_size, mtime = MtimeNs(sb);
  st = db.MarkFailed(claim.path, owner_, sha, why, Now(), size, mtime);
  if (!st.ok()) log_(kError, st.ToString());
  ++failed_total_;
  log_(kWarn, "failed " + claim.path + ": " + why +
                  (note_to.ok() && why == reason ? " (quarantined as failed/" + claim.path + ")" : ""));
}

void Daemon::ProcessOne(StateDb& db, const Claim& claim, const Shared& shared, WorkerProcess& child) {
  const WatchConfig& cfg = shared.config;
  const std::string& rel = claim.path;
  const std::string full = inbox_ + "/" + rel;
  const double t0 = Now();
  log_(kInfo, "start " + rel + (claim.attempts > 1 ? " (attempt " + std::to_string(claim.attempts) + ")" : ""));
  if (claim.attempts > cfg.max_attempts) {
    Quarantine(db, claim, "",
               "processing never finished in " + std::to_string(cfg.max_attempts) + " attempts " +
                   (claim.last_error.empty() ? "(the daemon stopped or crashed while working on it each time)"
                                             : "(last: " + claim.last_error + ")"));
    return;
  }
  struct stat st {};
  if (lstat(full.c_str(), &st) != 0) {
    log_(kInfo, "vanished " + rel + ": removed from the inbox before it was processed");
    if (Status f = db.Forget(rel, owner_); !f.ok()) log_(kError, f.ToString());
    return;
  }
  std::error_code ec;
  fs::path parent = fs::canonical(fs::path(full).parent_path(), ec);
  if (ec || !Inside(parent, inbox_)) {
    Quarantine(db, claim, "", "its folder leads out of the inbox (a symbolic link): not read");
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    fs::path target = fs::canonical(full, ec);
    if (!ec && Inside(target, inbox_)) {
      log_(kInfo, "skipped " + rel + ": a symbolic link to " + target.lexically_relative(inbox_).string() +
                      " inside the inbox, which is processed under its own name");
      if (Status f = db.Forget(rel, owner_); !f.ok()) log_(kError, f.ToString());
      return;
    }
    std::vector<char> buf(4096);
    ssize_t n = readlink(full.c_str(), buf.data(), buf.size() - 1);
    std::string to = n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : "?";
    Quarantine(db, claim, "", "a symbolic link to " + to + (ec ? " (which does not exist)" : "") +
                                  ", outside the inbox: not followed");
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    Quarantine(db, claim, "", "not a regular file");
    return;
  }

  std::string bytes;
  long long size = 0, mtime = 0;
  Status rs = ReadInput(full, &bytes, &size, &mtime);
  if (!rs.ok()) {
    switch (rs.code()) {
      case Code::kNotFound:
        log_(kInfo, "vanished " + rel + ": removed from the inbox before it was processed");
        if (Status f = db.Forget(rel, owner_); !f.ok()) log_(kError, f.ToString());
        return;
      case Code::kCancelled:  // a writer is still at it: after the settle time
        log_(kInfo, "requeued " + rel + ": it changed while being read");
        if (Status f = db.Requeue(rel, owner_, Now() + std::max(1.0, cfg.settle), false, rs.message(), false); !f.ok())
          log_(kError, f.ToString());
        return;
      case Code::kUnavailable: Transient(db, claim, rs.message()); return;
      default: Quarantine(db, claim, "", rs.message()); return;
    }
  }
  const std::string sha = Sha256Hex(bytes);
  // Every file this config makes of the input, beside each other (the
  // names `run` gives them); the manifest's output is the first, the .txt
  // or else the .json.
  const std::vector<std::string> suffixes = OutputSuffixes(shared.run);
  const std::string output = rel + suffixes.front();
  auto outputs_in_place = [&] {
    for (const std::string& suffix : suffixes) {
      if (!fs::exists(corpus_ + "/" + rel + suffix, ec)) return false;
    }
    return !shared.run.write_page || !PageXmlSuffixesInPlace(corpus_, rel).empty();
  };
  auto mark_done = [&](const DoneRecord& record) {
    Status s = db.MarkDone(
        rel, owner_, record, Now(), size, mtime,
        [&](const std::string& line) { return AppendManifest(db, line); },
        [&](const std::vector<std::string>& lines) { return WriteManifest(db, lines); });
    if (s.code() == Code::kUnavailable) {
      Transient(db, claim, s.ToString());
      return false;
    }
    if (!s.ok()) {
      log_(kError, s.ToString());
      return false;
    }
    return true;
  };

  // The same content as last time, every output in place: nothing to do.
  // (A format added to the config since makes it run again.)
  if (!claim.done_sha256.empty() && claim.done_sha256 == sha && outputs_in_place()) {
    DoneRecord r;
    r.path = rel, r.sha256 = sha, r.output = output;
    if (mark_done(r)) log_(kInfo, "unchanged " + rel + ": same content as when it was done, not OCR'd again");
    return;
  }

  nlohmann::ordered_json m;  // names are bytes: io::PutJsonName keeps them exactly
  io::PutJsonName(m, "source", rel);
  io::PutJsonName(m, "output", output);
  m["sha256"] = sha;

  // The same content under another name: copy its outputs (all of them, or
  // it runs: one done before a format was added has not every file).
  if (auto dup = db.FindDoneBySha(sha, rel); dup.ok() && dup.value()) {
    const DoneRecord& d = *dup.value();
    auto other = nlohmann::ordered_json::parse(d.manifest, nullptr, false);
    bool copied = !other.is_discarded();
    std::vector<std::string> copies = suffixes;
    if (shared.run.write_page) {  // its PAGE files, whichever pages it had
      const std::vector<std::string> pages = PageXmlSuffixesInPlace(corpus_, d.path);
      copied = copied && !pages.empty();
      copies.insert(copies.end(), pages.begin(), pages.end());
    }
    for (const std::string& suffix : copies) {
      if (!copied) break;
      auto to = CorpusPath(rel + suffix);
      auto data = ReadFileBytes(corpus_ + "/" + d.path + suffix);
      copied = to.ok() && data.ok() && WriteFileAtomic(to.value(), data.value()).ok();
    }
    if (copied) {
      for (const char* k : {"pages", "characters", "paragraphs", "mean_confidence", "skew_degrees"}) {
        if (other.contains(k)) m[k] = other[k];
      }
      m["seconds"] = Fixed(Now() - t0, 2);
      io::PutJsonName(m, "same_as", d.path);
      m["finished"] = IsoTime(Now(), false);
      m["ocrflow"] = OCRFLOW_VERSION;
      for (const char* k : {"tesseract", "lang", "models"}) {
        if (other.contains(k)) m[k] = other[k];
      }
      const int pages = other.contains("pages") && other["pages"].is_number() ? other["pages"].get<int>() : 0;
      DoneRecord r{rel, sha, output, pages, Now() - t0,
                   m.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
      if (mark_done(r)) {
        ++done_total_;
        log_(kInfo, "done " + rel + " -> " + output + " (same content as " + d.path + ", outputs copied)");
      }
      return;
    }
  }

  // In a worker process: a crash, a runaway allocation or a hang there is
  // this input's failure, and the outputs are written here, never by it.
  // Each worker started anew (by exec) for one of its requests is named as
  // it is ready: a book makes many (its page count, each page's tries).
  child.set_on_started([this](const WorkerProcess& w) { log_(kInfo, w.StartedLine()); });
  auto on_page = [&](const PageEvent& e) {
    if (e.status.ok()) {
      log_(kInfo, "page " + rel + " p" + std::to_string(e.number) + ": " + std::to_string(e.characters) + " chars, " +
                      std::to_string(e.paragraphs) + " paragraphs, skew " + Fixed(e.skew_degrees, 2) + ", conf " +
                      Fixed(e.confidence, 1) + ", " + Fixed(e.seconds, 2) + " s");
      ++pages_minute_;
    } else if (e.status.code() != Code::kCancelled) {
      log_(kWarn, "page " + rel + " p" + std::to_string(e.number) + ": " + e.status.message());
    }
  };
  // A TIFF or a PDF page by page, as `run` reads it: a page that kills its
  // worker is tried again on its own, then left out, and the other pages
  // are read once each (docs/watch.md, *Failure*). Any other input is one
  // page: the worker reads it whole.
  auto on_retry = [&](int page, const Status& why, int attempt) {
    log_(kWarn, "retry " + rel + " page " + std::to_string(page) + " (attempt " + std::to_string(attempt) + " of " +
                    std::to_string(cfg.max_attempts) + "): " + why.message());
  };
  // Each page kept in the state as it ends (and each failed try counted),
  // so that a daemon killed halfway through a book resumes at the first
  // page not finished, and a page that kills its worker is not tried
  // afresh after each restart (docs/watch.md, *Failure*).
  PageJournal journal;
  if (auto kept = db.KeptPages(rel, sha); kept.ok()) journal.kept = std::move(kept).value();
  else log_(kWarn, kept.status().ToString() + " (its pages are read anew)");
  journal.keep = [&](int page, const std::string& record) {
    if (Status k = db.KeepPage(rel, owner_, sha, page, record); !k.ok()) log_(kWarn, k.ToString());
  };
  journal.on_resume = [&](int finished, int pages) {
    log_(kInfo, "resumed " + rel + ": " + std::to_string(finished) + " of " + std::to_string(pages) +
                    " pages finished before, not read again");
  };
  Result<InputOutcome> outcome =
      MayHoldManyPages(std::string_view(bytes).substr(0, 8))
          ? ProcessPageByPage(child, bytes, rel, shared.run, cfg.max_attempts, on_page, on_retry, &cancel_, &journal)
          : child.Process(bytes, rel, shared.run, on_page, &cancel_);
  Status fail = outcome.ok() ? outcome.value().status : outcome.status();
  if (cancel_.load() || fail.code() == Code::kCancelled) {
    log_(kInfo, "requeued " + rel + ": stopping");
    if (Status f = db.Requeue(rel, owner_, 0, false, "", false); !f.ok()) log_(kError, f.ToString());
    return;
  }
  // Every page was tried until max_attempts, and none was read: nothing is
  // gained by trying the input again as a whole.
  if (!fail.ok() && outcome.ok() && outcome.value().left_out_pages > 0) {
    const InputOutcome& o = outcome.value();
    std::string why = o.page_errors.size() == 1 ? fail.message() : "no page could be read";
    if (o.page_errors.size() > 1) {
      for (const PageError& e : o.page_errors) why += "; " + e.message;
    }
    Quarantine(db, claim, sha, why);
    return;
  }
  // The worker died, was killed for time, or ran out of its memory limit:
  // counted, retried up to max_attempts, then quarantined with the reason.
  const bool worker_failed = !outcome.ok() || fail.code() == Code::kDeadlineExceeded ||
                             (fail.code() == Code::kUnavailable && fail.message().find("RLIMIT_AS") != std::string::npos);
  if (!fail.ok()) {
    // Out of memory in the page's own process (kUnavailable here: reading
    // and writing are past or to come) counts attempts like a dead worker
    // or an internal error: a page too big for this machine ends
    // quarantined with the reason, instead of being retried forever.
    if (worker_failed || fail.code() == Code::kInternal || fail.code() == Code::kUnavailable) {
      if (claim.attempts < cfg.max_attempts) {
        log_(kWarn, "retry " + rel + " (attempt " + std::to_string(claim.attempts) + " of " +
                        std::to_string(cfg.max_attempts) + "): " + fail.message());
        if (Status f = db.Requeue(rel, owner_, Now() + kWorkerRetryDelay, true, fail.message(), false); !f.ok())
          log_(kError, f.ToString());
      } else {
        Quarantine(db, claim, sha, fail.message() + " (attempt " + std::to_string(claim.attempts) + " of " +
                                       std::to_string(cfg.max_attempts) + ")");
      }
    } else {
      Quarantine(db, claim, sha, fail.message());
    }
    return;
  }
  const InputOutcome& o = outcome.value();
  // No PDF could be made of it (its pages did not decode again): the input
  // fails before anything is written, so no input is done without a file
  // its config asks for.
  if (cfg.write_pdf && !o.pdf_error.empty()) {
    Quarantine(db, claim, sha, o.pdf_error);
    return;
  }
  // Every file whole (temporary name, fsync, rename) before the input is
  // recorded done: a crash between two leaves it not done, and it runs again.
  Status ws;
  for (const auto& [suffix, data] : OutcomeFiles(shared.run, o)) {
    auto to = CorpusPath(rel + suffix);
    ws = to.ok() ? WriteFileAtomic(to.value(), *data) : to.status();
    if (!ws.ok()) break;
  }
  if (ws.code() == Code::kUnavailable) {  // disk full, read-only: the corpus's moment, keep it queued
    Transient(db, claim, "cannot write the output: " + ws.ToString());
    return;
  }
  if (!ws.ok()) {  // a name too long, no permission, a linked folder: never better, so not retried
    Quarantine(db, claim, sha, "cannot write the output: " + ws.ToString());
    return;
  }
  const double secs = Now() - t0;
  // The line `run --manifest` writes too (app/manifest.h), with the times.
  ManifestRecord line;
  line.source = rel, line.output = output, line.sha256 = sha;
  line.pages = o.pages, line.failed_pages = o.failed_pages, line.timed_out_pages = o.timed_out_pages;
  line.characters = o.characters, line.paragraphs = o.paragraphs;
  line.mean_confidence = o.mean_confidence, line.skew_degrees = o.skew_degrees;
  line.seconds = secs, line.finished = IsoTime(Now(), false);
  line.ocrflow = OCRFLOW_VERSION, line.tesseract = ocr::TesseractVersion(), line.lang = cfg.lang;
  line.models = shared.models;
  // The pages not read, each named as `run` names it ("<rel>: page N: ...").
  for (const PageError& e : o.page_errors) line.errors.push_back(rel + ": " + e.message);
  DoneRecord r{rel, sha, output, o.pages, secs, RenderManifestLine(line)};
  // Pages not read (left out, timed out inside a stage, not decodable; no
  // text of theirs is written): the input is done (its other pages are in
  // the corpus), and a copy of it is kept in failed/ with a note naming
  // them and why, so that the pages not read stay at hand after the inbox
  // is cleared (issue 16: a page that timed out, or that did not decode,
  // left no copy).
  const bool keep = o.failed_pages > 0;
  std::string kept;
  if (keep) kept = KeepLeftOutPages(claim, sha, o.page_errors);
  // The pages not read, counted by why (PageError::reason).
  auto count = [&](PageFailure reason, const char* what) {
    const auto n = std::count_if(o.page_errors.begin(), o.page_errors.end(),
                                 [&](const PageError& e) { return e.reason == reason; });
    return n > 0 ? ", " + std::to_string(n) + " " + what : std::string();
  };
  if (mark_done(r)) {
    ++done_total_;
    log_(kInfo, "done " + rel + " -> " + output + " (" + std::to_string(o.pages) + " pages" +
                    count(PageFailure::kLeftOut, "left out") + count(PageFailure::kTimedOut, "timed out") +
                    count(PageFailure::kNotRead, "not read") + kept + ", " + Fixed(secs, 2) + " s)");
    // It failed before and was replaced by a good file: the quarantine entry is history.
    if (!keep) {
      fs::remove(fs::path(corpus_) / "failed" / rel, ec);
      fs::remove(fs::path(corpus_) / "failed" / (rel + ".error.txt"), ec);
    }
  }
}

void Daemon::Worker(int index, std::unique_ptr<WorkerProcess> child, WorkerLimits limits) {
  auto db = StateDb::Open(state_path_);
  if (!db.ok()) {
    log_(kError, "worker " + std::to_string(index) + ": " + db.status().ToString());
    return;
  }
  // This thread's worker process, made again (exec'd at its first input:
  // this process runs threads now) when a reloaded config changes its limits.
  while (!stop_taking_.load()) {
    auto shared = Current();
    if (!child || limits.page_timeout != shared->config.page_timeout ||
        limits.memory_limit_mb != shared->config.memory_limit_mb) {
      limits = MakeWorkerLimits(shared->config.page_timeout, shared->config.memory_limit_mb, opts_.worker_hooks);
      child = std::make_unique<WorkerProcess>("", limits);
    }
    double now = Now();
    std::unique_lock<std::mutex> flight(flight_mu_);
    auto claim = db.value()->ClaimNext(owner_, now, now + kLeaseSeconds);
    if (claim.ok() && claim.value()) in_flight_.insert(claim.value()->path);
    flight.unlock();
    if (!claim.ok()) {
      log_(kWarn, claim.status().ToString());
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1));
      continue;
    }
    if (!claim.value()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(500));
      continue;
    }
    ++busy_;
    try {
      ProcessOne(*db.value(), *claim.value(), *shared, *child);
    } catch (const std::exception& e) {  // never a dead worker; counted, so it ends quarantined with the reason
      log_(kError, "internal error on " + claim.value()->path + ": " + e.what());
      (void)db.value()->Requeue(claim.value()->path, owner_, Now() + 5, true, std::string("internal error: ") + e.what(), false);
    }
    {
      std::lock_guard<std::mutex> lock(flight_mu_);
      in_flight_.erase(claim.value()->path);
    }
    --busy_;
  }
}

int Daemon::Run() {
  // Signals are read from a signalfd by the main loop; every thread blocks
  // them, from the start, so a SIGTERM during start-up is not fatal either.
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sigs, s);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  // Folders: both must exist (CORPUS is made), and neither may hold the other.
  std::error_code ec;
  if (!fs::is_directory(opts_.inbox, ec)) {
    log_(kError, opts_.inbox + ": the inbox is not a folder" + (fs::exists(opts_.inbox, ec) ? "" : " (it does not exist)"));
    return 2;
  }
  // Checked on the resolved paths before CORPUS is made: a refused corpus
  // must not be created inside the inbox.
  inbox_ = fs::canonical(opts_.inbox).string();
  corpus_ = fs::weakly_canonical(fs::absolute(opts_.corpus)).string();
  if (Inside(inbox_, corpus_) || Inside(corpus_, inbox_)) {
    log_(kError, "refusing to run: the inbox " + inbox_ + " and the corpus " + corpus_ +
                     (inbox_ == corpus_ ? " are the same folder" : Inside(inbox_, corpus_) ? ": the inbox is inside the corpus" : ": the corpus is inside the inbox") +
                     " (outputs would be read back as inputs); use two separate folders");
    return 2;
  }
  fs::create_directories(corpus_, ec);
  if (ec || !fs::is_directory(corpus_)) {
    log_(kError, opts_.corpus + ": cannot create the corpus folder" + (ec ? ": " + ec.message() : ""));
    return 2;
  }
  corpus_ = fs::canonical(corpus_).string();
  // The same check on what the folders are, not what they are called: a
  // bind mount shows the corpus inside the inbox under a path that says
  // nothing (issue 16, item 7: quarantine copies were read back as inputs).
  {
    const auto corpus_ids = SelfAndAbove(corpus_), inbox_ids = SelfAndAbove(inbox_);
    struct stat ci {}, ii {};
    ::stat(corpus_.c_str(), &ci);
    ::stat(inbox_.c_str(), &ii);
    std::string why;
    if (corpus_ids.count({ii.st_dev, ii.st_ino})) {
      why = "the inbox is inside the corpus (the same folder by device and inode number; a bind mount?)";
    } else if (inbox_ids.count({ci.st_dev, ci.st_ino})) {
      why = "the corpus is inside the inbox (the same folder by device and inode number; a bind mount?)";
    } else if (auto in = FindFolderIn(inbox_, corpus_ids); !in.empty()) {
      why = "the corpus, or a folder holding it, is mounted inside the inbox as " + inbox_ + "/" + in +
            " (the same device and inode number)";
    } else if (auto in = FindFolderIn(corpus_, inbox_ids); !in.empty()) {
      why = "the inbox, or a folder holding it, is mounted inside the corpus as " + corpus_ + "/" + in +
            " (the same device and inode number)";
    }
    if (!why.empty()) {
      log_(kError, "refusing to run: the inbox " + inbox_ + " and the corpus " + corpus_ + ": " + why +
                       " (outputs would be read back as inputs); use two separate folders");
      return 2;
    }
  }
  state_path_ = opts_.state.empty() ? corpus_ + "/.ocrflow/state.db" : opts_.state;
  if (!opts_.state.empty() && Inside(fs::absolute(opts_.state).lexically_normal(), inbox_)) {
    log_(kError, "refusing to run: the state file " + opts_.state + " is inside the inbox " + inbox_);
    return 2;
  }
  auto config = LoadWatchConfig(opts_.config_file, opts_.overrides);
  if (!config.ok()) {
    log_(kError, config.status().ToString());
    return 2;
  }
  auto shared = Prepare(config.value());
  if (!shared.ok()) {
    log_(kError, shared.status().ToString());
    return 2;
  }
  shared_ = shared.value();
  log_.set_level(ParseLevel(shared_->config.log_level));
  if (int rc = BindState(); rc != 0) return rc;
  auto db = StateDb::Open(state_path_);
  if (!db.ok()) {
    log_(kError, db.status().ToString());
    return 1;
  }
  owner_ = OwnerId();
  if (int rc = BindInbox(*db.value()); rc != 0) return rc;

  int sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);

  // Leftovers of a crash: cut-off writes, work whose owner died, a manifest
  // that may lack its last line or hold a torn one.
  int temps = RemoveStaleTemps(corpus_);
  // A row of this daemon that no worker holds (a database error lost the
  // worker's last update) is abandoned too.
  auto alive = [this](const std::string& path, const std::string& owner, double lease) {
    if (owner == owner_) {
      std::lock_guard<std::mutex> lock(flight_mu_);
      return in_flight_.count(path) > 0;
    }
    return OwnerAlive(owner, lease, owner_);
  };
  auto recovered = db.value()->RecoverAbandoned(alive, Now());
  // The manifest never shrinks: lines the state lacks (a deleted or emptied
  // state.db, a crash between the append and the commit) are taken in.
  auto taken = db.value()->RebuildManifest([&] { return ReadManifest(*db.value()); },
                                           [&](const auto& lines) { return WriteManifest(*db.value(), lines); });
  if (!taken.ok()) {
    log_(kWarn, "manifest: " + taken.status().ToString());
  } else if (taken.value() > 0) {
    log_(kWarn, "state: " + std::to_string(taken.value()) + " done inputs taken in from manifest.jsonl (the state database " +
                    state_path_ + " lacked them: deleted, emptied or cut off); they are not OCR'd again");
  }
  auto watcher = InboxWatcher::Start(inbox_, shared_->config.settle, SelfAndAbove(corpus_));
  if (!watcher.ok()) {
    log_(kError, watcher.status().ToString());
    return 1;
  }
  InboxWatcher& w = *watcher.value();
  const int jobs = shared_->config.jobs > 0 ? shared_->config.jobs
                                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  log_(kInfo, "watching " + inbox_ + " -> " + corpus_ + " (state " + state_path_ + ", " + std::to_string(jobs) +
                  " workers, lang " + shared_->config.lang + ", owner " + owner_ + ")" +
                  (recovered.ok() && recovered.value() ? "; " + std::to_string(recovered.value()) + " unfinished inputs requeued" : "") +
                  (temps ? "; " + std::to_string(temps) + " cut-off temporary files removed" : ""));

  // Each worker thread's worker process, forked now, while this process
  // runs one thread: a copy of the daemon, its libraries loaded and
  // relocated, serves the inputs instead of an `ocrflow __worker` exec'd
  // anew (0.2-0.28 s CPU each, docs/watch.md). One that dies is replaced by
  // exec, as is every one when fork() cannot be used (threads, ASan).
  // The reflow stage's word list is loaded first, and shared with them.
  const WorkerLimits limits =
      MakeWorkerLimits(shared_->config.page_timeout, shared_->config.memory_limit_mb, opts_.worker_hooks);
  const std::vector<std::string> stages = DefaultPageStages();
  std::vector<std::unique_ptr<WorkerProcess>> children =
      ForkWorkerProcesses(jobs, "", limits, opts_.worker_hooks,
                          std::find(stages.begin(), stages.end(), "reflow") != stages.end(),
                          [this](const std::string& line) { log_(kInfo, line); });

  UseOneMallocArenaForOneWorker(jobs);
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs; ++i) {
    workers.emplace_back([this, i, child = std::move(children[i]), limits]() mutable {
      Worker(i, std::move(child), limits);
    });
  }

  double last_renew = Now(), last_summary = Now(), last_rescan = Now(), last_idle_check = 0;
  bool stop = false;
  int exit_code = 0;
  while (!stop) {
    struct pollfd fds[2] = {{w.fd(), POLLIN, 0}, {sfd, POLLIN, 0}};
    poll(fds, 2, 200);
    double now = Now();
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo si {};
      while (read(sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGHUP) {
          auto c = LoadWatchConfig(opts_.config_file, opts_.overrides);
          auto s = c.ok() ? Prepare(c.value()) : Result<std::shared_ptr<const Shared>>(c.status());
          if (!s.ok()) {
            log_(kError, "SIGHUP: config not reloaded, keeping the old one: " + s.status().ToString());
          } else {
            const int old_jobs = Current()->config.jobs;
            {
              std::lock_guard<std::mutex> lock(mu_);
              shared_ = s.value();
            }
            log_.set_level(ParseLevel(s.value()->config.log_level));
            w.set_settle(s.value()->config.settle);
            log_(kInfo, "SIGHUP: config reloaded" +
                            (s.value()->config.jobs != old_jobs ? std::string(" (jobs takes effect at the next start)") : ""));
          }
        } else {
          log_(kInfo, std::string(si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT") +
                          ": stopping; work in flight is requeued");
          stop = true;
        }
      }
    }
    if (fds[0].revents & POLLIN) w.HandleEvents(now);
    auto cfg = Current();
    if (now - last_rescan >= cfg->config.rescan) {
      w.Rescan(now);
      last_rescan = now;
    }
    for (const auto& warning : w.TakeWarnings()) log_(kWarn, warning);
    bool offered = false;
    for (const auto& c : w.TakeReady(now)) {
      auto r = db.value()->Offer(c.rel, c.size, c.mtime_ns, now);
      if (!r.ok()) {  // e.g. the database stayed locked: look again in a second
        log_(kWarn, r.status().ToString());
        w.Retry(c.rel, now + 1);
      }
      else if (r.value()) offered = true, log_(kDebug, "queued " + c.rel);
    }
    if (offered) cv_.notify_all();
    if (now - last_renew >= kRenewEvery) {
      if (Status st = db.value()->RenewLeases(owner_, now + kLeaseSeconds); !st.ok()) log_(kWarn, st.ToString());
      auto r = db.value()->RecoverAbandoned(alive, now);
      if (r.ok() && r.value() > 0) {
        log_(kInfo, std::to_string(r.value()) + " inputs abandoned by a stopped daemon requeued");
        cv_.notify_all();
      }
      last_renew = now;
    }
    if (now - last_summary >= kSummaryEvery) {
      auto counts = db.value()->Counts();
      if (counts.ok()) {
        const auto& c = counts.value();
        log_(kInfo, "summary: " + std::to_string(c.done) + " done, " + std::to_string(c.failed) + " failed, " +
                        std::to_string(c.queued) + " queued, " + std::to_string(c.working) + " working; " +
                        std::to_string(pages_minute_.exchange(0)) + " pages/min over the last minute (this daemon)");
      }
      last_summary = now;
    }
    if (opts_.once && now - last_idle_check >= 0.5) {
      last_idle_check = now;
      // `--once` always ends: an input that only waits for the disk to
      // have room again is left for the next start, and said so.
      auto idle = db.value()->Idle(true);
      if (w.pending() == 0 && busy_.load() == 0 && idle.ok() && idle.value()) {
        auto counts = db.value()->Counts();
        const long left = counts.ok() ? counts.value().retrying : 0;
        if (left > 0) {
          log_(kWarn, "--once: " + std::to_string(left) +
                          " inputs are left queued after a transient error (disk full, read-only, a read error); "
                          "they are retried at the next start");
        } else {
          log_(kInfo, "--once: everything in the inbox is processed");
        }
        stop = true;
      }
    }
  }
  stop_taking_ = true;
  cancel_ = true;
  cv_.notify_all();
  for (auto& t : workers) t.join();
  if (sfd >= 0) close(sfd);
  auto counts = db.value()->Counts();
  if (counts.ok()) {
    log_(kInfo, "stopped: " + std::to_string(done_total_.load()) + " done and " + std::to_string(failed_total_.load()) +
                    " failed by this daemon; " + std::to_string(counts.value().queued) + " queued for the next start");
  }
  return exit_code;
}

}  // namespace

int RunWatch(const WatchOptions& options, std::ostream& log) {
  Daemon d(options, log);
  return d.Run();
}

std::string StateOfCorpus(const std::string& corpus) {
  auto recorded = ReadStateRecord(corpus + "/.ocrflow/state");
  return recorded.ok() && !recorded.value().empty() ? recorded.value() : corpus + "/.ocrflow/state.db";
}

int RunStatus(const std::string& state_path, bool json, int max_failures, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!fs::is_regular_file(state_path, ec)) {
    err << "ocrflow status: " << state_path << ": no state database there (is it the right --state or --out?)\n";
    return 2;
  }
  auto db = StateDb::Open(state_path);
  if (!db.ok()) {
    err << "ocrflow status: " << db.status().ToString() << "\n";
    return 1;
  }
  auto counts = db.value()->Counts();
  auto failures = db.value()->Failures(max_failures);
  auto working = db.value()->Working();
  const double now = Now();
  auto pages = db.value()->PagesSince(now - 3600);
  if (!counts.ok() || !failures.ok() || !pages.ok() || !working.ok()) {
    err << "ocrflow status: " << (!counts.ok() ? counts.status() : !failures.ok() ? failures.status() : !pages.ok() ? pages.status() : working.status()).ToString()
        << "\n";
    return 1;
  }
  const auto& c = counts.value();
  const long n = pages.value().pages;
  const double per_min = n / 60.0;
  const double busy = pages.value().busy_seconds;
  const double busy_per_min = busy > 0 ? n / busy * 60 : 0;
  if (json) {
    nlohmann::ordered_json j;
    io::PutJsonName(j, "state", state_path);
    j["counts"] = {{"queued", c.queued}, {"working", c.working}, {"done", c.done}, {"failed", c.failed}};
    j["pages_last_hour"] = n;
    j["pages_per_minute_last_hour"] = std::round(per_min * 100) / 100;
    j["pages_per_minute_while_busy"] = std::round(busy_per_min * 100) / 100;
    j["working"] = nlohmann::ordered_json::array();
    for (const auto& w : working.value()) {
      nlohmann::ordered_json o;
      io::PutJsonName(o, "path", w.path);
      o["owner"] = w.owner, o["attempt"] = w.attempts, o["started"] = IsoTime(w.started_at, false);
      j["working"].push_back(std::move(o));
    }
    j["failures"] = nlohmann::ordered_json::array();
    for (const auto& f : failures.value()) {
      nlohmann::ordered_json o;
      io::PutJsonName(o, "path", f.path);
      io::PutJsonName(o, "error", f.error);  // errors quote names
      o["attempts"] = f.attempts, o["failed"] = IsoTime(f.finished_at, false);
      j["failures"].push_back(std::move(o));
    }
    out << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return 0;
  }
  out << "state: " << state_path << "\n";
  out << "queued " << c.queued << ", working " << c.working << ", done " << c.done << ", failed " << c.failed << "\n";
  out << "pages per minute over the last hour: " << Fixed(per_min, 2) << " (" << n << " pages";
  if (n > 0) out << "; " << Fixed(busy_per_min, 1) << " pages/min while busy, over " << Fixed(busy, 0) << " s";
  out << ")\n";
  if (!working.value().empty()) {
    out << "working:\n";
    for (const auto& w : working.value()) {
      out << "  " << io::Printable(w.path) << " (attempt " << w.attempts << ", by " << w.owner << ", for " << Fixed(now - w.started_at, 0)
          << " s)\n";
    }
  }
  if (!failures.value().empty()) {
    out << "failed" << (c.failed > static_cast<long>(failures.value().size()) ? " (latest " + std::to_string(failures.value().size()) + ")" : "")
        << ":\n";
    for (const auto& f : failures.value()) {
      out << "  " << io::Printable(f.path) << ": " << io::Printable(f.error) << " (" << f.attempts << " attempt" << (f.attempts == 1 ? "" : "s") << ", "
          << IsoTime(f.finished_at, false) << ")\n";
    }
  }
  return 0;
}

}  // namespace ocrflow::daemon
