// Shared by the end-to-end tests: runs the real `ocrflow` binary in a fresh
// temporary directory per test and collects its exit code, stdout and stderr.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ocrflow-e2e-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `ocrflow ARGS` in the temp dir with `stdin_data` on stdin.
  CliResult Run(const std::string& args, const std::string& stdin_data = "") {
    fs::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    Spit(in, stdin_data);
    std::string cmd = "cd '" + dir_.string() + "' && '" + OCRFLOW_BIN + "' " + args + " <'" + in.string() + "' >'" +
                      out.string() + "' 2>'" + err.string() + "'";
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
