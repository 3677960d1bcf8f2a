// End-to-end tests of `ocrflow watch` (docs/watch.md) through the real
// binary: the daemon runs as a child process on a fresh INBOX and CORPUS per
// test, inputs arrive the way scanners and ingest jobs deliver them (moved in,
// written in place, whole folders moved in), and the tests check the promises
// of the contract: the inbox is never written, nothing half-written or extra
// appears in CORPUS, every input ends done (one text, one manifest line) or
// failed (one quarantine copy and its error note), nothing is lost or done
// twice across SIGKILL, SIGTERM and two daemons on one corpus.
//
// Pages are small (900x300, three lines of Hershey text, unique per input) so
// that a run of 200 inputs takes well under a minute on two cores.
// SurvivesSigkill logs its random seed; OCRFLOW_WATCH_SEED=N replays it.
// OCRFLOW_WATCH_KEEP=1 keeps each test's folder (its path is printed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/io/atomic_file.h"
#include "tests/e2e/archive_text.h"
#include "tests/e2e/bad_images.h"
#include "tests/e2e/cli_harness.h"

extern char** environ;

namespace fs = std::filesystem;

namespace {

using namespace ocrflow::e2e;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
std::string Fixed1(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << x;
  return s.str();
}
void SleepFor(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

// ---------------------------------------------------------------- inputs --

const char* kSentences[] = {
    "The river flooded the lower town last spring.",  "Farmers brought their apples to the market early.",
    "The new bridge opens to traffic next Monday.",   "A quiet storm passed over the harbour at night.",
    "Local schools will teach chess this winter.",    "The mayor thanked volunteers for their hard work.",
    "Train tickets will cost less on weekends.",      "The library adds a reading room for children.",
};

std::string Id3(int id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", id);
  return buf;
}

// A page saying "Input 017 of the watch test" and a sentence, as PNG bytes.
std::string PagePng(int id) {
  cv::Mat img(300, 900, CV_8UC1, cv::Scalar(255));
  const std::string l1 = "Input " + Id3(id) + " of the watch test";
  const std::string l2 = kSentences[id % 8];
  cv::putText(img, l1, {40, 90}, cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar(0), 2, cv::LINE_AA);
  cv::putText(img, l2, {40, 170}, cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2, cv::LINE_AA);
  cv::putText(img, "Page number " + Id3(id) + " ends here.", {40, 240}, cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2,
              cv::LINE_AA);
  std::vector<unsigned char> buf;
  cv::imencode(".png", img, buf);
  return std::string(buf.begin(), buf.end());
}


struct Input {
  int id = 0;
  std::string rel;    // relative to INBOX
  std::string bytes;  // its content
  bool good = true;
  std::string kind;   // good, zero, cut, text, huge; sample (a page of samples/pages)
};

// `count` inputs, ids first_id.., every tenth bad (zero bytes, truncated PNG,
// text named .png, PNG claiming 30000x30000+ in turn); some in subfolders
// when `subfolders`.
std::vector<Input> MakeInputs(int count, int first_id = 1, bool subfolders = true) {
  std::vector<Input> v;
  const char* kinds[] = {"zero", "cut", "text", "huge"};
  int bad = 0;
  for (int i = 0; i < count; ++i) {
    Input in;
    in.id = first_id + i;
    std::string dir;
    if (subfolders && i % 13 == 5) dir = "sub/";
    if (subfolders && i % 17 == 3) dir = "day2/deep/";
    if (i % 10 == 9) {
      in.good = false;
      in.kind = kinds[bad++ % 4];
      in.rel = dir + "bad-" + in.kind + "-" + Id3(in.id) + ".png";
      if (in.kind == "zero") {
        in.bytes = "";
      } else if (in.kind == "cut") {
        std::string png = PagePng(in.id);
        in.bytes = png.substr(0, png.size() / 2);
      } else if (in.kind == "text") {
        in.bytes = "This is input " + Id3(in.id) + ", a text file and not an image.\n";
      } else {
        in.bytes = PngClaiming(30000, 30000 + static_cast<uint32_t>(in.id));
      }
    } else {
      in.kind = "good";
      in.rel = dir + "in-" + Id3(in.id) + ".png";
      in.bytes = PagePng(in.id);
    }
    v.push_back(std::move(in));
  }
  return v;
}

int CountGood(const std::vector<Input>& v) {
  int n = 0;
  for (const auto& in : v) n += in.good;
  return n;
}

// fsync'd write, as a careful scanner would do it.
void WriteFile(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << p;
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    ASSERT_GT(n, 0) << p;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
}

enum class Delivery { kInPlace, kPartThenRename, kMovedIn };

// INBOX snapshot: path -> (size, mtime) of every entry, to prove it unchanged.
std::map<std::string, std::pair<uintmax_t, long long>> Snapshot(const fs::path& root) {
  std::map<std::string, std::pair<uintmax_t, long long>> m;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    m[fs::relative(it->path(), root).string()] = {S_ISDIR(st.st_mode) ? 0 : static_cast<uintmax_t>(st.st_size),
                                                  static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
  }
  return m;
}

// ------------------------------------------------------------- log lines --

// rel -> how many lines of this event ("start", "done", "failed").
std::map<std::string, int> Events(const std::string& log, const std::string& event) {
  std::map<std::string, int> m;
  const std::regex re(event == "done"     ? R"((?:^|\s)done\s+(\S+)\s+->)"
                      : event == "failed" ? R"((?:^|\s)failed\s+(\S+):\s)"
                                          : R"((?:^|\s)start\s+(\S+))");
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch mt;
    if (std::regex_search(line, mt, re)) ++m[mt[1].str()];
  }
  return m;
}

std::string Tail(const std::string& s, size_t lines) {
  if (s.empty()) return s;
  size_t pos = s.size(), n = 0;
  while (pos > 0 && n <= lines) {
    pos = s.rfind('\n', pos - 1);
    if (pos == std::string::npos) return s;
    ++n;
  }
  return s.substr(pos + 1);
}

// ------------------------------------------------------------ state DB --

// Read-only look at the daemon's state database (docs/watch.md: table
// `inputs`, one row per input path with status and attempts).
struct StateRow {
  std::string status, error;
  int attempts = 0;
};

std::map<std::string, StateRow> ReadState(const fs::path& db_path) {
  std::map<std::string, StateRow> rows;
  if (!fs::exists(db_path)) return rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT path, status, attempts, coalesce(error,'') FROM inputs", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      StateRow r;
      r.status = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      r.attempts = sqlite3_column_int(st, 2);
      r.error = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      rows[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = r;
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

// ------------------------------------------------------------- fixture --

struct Daemon {
  pid_t pid = -1;
  fs::path log;
  bool reaped = false;
  int exit_code = -1;  // when reaped: exit status, or 128+signal
  Clock::time_point started;
};

// What a finished run looked like, for the report.
struct Figures {
  int inputs = 0, good = 0, bad = 0, lost = 0, duplicated = 0, unexpected = 0, wrong_text = 0;
};

class WatchTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    inbox_ = dir_ / "inbox";
    corpus_ = dir_ / "corpus";
    staging_ = dir_ / "staging";  // same file system: rename from here is a move-in
    fs::create_directories(inbox_);
    fs::create_directories(corpus_);
    fs::create_directories(staging_);
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
  }

  void TearDown() override {
    for (auto& d : daemons_) {
      if (!d.reaped) {
        ::kill(-d.pid, SIGKILL);  // its own process group
        ::kill(d.pid, SIGKILL);
        int st;
        ::waitpid(d.pid, &st, 0);
        d.reaped = true;
      }
    }
    if (HasFailure()) {
      for (const auto& d : daemons_) {
        std::cerr << "---- " << d.log << " (last lines)\n" << Tail(Slurp(d.log), 30) << "\n";
      }
    }
    if (std::getenv("OCRFLOW_WATCH_KEEP")) {
      std::cerr << "kept " << dir_ << "\n";
      return;
    }
    CliTest::TearDown();
  }

  // Starts `ocrflow watch ARGS` (stderr to a log file); returns its index.
  // `wrapper` runs it (prlimit, setpriv ...: absolute path first).
  size_t Start(const std::vector<std::string>& args, const std::vector<std::string>& wrapper = {}) {
    Daemon d;
    d.log = dir_ / ("daemon-" + std::to_string(daemons_.size()) + ".log");
    std::vector<std::string> argv = wrapper;
    argv.push_back(OCRFLOW_BIN);
    argv.push_back("watch");
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    const std::string out = d.log.string() + ".stdout";
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, d.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, 0);
    int rc = posix_spawn(&d.pid, argv[0].c_str(), &fa, &at, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    EXPECT_EQ(rc, 0) << "posix_spawn " << OCRFLOW_BIN;
    d.started = Clock::now();
    daemons_.push_back(d);
    return daemons_.size() - 1;
  }

  // The usual daemon: INBOX --out CORPUS --lang eng --jobs 2, plus `extra`.
  size_t StartDefault(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> a = {inbox_.string(), "--out", corpus_.string(), "--lang", "eng", "--jobs", "2"};
    a.insert(a.end(), extra.begin(), extra.end());
    return Start(a);
  }

  // Reaps daemon `i` if it has exited; waits up to `timeout` s. True if gone.
  bool WaitExit(size_t i, double timeout) {
    Daemon& d = daemons_[i];
    auto t0 = Clock::now();
    while (!d.reaped) {
      int st = 0;
      pid_t r = ::waitpid(d.pid, &st, WNOHANG);
      if (r == d.pid) {
        d.reaped = true;
        d.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
      if (SecondsSince(t0) >= timeout) return false;
      SleepFor(0.05);
    }
    return true;
  }
  bool Alive(size_t i) { return !WaitExit(i, 0); }

  void Signal(size_t i, int sig) {
    ASSERT_FALSE(daemons_[i].reaped) << "daemon " << i << " already exited (" << daemons_[i].exit_code << ")";
    ::kill(daemons_[i].pid, sig);
  }

  // Waits up to `timeout` s until daemon `i` is up: it logs "watching"
  // after blocking SIGTERM/SIGINT/SIGHUP. Before that (loading its
  // libraries, re-executing itself) a signal takes its default action, as
  // for any process. True when up.
  bool WaitUp(size_t i, double timeout) {
    auto t0 = Clock::now();
    while (Slurp(daemons_[i].log).find(" watching ") == std::string::npos) {
      if (!Alive(i) || SecondsSince(t0) >= timeout) return false;
      SleepFor(0.05);
    }
    return true;
  }

  // SIGTERM once the daemon is up; expects exit 0 within `timeout` s;
  // returns how long it took. (A daemon restarted just before the last
  // input was found done got its SIGTERM while still loading and died of
  // it: exit 143, about one run in three on a fast machine.)
  double Terminate(size_t i, double timeout = 30) {
    EXPECT_TRUE(WaitUp(i, timeout)) << "daemon " << i << " never came up";
    auto t0 = Clock::now();
    Signal(i, SIGTERM);
    EXPECT_TRUE(WaitExit(i, timeout)) << "daemon " << i << " still running " << timeout << " s after SIGTERM";
    EXPECT_EQ(daemons_[i].exit_code, 0) << "exit after SIGTERM";
    return SecondsSince(t0);
  }

  void Kill(size_t i) {
    Signal(i, SIGKILL);
    ASSERT_TRUE(WaitExit(i, 10));
  }

  std::string AllLogs() {
    std::string s;
    for (const auto& d : daemons_) s += Slurp(d.log);
    return s;
  }

  void Deliver(const Input& in, Delivery how) {
    const fs::path dst = inbox_ / in.rel;
    switch (how) {
      case Delivery::kInPlace:
        WriteFile(dst, in.bytes);
        break;
      case Delivery::kPartThenRename: {
        fs::path part = dst;
        part += ".part";
        WriteFile(part, in.bytes);
        fs::rename(part, dst);
        break;
      }
      case Delivery::kMovedIn: {
        fs::path tmp = staging_ / ("s-" + std::to_string(in.id));
        WriteFile(tmp, in.bytes);
        fs::create_directories(dst.parent_path());
        fs::rename(tmp, dst);
        break;
      }
    }
  }

  // Delivers every input, deliveries in turn, `burst` at a time with a
  // `pause` between bursts.
  void DeliverAll(const std::vector<Input>& inputs, int burst = 20, double pause = 0.2) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      Deliver(inputs[k], static_cast<Delivery>(k % 3));
      if (burst > 0 && (k + 1) % burst == 0) SleepFor(pause);
    }
  }

