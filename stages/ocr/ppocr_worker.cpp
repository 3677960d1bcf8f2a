#include "stages/ocr/ppocr_worker.h"

#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace ocrflow::ocr {
namespace {

constexpr size_t kStderrKept = 2000;  // bytes of the worker's stderr kept
constexpr size_t kStderrShown = 300;  // of which an error message shows the last

// Moves a descriptor above stdin/stdout/stderr (ocrflow may have been
// started with one of them closed), keeping it close-on-exec.
int AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  close(fd);
  return moved;
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string DescribeExit(int status) {
  if (status < 0) return "";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = strsignal(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) + (name ? std::string(" (") + name + ")" : "");
  }
  return "stopped";
}

template <typename T>
void Put(std::string& out, T v) {  // little-endian, as x86-64 and the worker
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

Result<std::unique_ptr<PpOcrWorker>> PpOcrWorker::Start(const PpOcrWorkerCommand& c) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Status(Code::kInternal, Errno("PP-OCR worker: socketpair"));
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(sv[0]), close(sv[1]);
    return Status(Code::kInternal, Errno("PP-OCR worker: pipe"));
  }
  for (int* fd : {&sv[0], &sv[1], &err[0], &err[1]}) *fd = AboveStdio(*fd);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  // Its own process group: the terminal's Ctrl-C goes to ocrflow, which
  // stops cleanly and closes the worker's stdin. Signals unblocked and at
  // their defaults whatever the spawning thread had.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &defaults);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {c.node, c.script, c.model, c.keys};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string node_path = "NODE_PATH=" + c.node_modules;
  std::vector<char*> envp;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, "NODE_PATH=", 10) != 0) envp.push_back(*e);
  envp.push_back(node_path.data());
  envp.push_back(nullptr);

  auto worker = std::unique_ptr<PpOcrWorker>(new PpOcrWorker());
  const int rc = posix_spawn(&worker->pid_, c.node.c_str(), &fa, &at, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(sv[1]);
  close(err[1]);
  if (rc != 0) {
    close(sv[0]), close(err[0]);
    worker->pid_ = -1;
    return Status(Code::kInternal, "PP-OCR worker: cannot start " + c.node + ": " + std::strerror(rc));
  }
  worker->socket_ = sv[0];
  worker->stderr_ = err[0];
  fcntl(worker->socket_, F_SETFL, fcntl(worker->socket_, F_GETFL) | O_NONBLOCK);
  fcntl(worker->stderr_, F_SETFL, fcntl(worker->stderr_, F_GETFL) | O_NONBLOCK);
  return worker;
}

PpOcrWorker::~PpOcrWorker() {
  CloseFd(socket_);  // stdin ends: the worker exits by itself
  if (pid_ > 0) {
    for (int i = 0; i < 100; ++i) {  // a second at most
      DrainStderr();
      int status;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    KillAndReap();
  }
  CloseFd(stderr_);
}

void PpOcrWorker::DrainStderr() {
  if (stderr_ < 0) return;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(stderr_, buf, sizeof buf);
    if (n > 0) {
      stderr_tail_.append(buf, static_cast<size_t>(n));
      if (stderr_tail_.size() > kStderrKept) stderr_tail_.erase(0, stderr_tail_.size() - kStderrKept);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // EAGAIN, EOF or an error: nothing more now
    }
  }
}

