#include "pipeline/app/worker.h"

#include "models/wordlist.h"

#include "pipeline/app/page_chain.h"
#include "pipeline/app/page_wire.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ocrflow {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;  // reserves terabytes of address space: no RLIMIT_AS
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

json OptionsJson(const RunOptions& o) {
  json j;
  j["stages"] = o.stages;
  j["settings"] = o.settings;
  j["write_txt"] = o.write_txt;
  j["write_json"] = o.write_json;
  j["write_alto"] = o.write_alto;
  j["write_hocr"] = o.write_hocr;
  j["write_pdf"] = o.write_pdf;
  j["write_page"] = o.write_page;
  j["max_pixels"] = o.load.max_pixels;
  j["max_pages"] = o.load.max_pages;
  j["pdf_dpi"] = o.load.pdf_dpi;
  j["page_timeout"] = o.page_timeout;
  return j;
}

RunOptions OptionsFromJson(const json& j) {
  RunOptions o;
  o.jobs = 1;
  o.stages = j.at("stages").get<std::vector<std::string>>();
  o.settings = j.at("settings").get<std::map<std::string, StageSettings>>();
  o.write_txt = j.at("write_txt").get<bool>();
  o.write_json = j.at("write_json").get<bool>();
  o.write_alto = j.value("write_alto", false);
  o.write_hocr = j.value("write_hocr", false);
  o.write_pdf = j.value("write_pdf", false);
  o.write_page = j.value("write_page", false);
  o.load.max_pixels = j.at("max_pixels").get<double>();
  o.load.max_pages = j.at("max_pages").get<int>();
  o.load.pdf_dpi = j.at("pdf_dpi").get<double>();
  o.page_timeout = j.at("page_timeout").get<double>();
  return o;
}

json StatusJson(const Status& s) { return {{"code", static_cast<int>(s.code())}, {"message", s.message()}}; }
Status StatusFromJson(const json& j) {
  const int code = j.at("code").get<int>();
  if (code == 0) return Status::Ok();
  return Status(static_cast<Code>(code), j.at("message").get<std::string>());
}

// Buffered reads from a blocking descriptor (the child's side).
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  // false at the end of input or on an error
  bool Line(std::string* line) {
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        *line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return true;
      }
      if (!Fill()) return false;
    }
  }
  bool Exact(size_t n, std::string* out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    out->assign(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

 private:
  bool Fill() {
    char chunk[1 << 16];
    for (;;) {
      ssize_t r = ::read(fd_, chunk, sizeof chunk);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(r));
      return true;
    }
  }
  int fd_;
  std::string buf_;
};

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data.remove_prefix(static_cast<size_t>(w));
  }
  return true;
}

bool OutOfMemory(const Status& s) {
  return s.code() == Code::kUnavailable && s.message().find("out of memory") != std::string::npos;
}

// In a worker child right after fork(), before it execs or serves: it dies
// with its parent, the signals the parent decides on (SIGINT, SIGTERM,
// SIGHUP) are blocked and every inherited handler reset, its address space
// is limited (memory_limit_mb; 0: none), it is the kernel OOM killer's
// first choice (kWorkerOomScoreAdj) and `socket` is its stdin and stdout.
// False when the parent is already gone or the socket cannot be set up:
// the child should _exit. Only async-signal-safe calls (the parent may run
// threads).
bool PrepareWorkerChild(pid_t parent, long long memory_limit_mb, int socket) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return false;  // the parent died before the line above
  sigset_t block;
  sigemptyset(&block);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, s);
  sigprocmask(SIG_BLOCK, &block, nullptr);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) signal(s, SIG_DFL);
  if (memory_limit_mb > 0) {
    const rlim_t limit = static_cast<rlim_t>(memory_limit_mb) << 20;
    struct rlimit rl = {limit, limit};
    setrlimit(RLIMIT_AS, &rl);
  }
  // Should the machine run short of memory all the same (no memory limit,
  // or several workers each under theirs), the kernel kills a worker, the
  // one using most, and not the daemon or the run that holds every other
  // page: a worker's death costs one page a retry. Raising one's own score
  // needs no privilege; where it cannot be written, nothing changes.
  const int adj = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (adj >= 0) {
    (void)!::write(adj, kWorkerOomScoreAdj, std::strlen(kWorkerOomScoreAdj));
    ::close(adj);
  }
  return dup2(socket, STDIN_FILENO) >= 0 && dup2(socket, STDOUT_FILENO) >= 0;
}

// The CPU time (user and system, s) process `pid` has used, all its
// threads; -1 when unknown (it is gone). /proc/PID/stat fields 14 and 15,
// counted after the command's closing parenthesis (a name may hold any).
double CpuSecondsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return -1;
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  unsigned long long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::strtoull(field.c_str(), nullptr, 10);
  }
  const long hz = sysconf(_SC_CLK_TCK);
  return fields && hz > 0 ? static_cast<double>(ticks) / static_cast<double>(hz) : -1;
}