  // The output / quarantine note that marks an input finished.
  fs::path OutputOf(const Input& in) { return in.good ? corpus_ / (in.rel + ".txt") : corpus_ / "failed" / (in.rel + ".error.txt"); }

  int Finished(const std::vector<Input>& inputs) {
    int n = 0;
    for (const auto& in : inputs) n += fs::exists(OutputOf(in));
    return n;
  }

  // Waits until every input is done or failed per the state database (and
  // its output is there), every manifest line written; false on timeout or
  // when all given daemons died.
  bool WaitAllFinished(const std::vector<Input>& inputs, double timeout, const std::vector<size_t>& running) {
    auto t0 = Clock::now();
    const int good = CountGood(inputs);
    while (SecondsSince(t0) < timeout) {
      bool any_alive = running.empty();
      for (size_t i : running) any_alive |= Alive(i);
      if (!any_alive) {
        ADD_FAILURE() << "every daemon exited while waiting";
        return false;
      }
      if (Finished(inputs) == static_cast<int>(inputs.size())) {
        auto rows = ReadState(corpus_ / ".ocrflow/state.db");
        int settled = 0;
        for (const auto& in : inputs) {
          auto it = rows.find(in.rel);
          settled += it != rows.end() && it->second.status == (in.good ? "done" : "failed");
        }
        if (settled == static_cast<int>(inputs.size()) && ManifestLines().size() == static_cast<size_t>(good)) return true;
      }
      SleepFor(0.25);
    }
    ADD_FAILURE() << "timed out after " << timeout << " s: " << Finished(inputs) << " of " << inputs.size() << " finished";
    return false;
  }

  // No temp file of a write is left anywhere in the corpus.
  void ExpectNoTempFiles() {
    for (const auto& e : fs::recursive_directory_iterator(corpus_)) {
      EXPECT_FALSE(ocrflow::io::StaleTempOwner(e.path().filename().string())) << "left behind: " << e.path();
    }
  }
  // The state lost while the daemon is stopped: the database and its WAL files.
  void DeleteState() {
    const fs::path db = corpus_ / ".ocrflow/state.db";
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
  }

  std::vector<std::string> ManifestLines() {
    std::vector<std::string> v;
    std::istringstream in(Slurp(corpus_ / "manifest.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) v.push_back(line);
    }
    return v;
  }

  // The contract on CORPUS after every input finished: exactly the expected
  // files (each good input's `suffixes`; nothing half-written, no temporary
  // names), texts that read their input (a generated one), quarantine
  // copies equal to their input with a reason, one manifest line per good
  // input and none for bad ones; the state agrees.
  Figures CheckCorpus(const std::vector<Input>& inputs, const std::vector<std::string>& suffixes = {".txt"}) {
    Figures f;
    f.inputs = static_cast<int>(inputs.size());
    std::set<std::string> expected = {"manifest.jsonl"};
    for (const auto& in : inputs) {
      if (in.good) {
        ++f.good;
        for (const auto& suffix : suffixes) expected.insert(in.rel + suffix);
      } else {
        ++f.bad;
        expected.insert("failed/" + in.rel);
        expected.insert("failed/" + in.rel + ".error.txt");
      }
    }
    std::set<std::string> present;
    for (auto it = fs::recursive_directory_iterator(corpus_); it != fs::recursive_directory_iterator(); ++it) {
      const std::string rel = fs::relative(it->path(), corpus_).string();
      if (rel == ".ocrflow") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory() && !it->is_symlink()) continue;
      present.insert(rel);
      if (!expected.count(rel)) {
        ++f.unexpected;
        ADD_FAILURE() << "unexpected file in CORPUS: " << rel;
      }
    }
    for (const auto& in : inputs) {
      if (in.good) {
        const fs::path out = corpus_ / (in.rel + ".txt");
        if (!present.count(in.rel + ".txt")) {
          ++f.lost;
          ADD_FAILURE() << "no output for " << in.rel;
          continue;
        }
        const std::string text = Slurp(out);
        if (in.kind == "good" && (text.find(Id3(in.id)) == std::string::npos || text.find("watch") == std::string::npos)) {
          ++f.wrong_text;
          ADD_FAILURE() << in.rel << ".txt does not read its input:\n" << text;
        }
      } else {
        if (!present.count("failed/" + in.rel + ".error.txt")) {
          ++f.lost;
          ADD_FAILURE() << "no quarantine note for " << in.rel;
          continue;
        }
        EXPECT_EQ(Slurp(corpus_ / "failed" / in.rel), in.bytes) << "quarantine copy of " << in.rel;
        const std::string why = Slurp(corpus_ / "failed" / (in.rel + ".error.txt"));
        EXPECT_NE(why.find_first_not_of(" \n\t"), std::string::npos) << "empty reason for " << in.rel;
      }
    }
    // Manifest: one JSON line per good input, none for bad or unknown ones.
    std::map<std::string, int> lines;
    for (const auto& l : ManifestLines()) {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(l);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "manifest line is not JSON (" << e.what() << "): " << l;
        ++f.duplicated;
        continue;
      }
      const std::string src = j.value("source", "");
      ++lines[src];
      EXPECT_EQ(j.value("output", ""), src + ".txt") << l;
      EXPECT_EQ(j.value("pages", 0), 1) << l;
      EXPECT_EQ(j.value("sha256", "").size(), 64u) << l;
    }
    std::map<std::string, const Input*> by_rel;
    for (const auto& in : inputs) by_rel[in.rel] = &in;
    for (const auto& [src, n] : lines) {
      auto it = by_rel.find(src);
      if (it == by_rel.end() || !it->second->good) {
        ADD_FAILURE() << "manifest line for " << src << " which is not a good input";
        ++f.unexpected;
      } else if (n != 1) {
        ADD_FAILURE() << n << " manifest lines for " << src;
        f.duplicated += n - 1;
      }
    }
    for (const auto& in : inputs) {
      if (in.good && !lines.count(in.rel)) ADD_FAILURE() << "no manifest line for " << in.rel;
    }
    // State: done / failed with a reason.
    auto rows = ReadState(corpus_ / ".ocrflow/state.db");
    for (const auto& in : inputs) {
      auto it = rows.find(in.rel);
      if (it == rows.end()) {
        ADD_FAILURE() << "no state row for " << in.rel;
        continue;
      }
      EXPECT_EQ(it->second.status, in.good ? "done" : "failed") << in.rel << " " << it->second.error;
      if (!in.good) {
        EXPECT_FALSE(it->second.error.empty()) << in.rel;
      }
    }
    return f;
  }

  static void Report(const std::string& what, const Figures& f, const std::string& more = "") {
    std::cout << "[watch] " << what << ": inputs " << f.inputs << " (" << f.good << " good, " << f.bad << " bad), lost "
              << f.lost << ", duplicated " << f.duplicated << ", unexpected files " << f.unexpected << ", misread "
              << f.wrong_text << more << "\n";
  }

  fs::path inbox_, corpus_, staging_;
  std::vector<Daemon> daemons_;
};

// ---------------------------------------------------------------- tests --