void PpOcrWorker::KillAndReap() {
  if (pid_ <= 0) return;
  // A worker that closed its end may still be exiting: a moment for it to
  // report its own status before it is killed.
  for (int i = 0; i < 20; ++i) {
    const pid_t r = waitpid(pid_, &exit_status_, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    if (socket_ >= 0) break;  // still connected: it is hung, not exiting
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  while (waitpid(pid_, &exit_status_, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Status PpOcrWorker::Fail(const std::string& what) {
  CloseFd(socket_);
  KillAndReap();
  DrainStderr();
  CloseFd(stderr_);
  std::string msg = "PP-OCR worker " + what;
  if (const std::string exit = DescribeExit(exit_status_); !exit.empty()) msg += "; " + exit;
  // Its last words, on one line (the worker says what went wrong in one
  // line; a crash of node itself may say more).
  std::string tail;
  for (char c : stderr_tail_) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      if (!tail.empty() && tail.back() != ' ') tail += ' ';
    } else {
      tail += c;
    }
  }
  while (!tail.empty() && tail.back() == ' ') tail.pop_back();
  if (tail.size() > kStderrShown) tail = "..." + tail.substr(tail.size() - kStderrShown);
  if (!tail.empty()) msg += "; its stderr: " + tail;
  return Status(Code::kInternal, msg);
}

namespace {

// "T f:l:p f:l:p ...": the time steps of each emitted character
// (ppocr_worker.js). Anything else leaves the reading without them.
void ParseSteps(const std::string& field, CtcReading& out) {
  std::istringstream in(field);
  int steps = 0;
  if (!(in >> steps) || steps <= 0) return;
  std::vector<CtcChar> chars;
  for (std::string one; in >> one;) {
    CtcChar c;
    char colon1 = 0, colon2 = 0;
    std::istringstream part(one);
    if (!(part >> c.first_step >> colon1 >> c.last_step >> colon2 >> c.probability) || colon1 != ':' || colon2 != ':')
      return;
    chars.push_back(c);
  }
  out.steps = steps;
  out.chars = std::move(chars);
}

}  // namespace

Result<CtcReading> PpOcrWorker::Read(const cv::Mat& resized, int padded_width, std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || socket_ < 0) return Status(Code::kInternal, "PP-OCR worker: not running");
  if (resized.type() != CV_8UC3 || resized.cols > padded_width || padded_width > 0xffff || resized.rows > 0xffff)
    return Status(Code::kInvalidArgument, "PP-OCR worker: a line must be 8-bit BGR no wider than its padding");
  const cv::Mat px = resized.isContinuous() ? resized : resized.clone();
  const size_t bytes = px.total() * px.elemSize();
  const uint32_t id = next_id_++;
  std::string msg;
  msg.reserve(16 + bytes);
  Put<uint32_t>(msg, static_cast<uint32_t>(4 + 2 + 2 + 2 + 2 + bytes));
  Put<uint32_t>(msg, id);
  Put<uint16_t>(msg, static_cast<uint16_t>(px.rows));
  Put<uint16_t>(msg, static_cast<uint16_t>(padded_width));
  Put<uint16_t>(msg, 1);
  Put<uint16_t>(msg, static_cast<uint16_t>(px.cols));
  msg.append(reinterpret_cast<const char*>(px.data), bytes);

  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  // Waits until the socket is ready for `events` (draining stderr
  // meanwhile): false at the deadline.
  auto wait = [&](short events) -> Result<bool> {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd fds[2] = {{socket_, events, 0}, {stderr_, POLLIN, 0}};
      const int n = poll(fds, stderr_ >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (n < 0 && errno != EINTR) return Status(Code::kInternal, Errno("poll"));
      if (n <= 0) continue;
      if (fds[1].revents != 0) {
        DrainStderr();
        if (fds[1].revents & (POLLHUP | POLLERR)) CloseFd(stderr_);
      }
      if (fds[0].revents != 0) return true;  // ready, or hung up: the call says which
    }
  };

  for (size_t sent = 0; sent < msg.size();) {
    const ssize_t n = send(socket_, msg.data() + sent, msg.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return Fail("ended before taking the line");
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return Fail(Errno("send"));
    auto ready = wait(POLLOUT);
    if (!ready.ok()) return Fail(ready.status().message());
    if (!*ready) return Fail("took no line within " + std::to_string(timeout.count()) + " ms");
  }
  size_t eol;
  while ((eol = reply_.find('\n')) == std::string::npos) {
    char buf[4096];
    const ssize_t n = recv(socket_, buf, sizeof buf, 0);
    if (n > 0) {
      reply_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return Fail("ended without an answer");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Fail(Errno("recv"));
    auto ready = wait(POLLIN);
    if (!ready.ok()) return Fail(ready.status().message());
    if (!*ready) return Fail("gave no answer within " + std::to_string(timeout.count()) + " ms");
  }
  const std::string line = reply_.substr(0, eol);
  reply_.erase(0, eol + 1);
  // id \t confidence \t ms \t cpu ms \t text
  std::vector<std::string> f;
  size_t from = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t tab = line.find('\t', from);
    if (tab == std::string::npos) return Fail("answered '" + line.substr(0, 80) + "'");
    f.push_back(line.substr(from, tab - from));
    from = tab + 1;
  }
  // text, then (a worker of this tree) the steps field.
  const size_t tab = line.find('\t', from);
  f.push_back(line.substr(from, tab == std::string::npos ? std::string::npos : tab - from));
  const std::string steps = tab == std::string::npos ? std::string() : line.substr(tab + 1);
  if (f[0] != std::to_string(id)) return Fail("answered line " + f[0] + " for line " + std::to_string(id));
  char* end = nullptr;
  const double confidence = std::strtod(f[1].c_str(), &end);
  if (end == f[1].c_str() || *end != '\0') return Fail("answered '" + line.substr(0, 80) + "'");
  if (confidence < 0) return Fail("could not read a line: " + f[4]);
  CtcReading out;
  out.text = std::move(f[4]);
  out.confidence = confidence;
  ParseSteps(steps, out);
  return out;
}

}  // namespace ocrflow::ocr
