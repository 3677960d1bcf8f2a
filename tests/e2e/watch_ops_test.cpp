// The watch daemon under operations: a corpus disk that fills up, a config
// reloaded with SIGHUP. The real binary, a real page, real file systems.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "pipeline/io/atomic_file.h"
#include "tests/e2e/cli_harness.h"

namespace ocrflow::e2e {
namespace {

const std::string kPage = std::string(OCRFLOW_SOURCE_DIR) + "/samples/pages/en-2col-001.png";

class WatchOpsTest : public CliTest {
 protected:
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (mounted_) umount2(mounted_->c_str(), MNT_DETACH);
    CliTest::TearDown();
  }
  // Starts `ocrflow watch ARGS` with stderr to dir_/watch.log.
  void Start(const std::vector<std::string>& args) {
    log_ = dir_ / "watch.log";
    pid_ = SpawnWatch(OCRFLOW_BIN, args, log_);
    ASSERT_GE(pid_, 0);
  }
  // Waits until the log has `needle` (true) or `seconds` pass (false).
  bool WaitForLog(const std::string& needle, double seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (Slurp(log_).find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // A file moved into the inbox, as a scanner would deliver it.
  void Deliver(const fs::path& inbox, const std::string& name) {
    fs::copy_file(kPage, inbox / (name + ".part"));
    fs::rename(inbox / (name + ".part"), inbox / name);
  }

  pid_t pid_ = -1;
  fs::path log_;
  std::optional<std::string> mounted_;
};

TEST_F(WatchOpsTest, DiskFullIsRetriedNeverQuarantined) {
  // The corpus on a real, tiny file system that is full; the state elsewhere.
  fs::path corpus = dir_ / "corpus", inbox = dir_ / "in";
  fs::create_directories(corpus);
  fs::create_directories(inbox);
  if (getuid() != 0 || mount("tmpfs", corpus.c_str(), "tmpfs", 0, "size=256k") != 0) {
    GTEST_SKIP() << "needs root to mount a small tmpfs";
  }
  mounted_ = corpus.string();
  {
    std::ofstream filler(corpus / "filler", std::ios::binary);
    std::string block(4096, 'x');
    while (filler.write(block.data(), block.size())) {
    }
  }
  Start({inbox.string(), "--out", corpus.string(), "--state", (dir_ / "state.db").string(), "--lang", "eng", "-j", "1"});
  Deliver(inbox, "page.png");
  ASSERT_TRUE(WaitForLog("retry page.png in", 60)) << Slurp(log_);
  EXPECT_NE(Slurp(log_).find("No space left"), std::string::npos) << Slurp(log_);
  EXPECT_FALSE(fs::exists(corpus / "failed" / "page.png"));
  fs::remove(corpus / "filler");  // space again: the retry (after 5 s) succeeds
  ASSERT_TRUE(WaitForLog("done page.png", 60)) << Slurp(log_);
  EXPECT_NE(Slurp(corpus / "page.png.txt").find("the"), std::string::npos);
  EXPECT_FALSE(fs::exists(corpus / "failed" / "page.png"));
  EXPECT_EQ(Stop(), 0);
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    EXPECT_FALSE(ocrflow::io::StaleTempOwner(e.path().filename().string())) << "left behind: " << e.path();
  }
}

TEST_F(WatchOpsTest, SighupReloadsTheConfig) {
  fs::path corpus = dir_ / "corpus", inbox = dir_ / "in", config = dir_ / "watch.toml";
  fs::create_directories(inbox);
  Spit(config, "lang = \"eng\"\nformat = \"txt\"\njobs = 1\n");
  Start({inbox.string(), "--out", corpus.string(), "--config", config.string()});
  ASSERT_TRUE(WaitForLog("watching", 30));
  Deliver(inbox, "one.png");
  ASSERT_TRUE(WaitForLog("done one.png", 60)) << Slurp(log_);
  EXPECT_FALSE(fs::exists(corpus / "one.png.json"));

  Spit(config, "lang = \"eng\"\nformat = \"txt,json\"\njobs = 1\n");
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("config reloaded", 30)) << Slurp(log_);
  Deliver(inbox, "two.png");  // the same content: outputs come from one.png's
  fs::copy_file(kPage, inbox / "three.png.part");
  {
    std::ofstream(inbox / "three.png.part", std::ios::app | std::ios::binary) << "trailing bytes: new content";
  }
  fs::rename(inbox / "three.png.part", inbox / "three.png");
  ASSERT_TRUE(WaitForLog("done three.png", 60)) << Slurp(log_);
  EXPECT_TRUE(fs::exists(corpus / "three.png.json"));
  EXPECT_TRUE(fs::exists(corpus / "three.png.txt"));

  // A broken config is refused and the old one kept.
  Spit(config, "lang = [\n");
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("config not reloaded", 30)) << Slurp(log_);
  EXPECT_NE(Slurp(log_).find(config.string()), std::string::npos);
  // A directory where the config was is no config (it used to read as an
  // empty one, bringing the defaults back): refused, the old one kept.
  fs::remove(config);
  fs::create_directories(config);
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("is a directory", 30)) << Slurp(log_);
  // A format it cannot write: refused, named, the old one (txt,json) kept.
  fs::remove(config);
  Spit(config, "lang = \"eng\"\nformat = \"txt,alto,docx\"\njobs = 1\n");
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForLog("format 'txt,alto,docx': unknown format 'docx'", 30)) << Slurp(log_);
  // three.png's content: its .txt and .json are copied, as the old config
  // asks (the new one would need an .alto.xml three.png has not).
  fs::copy_file(inbox / "three.png", inbox / "four.png.part");
  fs::rename(inbox / "four.png.part", inbox / "four.png");
  ASSERT_TRUE(WaitForLog("done four.png -> four.png.txt (same content as three.png", 60)) << Slurp(log_);
  EXPECT_TRUE(fs::exists(corpus / "four.png.json"));
  EXPECT_FALSE(fs::exists(corpus / "four.png.alto.xml"));
  EXPECT_EQ(Stop(), 0);
}

TEST_F(WatchOpsTest, AConfigThatIsADirectoryIsAUsageError) {
  fs::path corpus = dir_ / "corpus", inbox = dir_ / "in", config = dir_ / "conf.d";
  fs::create_directories(inbox);
  fs::create_directories(config);
  Start({inbox.string(), "--out", corpus.string(), "--config", config.string(), "--once"});
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 300 && done == 0; ++i) {  // it exits by itself, at once
    done = waitpid(pid_, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(done, pid_) << "still running: " << Slurp(log_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status << Slurp(log_);
  EXPECT_NE(Slurp(log_).find("is a directory"), std::string::npos) << Slurp(log_);
}

}  // namespace
}  // namespace ocrflow::e2e