TEST_F(WatchTest, ManyInputsWhileRunning) {
  auto inputs = MakeInputs(200);
  // The last ten arrive as one folder moved in whole.
  std::vector<Input> loose(inputs.begin(), inputs.end() - 10), batch(inputs.end() - 10, inputs.end());
  for (auto& in : batch) in.rel = "batch/" + fs::path(in.rel).filename().string();
  std::copy(batch.begin(), batch.end(), inputs.end() - 10);

  size_t d = StartDefault();
  SleepFor(0.5);
  auto t0 = Clock::now();
  DeliverAll(loose);
  for (const auto& in : batch) WriteFile(staging_ / "batch" / fs::path(in.rel).filename(), in.bytes);
  fs::rename(staging_ / "batch", inbox_ / "batch");
  const auto before = Snapshot(inbox_);
  ASSERT_TRUE(WaitAllFinished(inputs, 240, {d}));
  const double secs = SecondsSince(t0);

  Figures f = CheckCorpus(inputs);
  EXPECT_EQ(Snapshot(inbox_), before) << "the inbox changed";
  EXPECT_EQ(Snapshot(inbox_).size(), 200u + 4u);  // 200 files + sub, day2, day2/deep, batch
  auto starts = Events(Slurp(daemons_[d].log), "start");
  int redone = 0;
  for (const auto& in : inputs) redone += in.good && starts[in.rel] > 1;
  EXPECT_EQ(redone, 0) << "inputs started more than once in one undisturbed run";
  Report("ManyInputsWhileRunning", f,
         ", " + std::to_string(secs).substr(0, 5) + " s for all, " + std::to_string(f.good * 60 / secs).substr(0, 5) + " pages/min");
  Terminate(d);
}