// Sets process `pid`'s soft RLIMIT_CPU to what it has used plus `seconds`
// (never past its hard limit, which stays).
void BoundCpuOf(pid_t pid, double seconds) {
  const double used = CpuSecondsOf(pid);
  struct rlimit now {};
  if (used < 0 || prlimit(pid, RLIMIT_CPU, nullptr, &now) != 0) return;
  rlim_t soft = static_cast<rlim_t>(std::ceil(used + seconds));
  if (now.rlim_max != RLIM_INFINITY) soft = std::min(soft, now.rlim_max);
  const struct rlimit bound = {soft, now.rlim_max};
  prlimit(pid, RLIMIT_CPU, &bound, nullptr);
}

// The processes `pid` started (its threads' children: the PP-OCR helper).
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code ec;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  for (std::filesystem::directory_iterator it(task, ec), end; !ec && it != end; it.increment(ec)) {
    std::ifstream in(it->path() / "children");
    for (long child = 0; in >> child;) children.push_back(static_cast<pid_t>(child));
  }
  return children;
}

}  // namespace

double WorkerGraceSeconds(double page_timeout) { return std::clamp(page_timeout * 0.1, 1.0, 30.0); }

double WorkerCpuSeconds(double page_timeout) {
  if (page_timeout <= 0) return 0;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  const int n = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 0;
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return (page_timeout + WorkerGraceSeconds(page_timeout)) * std::max<double>(1, n > 0 ? n : online);
}

WorkerLimits MakeWorkerLimits(double page_timeout, long long memory_limit_mb, const WorkerHooks& hooks) {
  WorkerLimits limits{page_timeout, memory_limit_mb};
  if (hooks.startup_timeout > 0) limits.startup_timeout = hooks.startup_timeout;
  limits.cpu_seconds = hooks.cpu_seconds > 0 && page_timeout > 0 ? hooks.cpu_seconds : WorkerCpuSeconds(page_timeout);
  if (hooks.grace_seconds > 0) limits.grace_seconds = hooks.grace_seconds;
  return limits;
}

std::vector<std::unique_ptr<WorkerProcess>> ForkWorkerProcesses(int n, const std::string& exe,
                                                                const WorkerLimits& limits, const WorkerHooks& hooks,
                                                                bool reflow,
                                                                const std::function<void(const std::string&)>& log) {
  if (reflow) models::WordList::System();
  std::vector<std::unique_ptr<WorkerProcess>> children;
  for (int i = 0; i < n; ++i) children.push_back(std::make_unique<WorkerProcess>(exe, limits));
  for (auto& child : children) {
    const Status forked = child->ForkNow(hooks);
    if (log) {
      log(forked.ok() ? "worker process pid " + std::to_string(child->pid()) + ": forked from pid " +
                            std::to_string(getpid())
                      : "worker processes not forked: " + forked.message());
    }
    if (!forked.ok()) break;
  }
  return children;
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* text = strsignal(sig);
  std::string s = abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
  if (text != nullptr) s += std::string(" (") + text + ")";
  return s;
}

// --- the child ---------------------------------------------------------------

