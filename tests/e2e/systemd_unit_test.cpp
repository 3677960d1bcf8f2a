// scripts/systemd/ocrflow-watch.service through systemd's own tools: every
// line parses, the exposure score stays at or below 2.5 (issue 16), and the
// system call filter still lets through what the daemon does (fork and exec
// its workers, set RLIMIT_AS, watch with inotify, write atomically). Skips
// when systemd-analyze (systemd >= 250, for --offline) is not installed.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "cli_harness.h"

namespace ocrflow::e2e {
namespace {

const fs::path kUnit = fs::path(OCRFLOW_SOURCE_DIR) / "scripts/systemd/ocrflow-watch.service";

class SystemdUnitTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (std::system("command -v systemd-analyze >/dev/null 2>&1") != 0) GTEST_SKIP() << "systemd-analyze is not installed";
    if (RunBin("systemd-analyze", "security --help").out.find("--offline") == std::string::npos)
      GTEST_SKIP() << "systemd-analyze has no --offline (systemd < 250)";
  }
  // The system calls in a filter group, nested groups expanded.
  std::set<std::string> Expand(const std::string& group, int depth = 0) {
    std::set<std::string> calls;
    if (depth > 8) return calls;
    std::istringstream in(RunBin("systemd-analyze", "syscall-filter " + group).out);
    std::string line;
    while (std::getline(in, line)) {
      line.erase(0, line.find_first_not_of(' '));
      if (line.empty() || line[0] == '#' || line == group) continue;
      if (line[0] == '@') {
        auto inner = Expand(line, depth + 1);
        calls.insert(inner.begin(), inner.end());
      } else {
        calls.insert(line);
      }
    }
    return calls;
  }
};

TEST_F(SystemdUnitTest, EverySettingParsesAndExposureIsAtMost2_5) {
  // --threshold=25: exit status non-zero when the exposure is above 2.5.
  CliResult r = RunBin("systemd-analyze", "security --offline=yes --threshold=25 '" + kUnit.string() + "'");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // A setting systemd cannot parse is ignored with a warning, and silently
  // weakens the unit (an inline "# comment" after a value does that).
  EXPECT_EQ(r.err.find("ignoring"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Unknown"), std::string::npos) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(Overall exposure level for \S+: ([0-9.]+))"))) << r.out;
  EXPECT_LE(std::stod(m[1].str()), 2.5);
}

TEST_F(SystemdUnitTest, FilterAllowsWhatTheDaemonAndItsWorkersDo) {
  std::set<std::string> allowed, denied;
  std::istringstream in(Slurp(kUnit));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SystemCallFilter=", 0) != 0) continue;
    std::string value = line.substr(line.find('=') + 1);
    bool deny = !value.empty() && value[0] == '~';
    std::istringstream words(deny ? value.substr(1) : value);
    std::string w;
    while (words >> w) {
      auto calls = w[0] == '@' ? Expand(w) : std::set<std::string>{w};
      (deny ? denied : allowed).insert(calls.begin(), calls.end());
    }
  }
  ASSERT_FALSE(allowed.empty()) << "no allow-list in the unit";
  // fork/exec of `ocrflow __worker` and of node, RLIMIT_AS (glibc's
  // setrlimit is prlimit64), waiting, pipes, inotify, atomic writes, SQLite
  // locks, the PP-OCR worker's threads and memory.
  for (const char* call : {"execve", "clone", "clone3", "vfork", "wait4", "waitid", "pipe2", "prlimit64", "kill",
                           "inotify_init1", "inotify_add_watch", "openat", "renameat2", "rename", "fsync", "fdatasync",
                           "fcntl", "flock", "mmap", "mprotect", "munmap", "futex", "pread64", "pwrite64", "getdents64",
                           "copy_file_range", "ftruncate", "unlink", "mkdir", "epoll_wait", "ppoll", "getrandom"}) {
    EXPECT_TRUE(allowed.count(call) && !denied.count(call)) << call << " is blocked";
  }
  // ... and blocks what it must never do.
  for (const char* call : {"mount", "ptrace", "setuid", "chroot", "init_module", "reboot", "settimeofday"}) {
    EXPECT_FALSE(allowed.count(call) && !denied.count(call)) << call << " is allowed";
  }
}

}  // namespace
}  // namespace ocrflow::e2e