TEST_F(WatchTest, SurvivesSigkill) {
  unsigned seed = static_cast<unsigned>(std::random_device{}());
  if (const char* s = std::getenv("OCRFLOW_WATCH_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  std::cout << "[watch] SurvivesSigkill seed " << seed << " (OCRFLOW_WATCH_SEED=" << seed << " replays it)\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> delay(0.3, 4.0);

  auto inputs = MakeInputs(100);
  const auto t0 = Clock::now();
  // Inputs keep arriving while the daemon is killed and restarted, so some
  // arrive while no daemon runs (found by the scan at the next start).
  std::thread writer([&] { DeliverAll(inputs, 10, 0.6); });
  // Five kills: an input in flight each time counts an attempt; raise
  // --max-attempts so that even one input hit by all five kills is not
  // quarantined as "processing never finished" (the kills are not its fault).
  const std::vector<std::string> extra = {"--max-attempts", "10"};
  size_t d = StartDefault(extra);
  const int kKills = 5;
  std::vector<double> moments;
  for (int k = 0; k < kKills; ++k) {
    double wait = delay(rng);
    SleepFor(wait);
    moments.push_back(wait);
    ASSERT_TRUE(Alive(d)) << "daemon died on its own";
    Kill(d);
    EXPECT_EQ(daemons_[d].exit_code, 128 + SIGKILL);
    d = StartDefault(extra);
  }
  writer.join();
  ASSERT_TRUE(WaitAllFinished(inputs, 240, {d}));
  const double secs = SecondsSince(t0);
  Figures f = CheckCorpus(inputs);
  // Restarted work is allowed (an input in flight when killed is done again),
  // so count inputs done more than once: should be rare (only an input killed
  // between writing its output and recording it).
  auto done = Events(AllLogs(), "done");
  int redone = 0;
  for (const auto& [rel, n] : done) redone += n > 1;
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  int max_attempts = 0;
  for (const auto& [p, r] : rows) max_attempts = std::max(max_attempts, r.attempts);
  std::ostringstream m;
  m << ", kills " << kKills << " at";
  for (double x : moments) m << " " << std::fixed << std::setprecision(2) << x;
  m << " s after (re)start, inputs OCR'd twice (done logged twice) " << redone << ", most attempts " << max_attempts << ", "
    << std::setprecision(1) << secs << " s";
  Report("SurvivesSigkill", f, m.str());
  Terminate(d);
}

// SIGKILL while the daemon writes every archive format (txt, json, alto,
// hocr, pdf) of the sample pages and copies of them (the same content: its
// files copied): once mid-OCR, once between two files of one input (the
// moment its .txt is there and its .pdf not yet), once just after an input
// is recorded done (the state says so), once at a random moment
// (seed logged, OCRFLOW_WATCH_SEED replays it), each followed by a restart;
// the last one with --once. Right after each kill, every input the state
// has as done has every file whole (ALTO and hOCR well-formed, the PDF
// ending in %%EOF, pdftotext reading it, the JSON parsed). At the end every
// input is done exactly once (one state row, one manifest line, at most
// one "done" line) with every file whole and the ALTO and hOCR words and
// the PDF's text the .txt; nothing else in the corpus, no temporary file
// left.
TEST_F(WatchTest, SurvivesSigkillWritingEveryArchiveFormat) {
  unsigned seed = static_cast<unsigned>(std::random_device{}());
  if (const char* s = std::getenv("OCRFLOW_WATCH_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  std::cout << "[watch] SurvivesSigkillWritingEveryArchiveFormat seed " << seed << " (OCRFLOW_WATCH_SEED=" << seed
            << " replays it)\n";
  std::mt19937 rng(seed);
  const std::string samples = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/";
  std::vector<Input> inputs;
  for (const char* rel : {"en-2col-001.png", "zh-clean-001.png", "zh-scan-001.jpg", "sub/en-2col-001.png",
                          "sub/zh-scan-001.jpg"}) {
    Input in;
    in.rel = rel;
    in.bytes = Slurp(samples + fs::path(rel).filename().string());
    ASSERT_FALSE(in.bytes.empty()) << rel;
    in.kind = "sample";
    inputs.push_back(in);
    WriteFile(inbox_ / rel, in.bytes);
  }
  const std::vector<std::string> suffixes = {".txt", ".json", ".alto.xml", ".hocr", ".pdf"};
  Spit(dir_ / "watch.toml", "format = \"txt,json,alto,hocr,pdf\"\n");
  std::vector<std::string> args = {inbox_.string(), "--out", corpus_.string(), "--jobs", "1",
                                   "--config", (dir_ / "watch.toml").string(), "--max-attempts", "10"};
  const auto t0 = Clock::now();
  std::vector<std::string> moments;
  auto since = [&](size_t d) { return Fixed1(SecondsSince(daemons_[d].started)); };
  // Every file of `in` whole; its .txt.
  auto whole = [&](const Input& in, const std::string& when) {
    const std::string base = (corpus_ / in.rel).string();
    for (const auto& suffix : suffixes) EXPECT_TRUE(fs::exists(base + suffix)) << when << ": " << in.rel << suffix;
    for (const char* ext : {".alto.xml", ".hocr"}) {
      int st = -1;
      const std::string err = Command("xmllint --noout '" + base + ext + "' 2>&1", &st);
      EXPECT_EQ(st, 0) << when << ": " << in.rel << ext << ": " << err;
    }
    EXPECT_FALSE(nlohmann::json::parse(Slurp(base + ".json"), nullptr, false).is_discarded()) << when << ": " << in.rel;
    std::string pdf = Slurp(base + ".pdf");
    while (!pdf.empty() && std::isspace(static_cast<unsigned char>(pdf.back()))) pdf.pop_back();
    EXPECT_TRUE(pdf.ends_with("%%EOF")) << when << ": " << in.rel << ".pdf is cut short or missing";
    const std::string txt = Slurp(base + ".txt");
    int st = -1;
    const std::string pdf_text = Command("pdftotext -raw '" + base + ".pdf' - 2>&1", &st);
    EXPECT_EQ(st, 0) << when << ": " << in.rel << ": pdftotext: " << pdf_text;
    EXPECT_EQ(NoWhitespace(pdf_text), NoWhitespace(txt)) << when << ": " << in.rel;
    return txt;
  };
  // Right after a kill: what the state has as done is whole.
  auto done_are_whole = [&](const std::string& when) {
    const auto rows = ReadState(corpus_ / ".ocrflow/state.db");
    int done = 0;
    for (const Input& in : inputs) {
      auto it = rows.find(in.rel);
      if (it == rows.end() || it->second.status != "done") continue;
      ++done;
      whole(in, "after the kill " + when);
    }
    moments.back() += " (" + std::to_string(done) + " done)";
  };

  // 1. Mid-OCR: a second into the first input.
  size_t d = Start(args);
  auto until = [&](const std::function<bool()>& what, double timeout) {
    const auto start = Clock::now();
    while (!what()) {
      if (!Alive(d) || SecondsSince(start) > timeout) return false;
      SleepFor(0.001);
    }
    return true;
  };
  ASSERT_TRUE(until([&] { return Slurp(daemons_[d].log).find(" start ") != std::string::npos; }, 30));
  SleepFor(1.0);
  moments.push_back("mid-OCR at " + since(d));
  Kill(d);
  done_are_whole("mid-OCR");
  // 2. Between two files of one input: its .txt in place, its .pdf not yet.
  d = Start(args);
  const bool between = until([&] {
    for (const Input& in : inputs)
      if (fs::exists(corpus_ / (in.rel + ".txt")) && !fs::exists(corpus_ / (in.rel + ".pdf"))) return true;
    return false;
  }, 40);
  ASSERT_TRUE(Alive(d)) << "daemon died on its own";
  moments.push_back(std::string(between ? "between two files" : "(no moment between two files seen)") + " at " + since(d));
  Kill(d);
  done_are_whole("between two files");
  // 3. Just after an input is recorded done.
  auto done_rows = [&] {
    int n = 0;
    for (const auto& [rel, row] : ReadState(corpus_ / ".ocrflow/state.db")) n += row.status == "done";
    return n;
  };
  const int done_before = done_rows();
  d = Start(args);
  const bool recorded = until([&] { return done_rows() > done_before; }, 40);
  ASSERT_TRUE(Alive(d)) << "daemon died on its own";
  moments.push_back(std::string(recorded ? "just after a done" : "(no input recorded done seen)") + " at " + since(d));
  Kill(d);
  done_are_whole("just after a done");
  // 4. At a random moment.
  d = Start(args);
  const double wait = std::uniform_real_distribution<double>(0.5, 4.0)(rng);
  SleepFor(wait);
  ASSERT_TRUE(Alive(d)) << "daemon died on its own";
  moments.push_back("random at " + since(d));
  Kill(d);
  done_are_whole("at random");
  args.push_back("--once");
  d = Start(args);
  ASSERT_TRUE(WaitExit(d, 60)) << "--once did not finish";
  ASSERT_EQ(daemons_[d].exit_code, 0) << Slurp(daemons_[d].log);

  Figures f = CheckCorpus(inputs, suffixes);
  const auto done = Events(AllLogs(), "done");
  for (const Input& in : inputs) {
    auto it = done.find(in.rel);
    EXPECT_LE(it == done.end() ? 0 : it->second, 1) << in.rel << " done more than once";
    const std::string base = (corpus_ / in.rel).string();
    const std::string txt = whole(in, "at the end");
    EXPECT_GT(txt.size(), 100u) << in.rel;
    EXPECT_EQ(AltoText(Slurp(base + ".alto.xml")), txt) << in.rel;
    EXPECT_EQ(HocrText(Slurp(base + ".hocr")), txt) << in.rel;
  }
  ExpectNoTempFiles();
  std::ostringstream m;
  m << ", kills:";
  for (const auto& x : moments) m << " " << x << " s;";
  m << " " << std::fixed << std::setprecision(1) << SecondsSince(t0) << " s";
  Report("SurvivesSigkillWritingEveryArchiveFormat", f, m.str());
}

TEST_F(WatchTest, SlowWriterTakenWhenComplete) {
  size_t d = StartDefault();  // --settle 1 (default)
  SleepFor(0.5);
  Input in = MakeInputs(1, 301, false)[0];
  const fs::path p = inbox_ / in.rel;
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  // 12 chunks over ~3.5 s with the file kept open, one pause (1.5 s) longer
  // than the settle time: an open writer is never taken early.
  const size_t chunks = 12, step = (in.bytes.size() + chunks - 1) / chunks;
  auto t0 = Clock::now();
  for (size_t k = 0; k < chunks; ++k) {
    const size_t off = k * step, n = std::min(step, in.bytes.size() - off);
    ASSERT_EQ(::write(fd, in.bytes.data() + off, n), static_cast<ssize_t>(n));
    SleepFor(k == 5 ? 1.5 : 0.2);
    EXPECT_FALSE(fs::exists(corpus_ / (in.rel + ".txt"))) << "taken while still being written, chunk " << k;
    EXPECT_FALSE(fs::exists(corpus_ / "failed" / (in.rel + ".error.txt"))) << "quarantined while being written, chunk " << k;
    auto rows = ReadState(corpus_ / ".ocrflow/state.db");
    if (rows.count(in.rel)) {
      EXPECT_NE(rows[in.rel].status, "failed") << "chunk " << k << ": " << rows[in.rel].error;
    }
  }
  const double writing = SecondsSince(t0);
  ::close(fd);
  auto t1 = Clock::now();
  ASSERT_TRUE(WaitAllFinished({in}, 60, {d}));
  const double after_close = SecondsSince(t1);
  EXPECT_FALSE(fs::exists(corpus_ / "failed" / in.rel));
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  EXPECT_EQ(rows[in.rel].attempts, 1);
  EXPECT_EQ(Events(Slurp(daemons_[d].log), "start")[in.rel], 1);
  CheckCorpus({in});
  std::cout << "[watch] slow writer: written over " << writing << " s, output " << after_close << " s after close\n";
  Terminate(d);
}

// A writer already at work when the daemon starts: the start-up scan finds
// the half-written file with no inotify event to tell of its writer, and the
// writer then pauses longer than the settle time. The file is open for
// writing all along (a read lease is refused), so it is not taken until it
// is closed.
TEST_F(WatchTest, WriterAtWorkBeforeTheDaemonStartsIsWaitedFor) {
  Input in = MakeInputs(1, 303, false)[0];
  const fs::path p = inbox_ / in.rel;
  // O_CLOEXEC: the daemon started below must not inherit the writer's fd.
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  const size_t half = in.bytes.size() / 2;
  ASSERT_EQ(::write(fd, in.bytes.data(), half), static_cast<ssize_t>(half));
  size_t d = StartDefault();  // --settle 1 (default)
  for (int k = 0; k < 6; ++k) {  // 3 s, no write: three settle times
    SleepFor(0.5);
    EXPECT_FALSE(fs::exists(corpus_ / (in.rel + ".txt"))) << "taken while open for writing, " << k;
    EXPECT_FALSE(fs::exists(corpus_ / "failed" / in.rel)) << "quarantined while open for writing, " << k;
  }
  ASSERT_EQ(::write(fd, in.bytes.data() + half, in.bytes.size() - half), static_cast<ssize_t>(in.bytes.size() - half));
  ::close(fd);
  ASSERT_TRUE(WaitAllFinished({in}, 60, {d}));
  EXPECT_FALSE(fs::exists(corpus_ / "failed" / in.rel));
  EXPECT_EQ(Events(Slurp(daemons_[d].log), "start")[in.rel], 1);
  CheckCorpus({in});
  Terminate(d);
}

TEST_F(WatchTest, MovedInTakenAtOnce) {
  // A long settle time: an input moved in must not wait for it.
  size_t d = StartDefault({"--settle", "10"});
  // Moved in once the watch is up (a fixed sleep was too short on a loaded
  // machine: the start-up scan found the file and it waited for the settle).
  ASSERT_TRUE(WaitUp(d, 60));
  Input in = MakeInputs(1, 302, false)[0];
  auto t0 = Clock::now();
  Deliver(in, Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished({in}, 60, {d}));
  const double secs = SecondsSince(t0);
  EXPECT_LT(secs, 7.0) << "a moved-in file waited for the settle time (10 s)";
  CheckCorpus({in});
  std::cout << "[watch] moved in: output after " << secs << " s (settle 10 s)\n";
  Terminate(d);
}

TEST_F(WatchTest, TemporaryNameIgnoredUntilRenamed) {
  size_t d = StartDefault();
  SleepFor(0.5);
  Input in = MakeInputs(1, 303, false)[0];
  in.rel = "x.png";
  // Valid pages under temporary names, each one different.
  WriteFile(inbox_ / "x.png.part", in.bytes);
  WriteFile(inbox_ / ".hidden.png", PagePng(304));
  WriteFile(inbox_ / "~x.png", PagePng(305));
  WriteFile(inbox_ / "x.tmp", PagePng(306));
  WriteFile(inbox_ / "x.png.crdownload", PagePng(307));
  WriteFile(inbox_ / ".hiddendir" / "inner.png", PagePng(308));
  SleepFor(4.0);  // settle 1 s + a page's OCR
  auto files_in_corpus = [&] {
    std::vector<std::string> v;
    for (auto it = fs::recursive_directory_iterator(corpus_); it != fs::recursive_directory_iterator(); ++it) {
      if (it->path().filename() == ".ocrflow") {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_directory()) v.push_back(fs::relative(it->path(), corpus_).string());
    }
    return v;
  };
  {
    auto v = files_in_corpus();
    EXPECT_TRUE(v.empty() || (v.size() == 1 && v[0] == "manifest.jsonl" && ManifestLines().empty()))
        << "temporary names were picked up: " << ::testing::PrintToString(v);
    EXPECT_TRUE(ReadState(corpus_ / ".ocrflow/state.db").empty()) << "temporary names entered the state";
    EXPECT_TRUE(Events(Slurp(daemons_[d].log), "start").empty()) << Slurp(daemons_[d].log);
  }
  fs::rename(inbox_ / "x.png.part", inbox_ / "x.png");
  auto t0 = Clock::now();
  ASSERT_TRUE(WaitAllFinished({in}, 60, {d}));
  std::cout << "[watch] renamed .part: output after " << SecondsSince(t0) << " s\n";
  CheckCorpus({in});  // only x.png.txt and its manifest line
  Terminate(d);
}

// Same content is not OCR'd again (a touched input, a copy under another
// name: outputs reused); changed content is, and the manifest keeps one line
// per input.
TEST_F(WatchTest, SameContentReusedChangedContentDoneAgain) {
  size_t d = StartDefault();
  SleepFor(0.5);
  Input first = MakeInputs(1, 801, false)[0];
  Deliver(first, Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished({first}, 60, {d}));
  auto pages_of = [&](const std::string& rel) {
    std::istringstream in(Slurp(daemons_[d].log));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line.find(" page " + rel + " ") != std::string::npos;
    return n;
  };
  EXPECT_EQ(pages_of(first.rel), 1);

  // Touched: new time stamp, same content.
  const std::string text_before = Slurp(corpus_ / (first.rel + ".txt"));
  struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (inbox_ / first.rel).c_str(), times, 0), 0);
  SleepFor(3.0);
  EXPECT_EQ(pages_of(first.rel), 1) << "a touched input with the same content was OCR'd again";
  EXPECT_EQ(Slurp(corpus_ / (first.rel + ".txt")), text_before);

  // A copy under another name: done, outputs copied, not OCR'd.
  Input copy = first;
  copy.rel = "copy.png";
  Deliver(copy, Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished({first, copy}, 60, {d}));
  EXPECT_EQ(pages_of(copy.rel), 0) << "a copy of a done input was OCR'd";
  EXPECT_EQ(Slurp(corpus_ / "copy.png.txt"), text_before);

  // Changed content: done again, the manifest still has one line for it.
  Input changed = first;
  changed.id = 802;
  changed.bytes = PagePng(802);
  Deliver(changed, Delivery::kPartThenRename);
  auto t0 = Clock::now();
  while (Slurp(corpus_ / (first.rel + ".txt")).find("802") == std::string::npos && SecondsSince(t0) < 60) SleepFor(0.25);
  ASSERT_TRUE(WaitAllFinished({changed, copy}, 30, {d}));
  EXPECT_EQ(pages_of(first.rel), 2);
  CheckCorpus({changed, copy});
  std::string sha_first, sha_copy;
  for (const auto& l : ManifestLines()) {
    auto j = nlohmann::json::parse(l);
    (j["source"] == first.rel ? sha_first : sha_copy) = j["sha256"];
  }
  EXPECT_NE(sha_first, sha_copy) << "the manifest keeps the old hash of the changed input";
  Terminate(d);
}

TEST_F(WatchTest, TwoDaemonsNoDoubleProcessing) {
  auto inputs = MakeInputs(40, 401);
  size_t a = StartDefault();
  size_t b = StartDefault();
  SleepFor(0.5);
  DeliverAll(inputs, 10, 0.3);
  ASSERT_TRUE(WaitAllFinished(inputs, 180, {a, b}));
  Figures f = CheckCorpus(inputs);
  auto sa = Events(Slurp(daemons_[a].log), "start"), sb = Events(Slurp(daemons_[b].log), "start");
  auto fa = Events(Slurp(daemons_[a].log), "failed"), fb = Events(Slurp(daemons_[b].log), "failed");
  int by_a = 0, by_b = 0, twice = 0;
  for (const auto& in : inputs) {
    const int starts = sa[in.rel] + sb[in.rel];
    by_a += sa[in.rel] > 0;
    by_b += sb[in.rel] > 0;
    if (in.good) {
      EXPECT_EQ(starts, 1) << in.rel << " started " << starts << " times across both daemons";
    } else {
      EXPECT_LE(starts, 1) << in.rel;
      EXPECT_EQ(fa[in.rel] + fb[in.rel], 1) << in.rel << " failed more than once";
    }
    twice += starts > 1;
  }
  Report("TwoDaemonsNoDoubleProcessing", f,
         ", started by A " + std::to_string(by_a) + ", by B " + std::to_string(by_b) + ", started twice " + std::to_string(twice));
  Terminate(a);
  Terminate(b);
}

TEST_F(WatchTest, SigtermMidRunThenRestartFinishes) {
  auto inputs = MakeInputs(60, 501);
  size_t d = StartDefault();
  SleepFor(0.5);
  for (const auto& in : inputs) Deliver(in, Delivery::kMovedIn);
  // SIGTERM once a few are done, however fast the machine is.
  for (int i = 0; i < 1200 && Finished(inputs) < 3; ++i) SleepFor(0.05);
  const int finished_before = Finished(inputs);
  ASSERT_LT(finished_before, 60) << "everything was done before SIGTERM: the test proves nothing";
  const double exit_secs = Terminate(d, 30);
  // Nothing half-written was left behind by the cancel.
  // --once: process what is there, then exit 0.
  size_t d2 = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d2, 180)) << "--once did not finish";
  EXPECT_EQ(daemons_[d2].exit_code, 0);
  ASSERT_TRUE(WaitAllFinished(inputs, 5, {}));
  Figures f = CheckCorpus(inputs);
  // The cancelled attempt is not counted: every input took one attempt.
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  for (const auto& in : inputs) EXPECT_EQ(rows[in.rel].attempts, 1) << in.rel;
  // Finished work is not repeated after the restart.
  auto first = Events(Slurp(daemons_[d].log), "done"), second = Events(Slurp(daemons_[d2].log), "done");
  for (const auto& [rel, n] : first) EXPECT_EQ(second.count(rel), 0u) << rel << " done again after restart";
  std::ostringstream m;
  m << ", finished before SIGTERM " << finished_before << ", exit after " << std::fixed << std::setprecision(2) << exit_secs
    << " s";
  Report("SigtermMidRunThenRestartFinishes", f, m.str());
}

TEST_F(WatchTest, RefusesNestedFolders) {
  fs::create_directories(dir_ / "c/in");
  fs::create_directories(dir_ / "i/out");
  struct Case {
    std::string inbox, corpus;
  } cases[] = {{"c/in", "c"}, {"i", "i/out"}, {"i", "i"}};
  for (const auto& c : cases) {
    const auto inbox_before = Snapshot(dir_ / c.inbox);
    CliResult r = Run("watch '" + c.inbox + "' --out '" + c.corpus + "' --lang eng --once");
    EXPECT_EQ(r.code, 2) << c.inbox << " / " << c.corpus << ": " << r.err;
    // The message names both folders (relative as given, or absolute).
    for (const std::string& f : {c.inbox, c.corpus}) {
      const std::string abs = fs::weakly_canonical(dir_ / f).string();
      EXPECT_TRUE(r.err.find(abs) != std::string::npos || r.err.find("'" + f + "'") != std::string::npos ||
                  r.err.find(" " + f + " ") != std::string::npos)
          << "message does not name " << f << ": " << r.err;
    }
    // The inbox is never written, not even to make a corpus folder inside it.
    EXPECT_EQ(Snapshot(dir_ / c.inbox), inbox_before) << c.inbox << " / " << c.corpus;
    std::cout << "[watch] refusal " << c.inbox << " / " << c.corpus << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "c/.ocrflow")) << "state created although refused";
  EXPECT_FALSE(fs::exists(dir_ / "i/out/.ocrflow")) << "state created although refused";
}