int ServeWorker(const std::function<void(const std::string& source)>& before_input,
                const std::function<void(const std::string& source, int page, const std::string& stage)>& before_stage) {
  // The protocol's stdout is ours alone: whatever a library prints goes to
  // stderr.
  const int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (out < 0) return 1;
  dup2(STDERR_FILENO, STDOUT_FILENO);
  UseOneMallocArenaForOneWorker(1);
  // Started: the parent's time bound on the first request starts now, not
  // while the loader (an exec'd worker) was still at work.
  if (!SendAll(out, "{\"event\": \"ready\"}\n")) return 1;
  Reader in(STDIN_FILENO);
  std::string line;
  // run's page requests: the input they are about, kept for the next
  // (its bytes, opened), and the chain, built once per set of options.
  std::string input_key, input_bytes;
  std::unique_ptr<io::PageDecoder> decoder;
  std::string chain_key;
  std::optional<PageChain> chain;
  while (in.Line(&line)) {
    json req = json::parse(line, nullptr, false);
    std::string bytes;
    if (req.is_discarded() || !req.contains("bytes") || !req["bytes"].is_number_unsigned() ||
        !in.Exact(req["bytes"].get<size_t>(), &bytes)) {
      std::fprintf(stderr, "ocrflow __worker: a broken request; exiting\n");
      return 1;
    }
    const std::string source = req.value("source", "");
    const std::string kind = req.value("kind", "input");
    if (kind == "count" || kind == "page") {
      const std::string key = req.value("input", "");
      if (req.value("fresh", true)) {
        decoder.reset();
        input_bytes = std::move(bytes);
        input_key = key;
      } else if (key != input_key) {
        std::fprintf(stderr, "ocrflow __worker: a page request for an input it was not sent; exiting\n");
        return 1;
      }
      Status status;
      int pages = 0;
      WorkerPage page;
      std::string page_bytes;
      try {
        RunOptions options = OptionsFromJson(req.at("options"));
        if (!decoder) {
          auto opened = OpenInputPages(input_bytes, options.load);
          if (!opened.ok()) status = opened.status();
          else decoder = std::move(opened).value();
        }
        if (decoder) pages = decoder->pages();
        if (status.ok() && kind == "page") {
          const int number = req.value("page", 0);
          if (number < 1 || number > pages) {
            std::fprintf(stderr, "ocrflow __worker: no page %d in an input of %d; exiting\n", number, pages);
            return 1;
          }
          const std::string ck = json({req["options"]["stages"], req["options"]["settings"]}).dump();
          if (!chain || ck != chain_key) {
            RegisterBuiltinStages();
            auto built = PageChain::Build(options.stages.empty() ? DefaultPageStages() : options.stages, options.settings);
            if (!built.ok()) throw std::runtime_error(built.status().message());
            chain.emplace(std::move(built).value());
            chain_key = ck;
          }
          options.on_stage = [&](int page_number, int page_count, const std::string& stage) {
            json ev = {{"event", "stage"}, {"page", page_number}, {"pages", page_count}, {"stage", stage}};
            SendAll(out, ev.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
            if (before_stage) before_stage(source, page_number, stage);
          };
          if (before_input) before_input(source);
          page = RunOnePage(*chain, *decoder, input_bytes, source, number, options);
          status = page.status;
          if (page.has_page) page_bytes = EncodePage(page.page, page.has_image ? &page.image : nullptr);
        }
      } catch (const std::bad_alloc&) {
        status = Status(Code::kUnavailable, "out of memory");
        page_bytes.clear();
      } catch (const std::exception& e) {
        status = Status(Code::kInternal, std::string("internal error: ") + e.what());
        page_bytes.clear();
      }
      json done = {{"event", "done"},
                   {"status", StatusJson(status)},
                   {"pages", pages},
                   {"page_bytes", page_bytes.size()},
                   {"image_error", page.image_error}};
      if (!SendAll(out, done.dump(-1, ' ', false, json::error_handler_t::replace) + "\n")) return 1;
      if (!SendAll(out, page_bytes)) return 1;
      if (OutOfMemory(status)) return 0;
      continue;
    }
    InputOutcome o;
    try {
      RunOptions options = OptionsFromJson(req.at("options"));
      // Each stage as it starts: a worker killed for time is named by it.
      options.on_stage = [&](int page, int pages, const std::string& stage) {
        json ev = {{"event", "stage"}, {"page", page}, {"pages", pages}, {"stage", stage}};
        SendAll(out, ev.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        if (before_stage) before_stage(source, page, stage);
      };
      if (before_input) before_input(source);
      o = ProcessInput(bytes, source, options, [&](const PageEvent& e) {
        json ev = {{"event", "page"},       {"page", e.number},         {"status", StatusJson(e.status)},
                   {"chars", e.characters}, {"paragraphs", e.paragraphs}, {"skew", e.skew_degrees},
                   {"conf", e.confidence},  {"seconds", e.seconds}};
        SendAll(out, ev.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
      });
    } catch (const std::bad_alloc&) {
      o = InputOutcome{};
      o.status = Status(Code::kUnavailable, "out of memory");
    } catch (const std::exception& e) {
      o = InputOutcome{};
      o.status = Status(Code::kInternal, std::string("internal error: ") + e.what());
    }
    bytes.clear();
    bytes.shrink_to_fit();
    // PAGE XML, a document per page: each one's suffix and size.
    json page_xml = json::array();
    for (const auto& [suffix, doc] : o.page_xml) page_xml.push_back({{"suffix", suffix}, {"bytes", doc.size()}});
    json done = {{"event", "done"},
                 {"status", StatusJson(o.status)},
                 {"pages", o.pages},
                 {"failed_pages", o.failed_pages},
                 {"timed_out_pages", o.timed_out_pages},
                 {"chars", o.characters},
                 {"paragraphs", o.paragraphs},
                 {"conf", o.mean_confidence},
                 {"skew", o.skew_degrees},
                 {"txt_bytes", o.txt.size()},
                 {"json_bytes", o.json.size()},
                 {"alto_bytes", o.alto.size()},
                 {"hocr_bytes", o.hocr.size()},
                 {"pdf_bytes", o.pdf.size()},
                 {"page_xml", page_xml},
                 {"pdf_error", o.pdf_error}};
    std::string msg = done.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    // The outputs back to back after the message, in this order.
    if (!SendAll(out, msg)) return 1;
    for (const std::string* part : {&o.txt, &o.json, &o.alto, &o.hocr, &o.pdf})
      if (!SendAll(out, *part)) return 1;
    for (const auto& file : o.page_xml)
      if (!SendAll(out, file.second)) return 1;
    // A process that ran out of memory may hold a fragmented heap or a
    // half-built engine: the next input gets a fresh one.
    if (OutOfMemory(o.status)) return 0;
  }
  return 0;
}

// --- the parent --------------------------------------------------------------

WorkerProcess::~WorkerProcess() {
  // Its stdin ends: an idle worker exits by itself (and reaps its own
  // helpers, the PP-OCR node worker); one that does not within 2 s is killed.
  if (socket_ >= 0) close(socket_);
  socket_ = -1;
  for (int i = 0; i < 200 && pid_ > 0; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  KillAndReap();
}

Status WorkerProcess::Start() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Status(Code::kUnavailable, Errno("cannot start a worker process: socketpair"));
  // Everything the child needs is made before fork(): after it, in a
  // threaded parent, only async-signal-safe calls.
  const std::string exe = exe_.empty() ? std::string("/proc/self/exe") : exe_;
  std::string arg0 = exe, arg1 = "__worker";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  std::vector<std::string> env_store;
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (kAddressSanitizer && std::strncmp(*e, "ASAN_OPTIONS=", 13) == 0) continue;
    env_store.emplace_back(*e);
  }
  if (kAddressSanitizer && limits_.memory_limit_mb > 0) {
    // RLIMIT_AS cannot be used under ASan (its shadow memory): its own
    // RSS limit stands in.
    const char* had = std::getenv("ASAN_OPTIONS");
    env_store.push_back(std::string("ASAN_OPTIONS=") + (had ? std::string(had) + ":" : "") +
                        "hard_rss_limit_mb=" + std::to_string(limits_.memory_limit_mb));
  } else if (const char* had = std::getenv("ASAN_OPTIONS"); kAddressSanitizer && had) {
    env_store.push_back(std::string("ASAN_OPTIONS=") + had);
  }
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  // Under AddressSanitizer the limit is ASAN_OPTIONS' (above), not RLIMIT_AS.
  const long long limit_mb = kAddressSanitizer ? 0 : limits_.memory_limit_mb;

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(sv[0]);
    close(sv[1]);
    return Status(Code::kUnavailable, std::string("cannot start a worker process: fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    if (!PrepareWorkerChild(parent, limit_mb, sv[1])) _exit(127);
    execve(exe.c_str(), argv, envp.data());
    static const char kMsg[] = "ocrflow: cannot start the worker process (execve failed)\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    _exit(127);
  }
  close(sv[1]);
  socket_ = sv[0];
  pid_ = pid;
  ready_ = false;
  return Status::Ok();
}

int ThreadCount() {
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return ec ? 0 : n;
}

Status WorkerProcess::ForkNow(const WorkerHooks& hooks) {
  if (pid_ > 0) return Status::Ok();
  if (kAddressSanitizer)
    return Status(Code::kUnavailable,
                  "under AddressSanitizer a worker's memory limit is an ASAN_OPTIONS setting: exec'd");
  if (!exe_.empty()) return Status(Code::kUnavailable, "a worker binary of its own (" + exe_ + "): exec'd");
  if (const int threads = ThreadCount(); threads != 1)
    return Status(Code::kUnavailable, "this process runs " + std::to_string(threads) +
                                          " threads (fork() would copy one): workers are exec'd");
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Status(Code::kUnavailable, Errno("cannot fork a worker process: socketpair"));
  const pid_t parent = getpid();
  // Nothing buffered is written twice (the child's exit flushes its copy).
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(sv[0]);
    close(sv[1]);
    return Status(Code::kUnavailable, std::string("cannot fork a worker process: ") + std::strerror(e));
  }
  if (pid == 0) {
    // What an exec'd worker gets from Start() and exec, and no other
    // descriptor of the parent's (another worker's socket held here would
    // keep that worker from seeing its end).
    if (!PrepareWorkerChild(parent, limits_.memory_limit_mb, sv[1])) _exit(127);
    close_range(3, ~0U, 0);
    const int rc = ServeWorker(hooks.before_input, hooks.before_stage);
    // As `ocrflow __worker` returns from main: static and thread-local
    // destructors run (the PP-OCR helper process is reaped, its CPU counted).
    std::exit(rc);
  }
  close(sv[1]);
  socket_ = sv[0];
  pid_ = pid;
  ready_ = false;
  return Status::Ok();
}

void WorkerProcess::KillAndReap() {
  cached_input_.clear();
  if (socket_ >= 0) close(socket_);
  socket_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

std::string WorkerProcess::ReapAndDescribe() {
  if (socket_ >= 0) close(socket_);
  socket_ = -1;
  int status = 0;
  pid_t r = 0;
  // It closed its end: it is exiting. One that lingers is killed.
  cached_input_.clear();
  for (int i = 0; i < 200 && (r = waitpid(pid_, &status, WNOHANG)) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (r == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  const pid_t pid = pid_;
  pid_ = -1;
  std::string what = "the worker process (pid " + std::to_string(pid) + ") ";
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    what += "was killed by " + SignalName(sig);
    if (sig == SIGKILL) what += ": the kernel's out-of-memory killer, or an operator";
    if (sig == SIGXCPU && limits_.cpu_seconds > 0) {
      char bound[120];
      std::snprintf(bound, sizeof bound, ": more than its bound of %.0f s of CPU time for a page (RLIMIT_CPU)",
                    limits_.cpu_seconds);
      what += bound;
    }
    return what;
  }
  what += "exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
  if (kAddressSanitizer && limits_.memory_limit_mb > 0) {
    what += " (under AddressSanitizer its memory limit is hard_rss_limit_mb=" + std::to_string(limits_.memory_limit_mb) +
            " instead of RLIMIT_AS)";
  }
  return what;
}

void WorkerProcess::BoundCpu() {
  // Without the list of a process's children (CONFIG_PROC_CHILDREN) a
  // helper would keep the bound it inherited for its whole life, and die
  // of the CPU it used over many pages: no bound then.
  static const bool children_known = std::filesystem::exists("/proc/thread-self/children");
  if (limits_.cpu_seconds <= 0 || pid_ <= 0 || !children_known) return;
  BoundCpuOf(pid_, limits_.cpu_seconds);
  for (const pid_t child : ChildrenOf(pid_)) BoundCpuOf(child, limits_.cpu_seconds);
}

std::string WorkerProcess::StartedLine() const {
  if (started_in_ < 0) return "";
  char line[120];
  std::snprintf(line, sizeof line, "worker process pid %d: started by exec, ready in %.2f s",
                static_cast<int>(served_pid_), started_in_);
  return line;
}

Status WorkerProcess::AwaitReady(const std::atomic<bool>* cancel) {
  const Clock::time_point from = Clock::now();
  const double bound = limits_.page_timeout > 0 ? limits_.startup_timeout : 0;
  fcntl(socket_, F_SETFL, fcntl(socket_, F_GETFL) | O_NONBLOCK);
  std::string buf;
  for (;;) {
    if (const auto nl = buf.find('\n'); nl != std::string::npos) {
      // Nothing else comes before a request: "ready", alone, or garbage.
      const json msg = json::parse(buf.substr(0, nl), nullptr, false);
      if (nl + 1 != buf.size() || !msg.is_object() || msg.value("event", "") != "ready") {
        KillAndReap();
        return Status(Code::kInternal, "the worker process answered garbage as it started; killed");
      }
      ready_ = true;
      return Status::Ok();
    }
    if (cancel != nullptr && cancel->load()) {
      KillAndReap();
      return Status(Code::kCancelled, "cancelled");
    }
    if (bound > 0 && std::chrono::duration<double>(Clock::now() - from).count() > bound) {
      const pid_t pid = pid_;
      KillAndReap();
      char msg[200];
      std::snprintf(msg, sizeof msg,
                    "the worker process (pid %d) did not start within %.0f s (not ready to take a page); killed with "
                    "SIGKILL",
                    static_cast<int>(pid), bound);
      return Status(Code::kUnavailable, msg);
    }
    pollfd p{socket_, POLLIN, 0};
    const int n = poll(&p, 1, 200);
    if (n < 0 && errno != EINTR) {
      KillAndReap();
      return Status(Code::kInternal, Errno("poll on the worker process"));
    }
    if (n <= 0) continue;
    char chunk[256];
    const ssize_t r = ::read(socket_, chunk, sizeof chunk);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) return Status(Code::kInternal, ReapAndDescribe());
    buf.append(chunk, static_cast<size_t>(r));
  }
}

Status WorkerProcess::Exchange(const std::string& head, std::string_view bytes,
                               const std::function<void(const PageEvent&)>& on_page, const std::atomic<bool>* cancel,
                               std::string* done_line, std::string* payload) {
  // A child started for this request: its start is bounded on its own
  // (AwaitReady), and the request's time bound starts once it is ready.
  started_in_ = -1;
  const bool fresh = pid_ <= 0;
  const Clock::time_point start = Clock::now();
  if (fresh) {
    if (Status st = Start(); !st.ok()) return st;
  }
  served_pid_ = pid_;
  if (!ready_) {
    if (Status st = AwaitReady(cancel); !st.ok()) return st;
    if (fresh) started_in_ = std::chrono::duration<double>(Clock::now() - start).count();
    if (fresh && on_started_) on_started_(*this);
  }
  BoundCpu();
  const double grace = limits_.grace_seconds > 0 ? limits_.grace_seconds : WorkerGraceSeconds(limits_.page_timeout);
  const double bound = limits_.page_timeout > 0 ? limits_.page_timeout + grace : 0;
  Clock::time_point progress = Clock::now();
  std::string stage;  // the stage running in the child, as it last said
  int& stage_page = last_page_;
  stage_page = 0;
  last_page_count_ = 0;
  auto timed_out = [&] {
    return bound > 0 && std::chrono::duration<double>(Clock::now() - progress).count() > bound;
  };
  auto killed_for_time = [&] {
    const pid_t pid = pid_;
    KillAndReap();
    const std::string where = stage.empty() ? std::string("before any stage started (decoding the input)")
                                            : "in stage " + stage + " (page " + std::to_string(stage_page) + ")";
    char msg[240];
    std::snprintf(msg, sizeof msg,
                  ": no page finished in %.0f s (page timeout %.0f s + %.0f s grace); the worker process (pid "
                  "%d) was killed with SIGKILL",
                  bound, limits_.page_timeout, grace, static_cast<int>(pid));
    return Status(Code::kDeadlineExceeded, "timed out " + where + msg);
  };
  auto cancelled = [&] { return cancel != nullptr && cancel->load(); };

  // The request, without blocking on a child that stopped reading.
  std::string_view pending[2] = {head, bytes};
  fcntl(socket_, F_SETFL, fcntl(socket_, F_GETFL) | O_NONBLOCK);
  for (std::string_view& part : pending) {
    while (!part.empty()) {
      if (cancelled()) {
        KillAndReap();
        return Status(Code::kCancelled, "cancelled");
      }
      if (timed_out()) return killed_for_time();
      ssize_t w = ::send(socket_, part.data(), part.size(), MSG_NOSIGNAL);
      if (w > 0) {
        part.remove_prefix(static_cast<size_t>(w));
        continue;
      }
      if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
        pollfd p{socket_, POLLOUT, 0};
        poll(&p, 1, 200);
        continue;
      }
      return Status(Code::kInternal, ReapAndDescribe());
    }
  }

  std::string buf;
  bool have_done = false;
  size_t need = 0;
  for (;;) {
    // Whole messages first.
    for (;;) {
      if (have_done) {
        if (buf.size() < need) break;
        *payload = buf.substr(0, need);
        return Status::Ok();
      }
      auto nl = buf.find('\n');
      if (nl == std::string::npos) break;
      std::string line = buf.substr(0, nl);
      json msg = json::parse(line, nullptr, false);
      buf.erase(0, nl + 1);
      if (msg.is_discarded() || !msg.contains("event")) {
        KillAndReap();
        return Status(Code::kInternal, "the worker process answered garbage; killed");
      }
      if (msg["event"] == "stage") {  // not progress: a stage may start and hang
        stage = msg.value("stage", "");
        stage_page = msg.value("page", 0);
        last_page_count_ = msg.value("pages", 0);
        continue;
      }
      progress = Clock::now();
      BoundCpu();
      if (msg["event"] == "page") {
        PageEvent e;
        e.number = msg.value("page", 0);
        e.status = StatusFromJson(msg["status"]);
        e.characters = msg.value("chars", 0);
        e.paragraphs = msg.value("paragraphs", 0);
        e.skew_degrees = msg.value("skew", 0.0);
        e.confidence = msg.value("conf", 0.0);
        e.seconds = msg.value("seconds", 0.0);
        if (on_page) on_page(e);
      } else if (msg["event"] == "done") {
        have_done = true;
        need = 0;
        bool garbage = false;
        for (const char* key : {"txt_bytes", "json_bytes", "alto_bytes", "hocr_bytes", "pdf_bytes", "page_bytes"}) {
          if (!msg.contains(key)) continue;
          if (!msg[key].is_number_unsigned()) garbage = true;
          else need += msg[key].get<size_t>();
        }
        if (msg.contains("page_xml")) {
          if (!msg["page_xml"].is_array()) garbage = true;
          else
            for (const json& file : msg["page_xml"]) {
              if (!file.is_object() || !file.contains("suffix") || !file.contains("bytes") ||
                  !file["suffix"].is_string() || !file["bytes"].is_number_unsigned()) {
                garbage = true;
                break;
              }
              need += file["bytes"].get<size_t>();
            }
        }
        if (garbage || !msg.contains("status") || !msg["status"].is_object()) {
          KillAndReap();
          return Status(Code::kInternal, "the worker process answered garbage; killed");
        }
        *done_line = std::move(line);
      }
    }
    if (cancelled()) {
      KillAndReap();
      return Status(Code::kCancelled, "cancelled");
    }
    if (timed_out()) return killed_for_time();
    pollfd p{socket_, POLLIN, 0};
    int n = poll(&p, 1, 200);
    if (n < 0 && errno != EINTR) {
      KillAndReap();
      return Status(Code::kInternal, Errno("poll on the worker process"));
    }
    if (n <= 0) continue;
    char chunk[1 << 16];
    ssize_t r = ::read(socket_, chunk, sizeof chunk);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) return Status(Code::kInternal, ReapAndDescribe());
    buf.append(chunk, static_cast<size_t>(r));
  }
}

Status WorkerProcess::NameOutOfMemory(Status status) {
  if (!OutOfMemory(status) || limits_.memory_limit_mb <= 0) return status;
  // It exits after this answer; reaped here, not left as a zombie.
  KillAndReap();
  return Status(Code::kUnavailable, "out of memory: the worker process reached its address-space limit (RLIMIT_AS, " +
                                        std::to_string(limits_.memory_limit_mb) + " MB)");
}

Result<InputOutcome> WorkerProcess::Process(std::string_view bytes, const std::string& source, const RunOptions& options,
                                            const std::function<void(const PageEvent&)>& on_page,
                                            const std::atomic<bool>* cancel) {
  json req = {{"source", source}, {"options", OptionsJson(options)}, {"bytes", bytes.size()}};
  cached_input_.clear();  // the child keeps no input after a whole one
  std::string done_line, buf;
  if (Status st = Exchange(req.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", bytes, on_page, cancel,
                           &done_line, &buf);
      !st.ok())
    return st;
  json done = json::parse(done_line);
  InputOutcome out;
  size_t at = 0;
  for (auto [part, key] : {std::pair{&out.txt, "txt_bytes"}, {&out.json, "json_bytes"}, {&out.alto, "alto_bytes"},
                           {&out.hocr, "hocr_bytes"}, {&out.pdf, "pdf_bytes"}}) {
    const size_t n = done.value(key, size_t{0});
    *part = buf.substr(at, n);
    at += n;
  }
  if (done.contains("page_xml")) {
    for (const json& file : done["page_xml"]) {
      const size_t n = file.at("bytes").get<size_t>();
      out.page_xml.emplace_back(file.at("suffix").get<std::string>(), buf.substr(at, n));
      at += n;
    }
  }
  out.pdf_error = done.value("pdf_error", std::string());
  out.status = NameOutOfMemory(StatusFromJson(done["status"]));
  out.pages = done.value("pages", 0);
  out.failed_pages = done.value("failed_pages", 0);
  out.timed_out_pages = done.value("timed_out_pages", 0);
  out.characters = done.value("chars", size_t{0});
  out.paragraphs = done.value("paragraphs", size_t{0});
  out.mean_confidence = done.value("conf", 0.0);
  if (done.contains("skew")) out.skew_degrees = done["skew"].get<std::vector<double>>();
  return out;
}

// run's pages: the input's bytes go to the child once; the next request
// for a page of the same input names it (`input`) and sends none.
std::string WorkerProcess::PageRequest(const char* kind, std::string_view bytes, const std::string& source,
                                       size_t input, int page, const RunOptions& options, bool* send_bytes) {
  const std::string key = std::to_string(input) + ":" + source;
  *send_bytes = pid_ <= 0 || cached_input_ != key;
  json req = {{"kind", kind},
              {"source", source},
              {"input", key},
              {"options", OptionsJson(options)},
              {"fresh", *send_bytes},
              {"bytes", *send_bytes ? bytes.size() : 0}};
  if (page > 0) req["page"] = page;
  cached_input_ = key;
  return req.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<int> WorkerProcess::CountPages(std::string_view bytes, const std::string& source, size_t input,
                                      const RunOptions& options, const std::atomic<bool>* cancel) {
  bool send = true;
  const std::string head = PageRequest("count", bytes, source, input, 0, options, &send);
  std::string done_line, payload;
  if (Status st = Exchange(head, send ? bytes : std::string_view(), {}, cancel, &done_line, &payload); !st.ok()) {
    cached_input_.clear();
    return st;
  }
  json done = json::parse(done_line);
  Status st = NameOutOfMemory(StatusFromJson(done["status"]));
  if (!st.ok()) return st;
  return done.value("pages", 0);
}

Result<WorkerPage> WorkerProcess::ProcessPage(std::string_view bytes, const std::string& source, size_t input, int page,
                                              int pages, const RunOptions& options, const std::atomic<bool>* cancel) {
  bool send = true;
  const std::string head = PageRequest("page", bytes, source, input, page, options, &send);
  std::string done_line, payload;
  Status st = Exchange(head, send ? bytes : std::string_view(), {}, cancel, &done_line, &payload);
  if (!st.ok()) {
    cached_input_.clear();
    // Killed before any stage started: on this page, not decoding the input.
    if (last_page_ == 0 && st.code() == Code::kDeadlineExceeded) last_page_ = page, last_page_count_ = pages;
    return st;
  }
  json done = json::parse(done_line);
  WorkerPage out;
  out.status = NameOutOfMemory(StatusFromJson(done["status"]));
  out.image_error = done.value("image_error", std::string());
  if (done.value("page_bytes", size_t{0}) > 0) {
    if (Status bad = DecodePage(payload, &out.page, &out.image, &out.has_image); !bad.ok()) {
      KillAndReap();
      return bad;
    }
    out.has_page = true;
  }
  return out;
}

Status LeftOut(const Status& why, int pages) {
  if (pages < 2 || why.code() == Code::kCancelled) return why;
  return Status(why.code(), "left out: " + why.message());
}

namespace {

// A page's record in a PageJournal: one JSON line (the run it belongs to:
// ocrflow's version and the options; the failed tries so far; once the
// page ended, its outcome), then, for a page that was read, the page as
// page_wire.h encodes it, its PDF image included: the bytes its worker
// sent, so that the outputs assembled from it are the same bytes.
struct PageRecord {
  int failed = 0;         // tries that failed (the worker died, was killed)
  bool finished = false;  // ended: read, or left out
  bool left_out = false;
  WorkerPage page;        // when finished: its outcome (status), and the page when read
};

std::string JournalRun(const RunOptions& options) { return json::array({OCRFLOW_VERSION, OptionsJson(options)}).dump(); }

std::string EncodeRecord(const std::string& run, const PageRecord& r) {
  json head = {{"run", run}, {"failed", r.failed}};
  std::string body;
  if (r.finished) {
    head["status"] = StatusJson(r.page.status);
    head["left_out"] = r.left_out;
    head["has_page"] = r.page.has_page;
    head["image_error"] = r.page.image_error;
    if (r.page.has_page) body = EncodePage(r.page.page, r.page.has_image ? &r.page.image : nullptr);
  }
  return head.dump(-1, ' ', false, json::error_handler_t::replace) + "\n" + body;
}

// False for a record of another run, or one that does not decode.
bool DecodeRecord(std::string_view record, const std::string& run, PageRecord* r) {
  const size_t nl = record.find('\n');
  if (nl == std::string_view::npos) return false;
  const json head = json::parse(record.substr(0, nl), nullptr, false);
  if (!head.is_object() || head.value("run", std::string()) != run) return false;
  try {
    r->failed = head.value("failed", 0);
    r->finished = head.contains("status");
    if (!r->finished) return true;
    r->page.status = StatusFromJson(head.at("status"));
    r->left_out = head.value("left_out", false);
    r->page.has_page = head.value("has_page", false);
    r->page.image_error = head.value("image_error", std::string());
  } catch (const json::exception&) {
    return false;
  }
  return !r->page.has_page || DecodePage(record.substr(nl + 1), &r->page.page, &r->page.image, &r->page.has_image).ok();
}

}  // namespace

Result<InputOutcome> ProcessPageByPage(WorkerProcess& child, std::string_view bytes, const std::string& source,
                                       const RunOptions& options, int attempts,
                                       const std::function<void(const PageEvent&)>& on_page,
                                       const std::function<void(int page, const Status& why, int attempt)>& on_retry,
                                       const std::atomic<bool>* cancel, PageJournal* journal) {
  // The child keeps the bytes of the input it was last sent, by this key:
  // one per call, so that an input whose content changed under the same
  // name is never read from the bytes it had before.
  static std::atomic<size_t> next_input{0};
  const size_t input = next_input.fetch_add(1);
  auto count = child.CountPages(bytes, source, input, options, cancel);
  if (!count.ok()) return count.status();
  const int pages = count.value();
  // What a journal kept of this run's pages (decoded now, their bytes let go).
  const std::string run = journal != nullptr ? JournalRun(options) : std::string();
  std::map<int, PageRecord> kept;
  if (journal != nullptr) {
    int finished = 0;
    for (auto it = journal->kept.begin(); it != journal->kept.end(); it = journal->kept.erase(it)) {
      PageRecord r;
      if (it->first < 1 || it->first > pages || !DecodeRecord(it->second, run, &r)) continue;
      finished += r.finished ? 1 : 0;
      kept.emplace(it->first, std::move(r));
    }
    if (finished > 0 && journal->on_resume) journal->on_resume(finished, pages);
  }
  auto keep = [&](int number, const PageRecord& r) {
    if (journal != nullptr && journal->keep) journal->keep(number, EncodeRecord(run, r));
  };
  std::vector<Page> read;  // the pages read, and those that timed out (flagged)
  std::vector<Status> status(static_cast<size_t>(pages));
  std::map<int, formats::PdfImage> images;
  std::map<int, std::string> image_errors;
  std::set<int> left_out;  // the pages whose worker died on every try
  // A page that ended, read now (`report`: told to on_page) or before.
  auto take = [&](int number, WorkerPage& w, double seconds, bool report) {
    status[number - 1] = w.status;
    if (w.has_image) images[number] = std::move(w.image);
    else if (!w.image_error.empty()) image_errors[number] = w.image_error;
    if (report && on_page) on_page(MakePageEvent(w.page, w.status, seconds, number));
    if (w.has_page && (w.status.ok() || !w.page.info.timed_out_stage.empty())) read.push_back(std::move(w.page));
  };
  for (int number = 1; number <= pages; ++number) {
    int first = 1;
    if (auto it = kept.find(number); it != kept.end()) {
      PageRecord& r = it->second;
      if (r.finished && r.left_out) {
        status[number - 1] = r.page.status;
        left_out.insert(number);
      } else if (r.finished) {
        take(number, r.page, 0, false);
      }
      first = r.failed + 1;
      const bool finished = r.finished;
      kept.erase(it);
      if (finished) continue;
    }
    for (int attempt = first;; ++attempt) {
      const auto start = Clock::now();
      auto got = child.ProcessPage(bytes, source, input, number, pages, options, cancel);
      if ((cancel != nullptr && cancel->load()) || (!got.ok() && got.status().code() == Code::kCancelled))
        return Status(Code::kCancelled, "cancelled");
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      // The worker died, was killed, or ran out of memory (it exits after
      // saying so): another try in a new one, then the page is left out.
      const Status why = got.ok() ? got.value().status : got.status();
      if (!got.ok() || why.code() == Code::kUnavailable) {
        PageRecord r;
        r.failed = attempt;
        if (attempt < attempts) {
          keep(number, r);
          if (on_retry) on_retry(number, why, attempt);
          continue;
        }
        status[number - 1] = LeftOut(Status(why.code(), why.message() + " (attempt " + std::to_string(attempt) + " of " +
                                                           std::to_string(attempts) + ")"),
                                     pages);
        r.finished = r.left_out = true;
        r.page.status = status[number - 1];
        keep(number, r);
        left_out.insert(number);
        if (on_page) on_page(MakePageEvent(Page{}, status[number - 1], seconds, number));
        break;
      }
      PageRecord r;
      r.failed = attempt - 1;
      r.finished = true;
      r.page = std::move(got).value();
      keep(number, r);
      take(number, r.page, seconds, true);
      break;
    }
  }
  return AssembleInput(std::move(read), status, left_out, source, options, WorkerPdfImages(images, image_errors));
}

}  // namespace ocrflow
