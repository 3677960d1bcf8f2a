// Shared by the end-to-end tests: runs the real `ocrflow` binary in a fresh
// temporary directory per test and collects its exit code, stdout and stderr.
#pragma once

#include <algorithm>

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ocrflow::e2e {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out, err;
};

inline std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const fs::path& p, const std::string& data) { std::ofstream(p, std::ios::binary) << data; }

// Starts `BIN ARGS` in a child process, in `dir` (if not empty), its stderr
// appended to `log`, `asan_options` (if not null) as its ASAN_OPTIONS.
// Returns the child's pid (-1 when fork fails).
inline pid_t SpawnBin(const std::string& bin, const std::vector<std::string>& args, const fs::path& log,
                      const fs::path& dir = {}, const char* asan_options = nullptr) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (!dir.empty() && chdir(dir.c_str()) != 0) _exit(127);
  if (asan_options) setenv("ASAN_OPTIONS", asan_options, 1);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  dup2(fd, 2);
  std::vector<std::string> all = {bin};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// `BIN watch ARGS`, as SpawnBin.
inline pid_t SpawnWatch(const std::string& bin, std::vector<std::string> args, const fs::path& log,
                        const char* asan_options = nullptr) {
  args.insert(args.begin(), "watch");
  return SpawnBin(bin, args, log, {}, asan_options);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A parameterised test's names hold '/' ("Kinds/WatchFaultTest", "X/0"):
    // as a path that made nested folders whose parent TearDown left behind.
    std::string name = std::string(::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name()) + "-" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / ("ocrflow-e2e-" + std::to_string(getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `ocrflow ARGS` in the temp dir with `stdin_data` on stdin.
  CliResult Run(const std::string& args, const std::string& stdin_data = "") {
    return RunBin(OCRFLOW_BIN, args, stdin_data);
  }
  // Runs `BIN ARGS` in the temp dir with `stdin_data` on stdin, `env`
  // ("NAME=VALUE ...", may be empty) in its environment.
  CliResult RunBin(const std::string& bin, const std::string& args, const std::string& stdin_data = "",
                   const std::string& env = "") {
    fs::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    Spit(in, stdin_data);
    std::string cmd = "cd '" + dir_.string() + "' && " + env + "'" + bin + "' " + args + " <'" + in.string() +
                      "' >'" + out.string() + "' 2>'" + err.string() + "'";
    int status = std::system(cmd.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  fs::path dir_;
};

}  // namespace ocrflow::e2e