// "The inbox is read, never written": a CORPUS that does not exist yet and
// would be inside INBOX must be refused without being created there first.
TEST_F(WatchTest, RefusedCorpusIsNotCreatedInsideInbox) {
  fs::create_directories(dir_ / "i");
  CliResult r = Run("watch i --out i/new --lang eng --once");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("inside"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "i/new")) << "the refused corpus was created inside the inbox";
}

TEST_F(WatchTest, ExitCodes) {
  fs::create_directories(dir_ / "i");
  Spit(dir_ / "afile", "");
  struct Case {
    std::string args;
    int code;
    std::string says;
  } cases[] = {
      {"watch missing --out c --once", 2, "missing"},             // INBOX missing
      {"watch i --out c --jobs abc --once", 2, "jobs"},           // bad flag value
      {"watch i --out c --bogus", 2, "bogus"},                    // unknown flag
      {"watch i --out c --state afile/state.db --once", 1, "afile/state.db"},  // state cannot be opened
  };
  for (const auto& c : cases) {
    CliResult r = Run(c.args + " --lang eng");
    EXPECT_EQ(r.code, c.code) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir_ / "i"));
}

TEST_F(WatchTest, SymlinkOutOfInboxIsQuarantinedUnread) {
  const fs::path outside = dir_ / "outside";
  fs::create_directories(outside / "folder");
  WriteFile(outside / "secret.png", PagePng(601));
  WriteFile(outside / "folder" / "deep.png", PagePng(602));
  Input real = MakeInputs(1, 603, false)[0];
  real.rel = "real.png";
  WriteFile(inbox_ / "real.png", real.bytes);
  fs::create_symlink(outside / "secret.png", inbox_ / "link.png");  // leads out: quarantined
  fs::create_symlink("real.png", inbox_ / "alias.png");              // inside: skipped
  fs::create_directory_symlink(outside / "folder", inbox_ / "linkdir");  // linked folder: not entered
  const auto outside_before = Snapshot(outside), inbox_before = Snapshot(inbox_);
  std::set<std::string> top_before;
  for (const auto& e : fs::directory_iterator(dir_)) top_before.insert(e.path().filename().string());

  size_t d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 120));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  const std::string log = Slurp(daemons_[d].log);

  EXPECT_TRUE(fs::exists(corpus_ / "real.png.txt"));
  EXPECT_FALSE(fs::exists(corpus_ / "link.png.txt")) << "the link's target was OCR'd";
  EXPECT_FALSE(fs::exists(corpus_ / "alias.png.txt")) << "a link inside the inbox was processed under its own name";
  EXPECT_FALSE(fs::exists(corpus_ / "failed" / "alias.png.error.txt"));
  EXPECT_FALSE(fs::exists(corpus_ / "linkdir")) << "a linked folder was entered";
  const std::string why = Slurp(corpus_ / "failed" / "link.png.error.txt");
  EXPECT_TRUE(why.find("symlink") != std::string::npos || why.find("symbolic link") != std::string::npos ||
              why.find("outside") != std::string::npos || why.find("out of") != std::string::npos)
      << "error note: " << why;
  // The quarantine holds the link (or nothing), never the target's content.
  const fs::path q = corpus_ / "failed" / "link.png";
  if (fs::exists(fs::symlink_status(q))) {
    if (fs::is_symlink(fs::symlink_status(q))) {
      std::cout << "[watch] failed/link.png is a symlink to " << fs::read_symlink(q) << "\n";
    } else {
      EXPECT_NE(Slurp(q), Slurp(outside / "secret.png")) << "the target was read into the quarantine";
    }
  }
  EXPECT_EQ(Events(log, "start").count("linkdir/deep.png"), 0u);
  // Nothing written outside CORPUS.
  EXPECT_EQ(Snapshot(outside), outside_before);
  EXPECT_EQ(Snapshot(inbox_), inbox_before);
  std::set<std::string> top_after;
  for (const auto& e : fs::directory_iterator(dir_)) top_after.insert(e.path().filename().string());
  for (const auto& n : top_after) {
    EXPECT_TRUE(top_before.count(n) || n.rfind("daemon-", 0) == 0) << "written outside CORPUS: " << n;
  }
  std::cout << "[watch] symlink note: " << why;
}

TEST_F(WatchTest, StatusShowsCountsAndFailures) {
  auto inputs = MakeInputs(2, 701, false);
  Input zero{703, "empty.png", "", false, "zero"}, text{704, "notes.png", "a text file, not an image\n", false, "text"};
  inputs.push_back(zero);
  inputs.push_back(text);
  for (const auto& in : inputs) WriteFile(inbox_ / in.rel, in.bytes);
  size_t d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 120));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  CheckCorpus(inputs);

  const std::string state = (corpus_ / ".ocrflow/state.db").string();
  CliResult r = Run("status --state '" + state + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("done 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed 2"), std::string::npos) << r.out;
  auto rows = ReadState(state);
  for (const char* bad : {"empty.png", "notes.png"}) {
    EXPECT_NE(r.out.find(bad), std::string::npos) << r.out;
    ASSERT_FALSE(rows[bad].error.empty());
    EXPECT_NE(r.out.find(rows[bad].error), std::string::npos) << "reason of " << bad << " missing:\n" << r.out;
  }
  EXPECT_NE(r.out.find("zero bytes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not an image"), std::string::npos) << r.out;
  std::cout << "[watch] status:\n" << r.out;

  CliResult by_out = Run("status --out '" + corpus_.string() + "'");
  ASSERT_EQ(by_out.code, 0) << by_out.err;
  CliResult js = Run("status --out '" + corpus_.string() + "' --json");
  ASSERT_EQ(js.code, 0) << js.err;
  auto j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["counts"]["done"], 2);
  EXPECT_EQ(j["counts"]["failed"], 2);
  EXPECT_EQ(j["failures"].size(), 2u);

  CliResult none = Run("status --state '" + (dir_ / "nowhere.db").string() + "'");
  EXPECT_NE(none.code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "nowhere.db")) << "status created a database";
}

// A daemon with its state outside the corpus (--state elsewhere): `status
// --out CORPUS` finds that state through the corpus's record of it.
TEST_F(WatchTest, StatusByCorpusFindsAStateKeptElsewhere) {
  auto inputs = MakeInputs(1, 711, false);
  for (const auto& in : inputs) WriteFile(inbox_ / in.rel, in.bytes);
  const fs::path state = dir_ / "elsewhere" / "my.db";
  fs::create_directories(state.parent_path());
  size_t d = StartDefault({"--once", "--state", state.string()});
  ASSERT_TRUE(WaitExit(d, 120));
  ASSERT_EQ(daemons_[d].exit_code, 0);
  ASSERT_TRUE(fs::exists(state));
  EXPECT_FALSE(fs::exists(corpus_ / ".ocrflow/state.db"));
  CliResult js = Run("status --out '" + corpus_.string() + "' --json");
  ASSERT_EQ(js.code, 0) << js.err;
  EXPECT_EQ(nlohmann::json::parse(js.out)["counts"]["done"], 1) << js.out;
}

// ------------------------------------------------- hostile run (issue 16) --

// Item 2: names are bytes. An inbox name that is not UTF-8 is carried
// exactly in the manifest (a readable `source` and the bytes in
// `source_b64`), and a later input with the same content (whose manifest
// line names the first as `same_as`) is done normally: no exception reaches
// the state machine.
TEST_F(WatchTest, ANameThatIsNotUtf8IsKeptExactlyAndItsContentReused) {
  const std::string odd = "a\xff.png";
  const std::string png = PagePng(901);
  WriteFile(inbox_ / odd, png);
  size_t d = StartDefault({"--once", "--max-attempts", "2"});
  ASSERT_TRUE(WaitExit(d, 120));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  EXPECT_NE(Slurp(corpus_ / (odd + ".txt")).find("901"), std::string::npos);
  auto lines = ManifestLines();
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j.value("source", ""), "a\\xff.png") << lines[0];
  EXPECT_EQ(j.value("source_b64", ""), "Yf8ucG5n") << lines[0];           // base64 of the exact bytes
  EXPECT_EQ(j.value("output_b64", ""), "Yf8ucG5nLnR4dA==") << lines[0];   // a\xff.png.txt

  WriteFile(inbox_ / "b.png", png);  // the same content under a plain name
  d = StartDefault({"--once", "--max-attempts", "2"});
  ASSERT_TRUE(WaitExit(d, 120));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  const std::string log = Slurp(daemons_[d].log);
  EXPECT_EQ(log.find("internal error"), std::string::npos) << log;
  EXPECT_EQ(log.find("type_error"), std::string::npos) << log;
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  EXPECT_EQ(rows["b.png"].status, "done") << rows["b.png"].error;
  EXPECT_EQ(Slurp(corpus_ / "b.png.txt"), Slurp(corpus_ / (odd + ".txt")));
  EXPECT_FALSE(fs::exists(corpus_ / "failed"));
  lines = ManifestLines();
  ASSERT_EQ(lines.size(), 2u) << Slurp(corpus_ / "manifest.jsonl");
  auto k = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(k.value("source", ""), "b.png");
  EXPECT_EQ(k.value("same_as_b64", ""), "Yf8ucG5n") << lines[1];
  // `status --json` lists such a name too, without throwing.
  Spit(inbox_ / "c\xfe.png", "not an image");
  d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 120));
  CliResult st = Run("status --out '" + corpus_.string() + "' --json");
  ASSERT_EQ(st.code, 0) << st.err;
  auto sj = nlohmann::json::parse(st.out);
  ASSERT_EQ(sj["failures"].size(), 1u) << st.out;
  EXPECT_EQ(sj["failures"][0].value("path_b64", ""), "Y/4ucG5n") << st.out;
}

// A name with a newline and an ANSI escape cannot forge a line of the
// daemon's log nor reach a terminal raw, there or in `ocrflow status`
// (issue 16, item 9: `run` has RunCli.ControlCharactersInFileNamesAreEscapedInMessages).
TEST_F(WatchTest, ControlCharactersInNamesAreEscapedInTheLogAndStatus) {
  const std::string name = "bad\n2026-12-06T08:00:00.000Z info done fake\x1b[2J.png";
  const std::string shown = "bad\\n2026-12-06T08:00:00.000Z info done fake\\x1b[2J.png";
  WriteFile(inbox_ / name, "not an image at all");
  size_t d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 120));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  const std::string log = Slurp(daemons_[d].log);
  EXPECT_NE(log.find("failed " + shown + ": "), std::string::npos) << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_EQ(log.find("\n2026-12-06T08"), std::string::npos) << log;
  CliResult st = Run("status --out '" + corpus_.string() + "'");
  ASSERT_EQ(st.code, 0) << st.err;
  EXPECT_NE(st.out.find("  " + shown + ": "), std::string::npos) << st.out;
  EXPECT_EQ(st.out.find('\x1b'), std::string::npos) << st.out;
  EXPECT_EQ(st.out.find("\n2026-12-06T08"), std::string::npos) << st.out;
  EXPECT_EQ(Slurp(corpus_ / "failed" / name), "not an image at all");  // the bytes of the name kept
}

// Item 4: state.db deleted, or emptied, while the daemon is stopped. The
// state is rebuilt from manifest.jsonl: done inputs stay done and are not
// OCR'd again, and the manifest keeps every line.
TEST_F(WatchTest, ALostStateIsRebuiltFromTheManifest) {
  auto inputs = MakeInputs(2, 911, false);
  for (const auto& in : inputs) WriteFile(inbox_ / in.rel, in.bytes);
  size_t d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 120));
  ASSERT_EQ(daemons_[d].exit_code, 0);
  const auto before = ManifestLines();
  ASSERT_EQ(before.size(), 2u);
  const fs::path db = corpus_ / ".ocrflow/state.db";
  for (const std::string how : {"deleted", "emptied"}) {
    if (how == "deleted") {
      DeleteState();
    } else {
      for (const char* ext : {"-wal", "-shm"}) fs::remove(db.string() + ext);
      fs::resize_file(db, 0);
    }
    d = StartDefault({"--once"});
    ASSERT_TRUE(WaitExit(d, 120)) << how;
    EXPECT_EQ(daemons_[d].exit_code, 0) << how;
    const std::string log = Slurp(daemons_[d].log);
    EXPECT_NE(log.find("2 done inputs taken in from manifest.jsonl"), std::string::npos) << how << "\n" << log;
    EXPECT_EQ(log.find(" page in-"), std::string::npos) << how << ": OCR'd again\n" << log;
    EXPECT_EQ(ManifestLines(), before) << how;
    CheckCorpus(inputs);
  }
}

// The archive formats `run --format` writes (docs/formats.md), from the
// daemon: beside each input's .txt, whole, before it is done; the ALTO and
// hOCR words are the .txt exactly, the PDF's text is the .txt (whitespace
// aside). A copy of a done input gets every file copied. An output that
// went missing makes the input run again when it is looked at (here: the
// state lost and rebuilt from the manifest).
TEST_F(WatchTest, ArchiveFormatsAreWrittenBesideTheText) {
  const fs::path config = dir_ / "watch.toml";
  Spit(config, "format = \"txt,alto,hocr,pdf\"\n");
  Input page = MakeInputs(1, 931, false)[0], copy = page;
  copy.rel = "copy.png";
  WriteFile(inbox_ / page.rel, page.bytes);
  WriteFile(inbox_ / copy.rel, copy.bytes);
  const std::vector<std::string> once = {inbox_.string(), "--out",  corpus_.string(), "--lang",
                                         "eng",           "--once", "--jobs",          "1",
                                         "--config",      config.string()};
  size_t d = Start(once);
  ASSERT_TRUE(WaitExit(d, 60));
  ASSERT_EQ(daemons_[d].exit_code, 0) << Slurp(daemons_[d].log);
  ASSERT_EQ(ManifestLines().size(), 2u);

  auto check = [&](const std::string& rel) {
    const fs::path base = corpus_ / rel;
    const std::string txt = Slurp(base.string() + ".txt");
    EXPECT_NE(txt.find("watch test"), std::string::npos) << rel << ": " << txt;
    for (const char* ext : {".alto.xml", ".hocr"}) {
      int st = -1;
      const std::string err = Command("xmllint --noout '" + base.string() + ext + "' 2>&1", &st);
      EXPECT_EQ(st, 0) << rel << ext << ": " << err;
    }
    EXPECT_EQ(AltoText(Slurp(base.string() + ".alto.xml")), txt) << rel;
    EXPECT_EQ(HocrText(Slurp(base.string() + ".hocr")), txt) << rel;
    int st = -1;
    const std::string pdf_text = Command("pdftotext -raw '" + base.string() + ".pdf' - 2>&1", &st);
    ASSERT_EQ(st, 0) << "pdftotext (poppler-utils) failed: " << pdf_text;
    EXPECT_EQ(NoWhitespace(pdf_text), NoWhitespace(txt)) << rel;
  };
  check(page.rel);
  check(copy.rel);
  const std::string log = Slurp(daemons_[d].log);
  EXPECT_TRUE(log.find("done copy.png -> copy.png.txt (same content as " + page.rel) != std::string::npos ||
              log.find("done " + page.rel + " -> " + page.rel + ".txt (same content as copy.png") != std::string::npos)
      << "one of the two was OCR'd, the other's files copied\n" << log;
  ExpectNoTempFiles();

  // One file gone, the state lost: the manifest's inputs are looked at once
  // more; the one without its .hocr is not taken as unchanged.
  fs::remove(corpus_ / (copy.rel + ".hocr"));
  DeleteState();
  d = Start(once);
  ASSERT_TRUE(WaitExit(d, 60));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  const std::string again = Slurp(daemons_[d].log);
  EXPECT_NE(again.find("unchanged " + page.rel), std::string::npos) << again;
  EXPECT_EQ(again.find("unchanged copy.png"), std::string::npos) << "taken as done without its .hocr\n" << again;
  check(copy.rel);
  EXPECT_EQ(ManifestLines().size(), 2u);
}

// PAGE XML from the daemon: a document per page (<rel>-p<N>.page.xml for a
// 2-page TIFF, <rel>.page.xml for a PNG), in place before the input is
// done, well-formed, the same bytes as `run --format page` writes
// (SOURCE_DATE_EPOCH fixes their time); of the TIFF and a copy of it, one
// is OCR'd and the other gets its files copied (naming the first, as the
// other formats do); a page file removed and the state lost: that input is
// made again.
TEST_F(WatchTest, PageXmlIsWrittenPerPageAsRunWritesIt) {
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);  // the daemon and `run` below inherit it
  std::vector<cv::Mat> pages;
  for (int id : {941, 942}) {
    const std::string png = PagePng(id);
    pages.push_back(cv::imdecode(std::vector<unsigned char>(png.begin(), png.end()), cv::IMREAD_GRAYSCALE));
  }
  ASSERT_TRUE(cv::imwritemulti((staging_ / "two.tif").string(), pages));
  const std::string tiff = Slurp(staging_ / "two.tif");
  WriteFile(inbox_ / "two.tif", tiff);
  WriteFile(inbox_ / "copy.tif", tiff);
  WriteFile(inbox_ / "one.png", PagePng(943));
  const std::vector<std::string> once = {inbox_.string(), "--out", corpus_.string(), "--lang", "eng", "--once",
                                         "--jobs", "1", "--format", "txt,page"};
  size_t d = Start(once);
  ASSERT_TRUE(WaitExit(d, 90));
  ASSERT_EQ(daemons_[d].exit_code, 0) << Slurp(daemons_[d].log);
  ASSERT_EQ(ManifestLines().size(), 3u);

  CliResult run = Run("run '" + inbox_.string() + "' -o '" + (dir_ / "run").string() +
                      "' --format txt,page --lang eng --jobs 1 -q");
  ASSERT_EQ(run.code, 0) << run.err;
  const std::string log = Slurp(daemons_[d].log);
  const bool copy_ocrd = log.find("done two.tif -> two.tif.txt (same content as copy.tif") != std::string::npos;
  ASSERT_TRUE(copy_ocrd || log.find("done copy.tif -> copy.tif.txt (same content as two.tif") != std::string::npos) << log;
  const std::string ocrd = copy_ocrd ? "copy" : "two";
  const std::pair<std::string, std::string> files[] = {{"two.tif-p1.page.xml", ocrd + "-p1.page.xml"},
                                                       {"two.tif-p2.page.xml", ocrd + "-p2.page.xml"},
                                                       {"copy.tif-p1.page.xml", ocrd + "-p1.page.xml"},
                                                       {"copy.tif-p2.page.xml", ocrd + "-p2.page.xml"},
                                                       {"one.png.page.xml", "one.page.xml"}};
  for (const auto& [watched, ran] : files) {
    const std::string x = Slurp(corpus_ / watched);
    ASSERT_FALSE(x.empty()) << watched;
    EXPECT_TRUE(x == Slurp(dir_ / "run" / ran)) << watched << " is not " << ran << " of `run`";
    int st = -1;
    const std::string err = Command("xmllint --noout '" + (corpus_ / watched).string() + "' 2>&1", &st);
    EXPECT_EQ(st, 0) << watched << ": " << err;
  }
  EXPECT_EQ(PageXmlText(Slurp(corpus_ / "two.tif-p1.page.xml")) + PageXmlText(Slurp(corpus_ / "two.tif-p2.page.xml")),
            Slurp(corpus_ / "two.tif.txt"));
  EXPECT_FALSE(fs::exists(corpus_ / "two.tif.page.xml"));
  EXPECT_FALSE(fs::exists(corpus_ / "one.png-p1.page.xml"));
  ExpectNoTempFiles();

  fs::remove(corpus_ / "one.png.page.xml");
  DeleteState();
  d = Start(once);
  ASSERT_TRUE(WaitExit(d, 60));
  EXPECT_EQ(daemons_[d].exit_code, 0);
  const std::string again = Slurp(daemons_[d].log);
  EXPECT_NE(again.find("unchanged two.tif"), std::string::npos) << again;
  EXPECT_EQ(again.find("unchanged one.png"), std::string::npos) << "taken as done without its .page.xml\n" << again;
  EXPECT_TRUE(Slurp(corpus_ / "one.png.page.xml") == Slurp(dir_ / "run" / "one.page.xml"));
}

// A format the daemon cannot write is a config error naming the key and
// the value: at start, exit 2 (flag or file).
TEST_F(WatchTest, ABadFormatIsRefused) {
  fs::create_directories(dir_ / "i");
  Spit(dir_ / "bad.toml", "format = \"txt,docx\"\n");
  struct Case {
    std::string args, says;
  } cases[] = {
      {"--format txt,docx", "format 'txt,docx': unknown format 'docx'"},
      {"--config bad.toml", "format 'txt,docx': unknown format 'docx'"},
      {"--format alto", "needs txt or json"},
  };
  for (const auto& c : cases) {
    CliResult r = Run("watch i --out c --lang eng --once " + c.args);
    EXPECT_EQ(r.code, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir_ / "i"));
}

// Item 5: manifest.jsonl replaced by a symlink, then by another file, while
// the daemon runs. The daemon never appends through the link nor into the
// stranger: it says so and puts back a manifest rebuilt from the state.
TEST_F(WatchTest, AManifestReplacedWhileRunningIsNeverWrittenThrough) {
  auto inputs = MakeInputs(3, 921, false);
  size_t d = StartDefault();
  ASSERT_TRUE(WaitUp(d, 60));
  Deliver(inputs[0], Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished({inputs[0]}, 60, {d}));

  const fs::path outside = dir_ / "outside.txt";
  Spit(outside, "not the manifest\n");
  fs::remove(corpus_ / "manifest.jsonl");
  fs::create_symlink(outside, corpus_ / "manifest.jsonl");
  Deliver(inputs[1], Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished({inputs[0], inputs[1]}, 60, {d}));
  EXPECT_EQ(Slurp(outside), "not the manifest\n") << "appended through the link";
  EXPECT_FALSE(fs::is_symlink(corpus_ / "manifest.jsonl"));
  EXPECT_NE(Slurp(daemons_[d].log).find("manifest.jsonl: is a symbolic link"), std::string::npos) << Slurp(daemons_[d].log);

  Spit(dir_ / "stranger.jsonl", "{\"source\":\"stranger\"}\n");
  fs::rename(dir_ / "stranger.jsonl", corpus_ / "manifest.jsonl");
  Deliver(inputs[2], Delivery::kMovedIn);
  ASSERT_TRUE(WaitAllFinished(inputs, 60, {d}));
  EXPECT_NE(Slurp(daemons_[d].log).find("is not the file ocrflow wrote"), std::string::npos) << Slurp(daemons_[d].log);
  CheckCorpus(inputs);  // one line per input, none for the stranger
  Terminate(d);
}

// Item 7: the corpus inside the inbox through a bind mount (and the inbox
// inside the corpus): the paths say nothing, device and inode numbers do.
// Refused with exit 2 before anything is read or written.
TEST_F(WatchTest, FoldersNestedThroughABindMountAreRefused) {
  if (::getuid() != 0) GTEST_SKIP() << "needs root to bind-mount a folder";
  struct Case {
    fs::path source, mount_point;
    std::string says;
  } cases[] = {{corpus_, inbox_ / "view", "corpus, or a folder holding it, is mounted inside the inbox as " + (inbox_ / "view").string()},
               {dir_, inbox_ / "all", "corpus, or a folder holding it, is mounted inside the inbox"},
               {inbox_, corpus_ / "in", "inbox, or a folder holding it, is mounted inside the corpus as " + (corpus_ / "in").string()}};
  WriteFile(inbox_ / "in-931.png", PagePng(931));
  for (const auto& c : cases) {
    fs::create_directories(c.mount_point);
    if (::mount(c.source.c_str(), c.mount_point.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      GTEST_SKIP() << "bind mount not permitted here: " << std::strerror(errno);
    }
    size_t d = StartDefault({"--once"});
    const bool exited = WaitExit(d, 30);
    ::umount2(c.mount_point.c_str(), MNT_DETACH);
    fs::remove(c.mount_point);
    ASSERT_TRUE(exited) << c.mount_point;
    EXPECT_EQ(daemons_[d].exit_code, 2) << c.mount_point;
    const std::string log = Slurp(daemons_[d].log);
    EXPECT_NE(log.find(c.says), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(corpus_ / "in-931.png.txt")) << "worked although refused";
  }
}

// Item 12: a second daemon on the same corpus with another inbox. One
// corpus serves one inbox (docs/watch.md says why): refused with exit 2,
// and the first daemon's inputs are untouched; the same inbox under another
// path (a rename) is the same inbox, and --inbox-moved moves the record.
TEST_F(WatchTest, ASecondInboxForOneCorpusIsRefused) {
  Input first = MakeInputs(1, 941, false)[0];
  WriteFile(inbox_ / first.rel, first.bytes);
  size_t a = StartDefault();
  ASSERT_TRUE(WaitAllFinished({first}, 60, {a}));
  const fs::path other = dir_ / "other-inbox";
  WriteFile(other / "in-942.png", PagePng(942));
  size_t b = Start({other.string(), "--out", corpus_.string(), "--lang", "eng", "--once"});
  ASSERT_TRUE(WaitExit(b, 30));
  EXPECT_EQ(daemons_[b].exit_code, 2);
  const std::string log = Slurp(daemons_[b].log);
  EXPECT_NE(log.find("takes its inputs from the inbox " + fs::canonical(inbox_).string()), std::string::npos) << log;
  EXPECT_NE(log.find("not from " + fs::canonical(other).string()), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(corpus_ / "in-942.png.txt"));
  EXPECT_EQ(ReadState(corpus_ / ".ocrflow/state.db")[first.rel].status, "done");
  Terminate(a);
  // The inbox renamed: the same folder (device and inode), accepted.
  const fs::path renamed = dir_ / "inbox-renamed";
  fs::rename(inbox_, renamed);
  size_t c = Start({renamed.string(), "--out", corpus_.string(), "--lang", "eng", "--once"});
  ASSERT_TRUE(WaitExit(c, 60));
  EXPECT_EQ(daemons_[c].exit_code, 0) << Slurp(daemons_[c].log);
  EXPECT_NE(Slurp(daemons_[c].log).find("the inbox moved from"), std::string::npos) << Slurp(daemons_[c].log);
  // Another folder, confirmed as the inbox's new place.
  size_t e = Start({other.string(), "--out", corpus_.string(), "--lang", "eng", "--once", "--inbox-moved"});
  ASSERT_TRUE(WaitExit(e, 60));
  EXPECT_EQ(daemons_[e].exit_code, 0) << Slurp(daemons_[e].log);
  EXPECT_TRUE(fs::exists(corpus_ / "in-942.png.txt"));
}

// Item 12, the other way round: a second daemon on the same corpus with a
// state of its own (--state) would take every input again (its state knows
// none of them) and write the same outputs and manifest. Refused with exit
// 2 while the recorded state exists, before it makes a state; a state that
// was moved (the old file gone) takes the record over.
TEST_F(WatchTest, ASecondStateForOneCorpusIsRefused) {
  Input first = MakeInputs(1, 961, false)[0];
  WriteFile(inbox_ / first.rel, first.bytes);
  size_t a = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(a, 60));
  ASSERT_EQ(daemons_[a].exit_code, 0) << Slurp(daemons_[a].log);
  ASSERT_EQ(ManifestLines().size(), 1u);
  const fs::path recorded = fs::canonical(corpus_ / ".ocrflow/state.db");
  const fs::path other_state = fs::weakly_canonical(dir_ / "elsewhere") / "state.db";
  fs::create_directories(other_state.parent_path());
  size_t b = StartDefault({"--once", "--state", other_state.string()});
  ASSERT_TRUE(WaitExit(b, 30));
  EXPECT_EQ(daemons_[b].exit_code, 2) << Slurp(daemons_[b].log);
  const std::string log = Slurp(daemons_[b].log);
  EXPECT_NE(log.find("is served by the state " + recorded.string()), std::string::npos) << log;
  EXPECT_NE(log.find("not by " + other_state.string()), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(other_state)) << "a state was made although refused";
  EXPECT_EQ(ManifestLines().size(), 1u) << "the refused daemon wrote to the manifest";
  // The state moved (the old file gone): the new place is recorded, and
  // what the old state knew is not done again.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(recorded.string() + suffix)) fs::rename(recorded.string() + suffix, other_state.string() + suffix);
  }
  size_t c = StartDefault({"--once", "--state", other_state.string()});
  ASSERT_TRUE(WaitExit(c, 60));
  EXPECT_EQ(daemons_[c].exit_code, 0) << Slurp(daemons_[c].log);
  EXPECT_NE(Slurp(daemons_[c].log).find("the state of the corpus moved from " + recorded.string()), std::string::npos)
      << Slurp(daemons_[c].log);
  EXPECT_EQ(ReadState(other_state)[first.rel].status, "done");
  EXPECT_EQ(ManifestLines().size(), 1u);
  // And now the default state, recreated, is the second one: refused.
  size_t d = StartDefault({"--once"});
  ASSERT_TRUE(WaitExit(d, 30));
  EXPECT_EQ(daemons_[d].exit_code, 2) << Slurp(daemons_[d].log);
  EXPECT_FALSE(fs::exists(recorded)) << "a state was made although refused";
}

// Item 6: errors that will never go away end the input, quarantined with
// the reason, or listed as failed when even the quarantine cannot take it;
// `--once` always ends. A 251-byte name (its .txt is 255 bytes: the
// temporary name must be cut to fit) is done; a 252-byte one (its .txt
// would be 256) is quarantined, its note (262 bytes) cannot be, so the
// state says why; a folder of the corpus that is a symlink out is never
// written through.
TEST_F(WatchTest, PermanentErrorsEndTheInputAndOnceEnds) {
  const std::string fits = std::string(247, 'f') + ".png", too_long = std::string(248, 'g') + ".png";
  WriteFile(inbox_ / fits, PagePng(951));
  WriteFile(inbox_ / too_long, PagePng(952));
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, corpus_ / "linked");
  WriteFile(inbox_ / "linked" / "in-953.png", PagePng(953));
  size_t d = StartDefault({"--once", "--max-attempts", "2"});
  ASSERT_TRUE(WaitExit(d, 90)) << "--once did not end";
  EXPECT_EQ(daemons_[d].exit_code, 0);
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  EXPECT_EQ(rows[fits].status, "done") << rows[fits].error;
  EXPECT_NE(Slurp(corpus_ / (fits + ".txt")).find("951"), std::string::npos);
  EXPECT_EQ(rows[too_long].status, "failed");
  EXPECT_NE(rows[too_long].error.find("File name too long"), std::string::npos) << rows[too_long].error;
  EXPECT_EQ(Slurp(corpus_ / "failed" / too_long), PagePng(952)) << "the quarantine copy fits and is kept";
  EXPECT_EQ(rows["linked/in-953.png"].status, "failed");
  EXPECT_NE(rows["linked/in-953.png"].error.find("symbolic link"), std::string::npos) << rows["linked/in-953.png"].error;
  EXPECT_TRUE(fs::exists(corpus_ / "failed/linked/in-953.png.error.txt"));
  EXPECT_TRUE(fs::is_empty(elsewhere)) << "written through the corpus's linked folder";
  CliResult st = Run("status --out '" + corpus_.string() + "'");
  EXPECT_NE(st.out.find("File name too long"), std::string::npos) << st.out;
}

// Item 6: the daemon as `nobody` meets an input it may not read. It is
// failed with the reason, with a note saying why no copy was made; never
// retried forever.
TEST_F(WatchTest, AnInputTheDaemonMayNotReadIsFailedNotRetriedForever) {
  if (::getuid() != 0) GTEST_SKIP() << "needs root to run the daemon as nobody";
  if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "needs setpriv (util-linux)";
  fs::permissions(inbox_, fs::perms::all);
  fs::permissions(corpus_, fs::perms::all);
  WriteFile(inbox_ / "secret.png", PagePng(961));
  fs::permissions(inbox_ / "secret.png", fs::perms::none);
  Input good = MakeInputs(1, 962, false)[0];
  WriteFile(inbox_ / good.rel, good.bytes);
  size_t d = Start({inbox_.string(), "--out", corpus_.string(), "--lang", "eng", "--jobs", "1", "--once"},
            {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  ASSERT_TRUE(WaitExit(d, 90)) << "--once did not end";
  EXPECT_EQ(daemons_[d].exit_code, 0) << Slurp(daemons_[d].log);
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  EXPECT_EQ(rows[good.rel].status, "done") << rows[good.rel].error;
  EXPECT_EQ(rows["secret.png"].status, "failed");
  EXPECT_NE(rows["secret.png"].error.find("Permission denied"), std::string::npos) << rows["secret.png"].error;
  const std::string note = Slurp(corpus_ / "failed/secret.png.error.txt");
  EXPECT_NE(note.find("not copied here"), std::string::npos) << note;
  EXPECT_FALSE(fs::exists(corpus_ / "failed/secret.png"));
}

// Item 6: a page that runs out of memory is tried --max-attempts times,
// then quarantined with the reason; `--once` ends. A valid 14000x14000
// page under a 1 GB address-space limit: it used to run out while
// decoding; since large pages cost less (issue 16, item 8) it runs out in
// binarize, and OpenCV's allocator failing there must read "out of memory"
// too (it read "binarize: OpenCV: ... Insufficient memory").
TEST_F(WatchTest, OutOfMemoryIsQuarantinedAfterMaxAttempts) {
  if (!fs::exists("/usr/bin/prlimit")) GTEST_SKIP() << "needs prlimit (util-linux)";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "an address-space limit cannot hold an ASan build (its shadow memory alone reserves terabytes)";
#endif
  std::vector<unsigned char> png;
  cv::imencode(".png", cv::Mat(14000, 14000, CV_8UC1, cv::Scalar(255)), png);
  WriteFile(inbox_ / "huge.png", std::string(png.begin(), png.end()));
  size_t d = Start({inbox_.string(), "--out", corpus_.string(), "--lang", "eng", "--jobs", "1", "--once", "--max-attempts", "2"},
                   {"/usr/bin/prlimit", "--as=1000000000"});
  ASSERT_TRUE(WaitExit(d, 90)) << "--once did not end";
  EXPECT_EQ(daemons_[d].exit_code, 0) << Slurp(daemons_[d].log);
  auto rows = ReadState(corpus_ / ".ocrflow/state.db");
  if (rows["huge.png"].status == "done") GTEST_SKIP() << "1 GB was enough for the page here: nothing to test";
  EXPECT_EQ(rows["huge.png"].status, "failed");
  EXPECT_NE(rows["huge.png"].error.find("out of memory"), std::string::npos) << rows["huge.png"].error;
  EXPECT_EQ(rows["huge.png"].attempts, 2) << rows["huge.png"].error;
  EXPECT_TRUE(fs::exists(corpus_ / "failed/huge.png.error.txt"));
}

}  // namespace
