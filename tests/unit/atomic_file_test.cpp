// io::AtomicFile and friends: the one way outputs are written.
#include "pipeline/io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/io/output_names.h"

namespace fs = std::filesystem;

namespace ocrflow::io {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ocrflow-atomic-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  size_t Entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesReplacesAndLeavesNoTemporaryFile) {
  const fs::path p = dir_ / "out.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "first\n").ok());
  EXPECT_EQ(Read(p), "first\n");
  ASSERT_TRUE(WriteFileAtomic(p, "second\n").ok());
  EXPECT_EQ(Read(p), "second\n");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(AtomicFileTest, UncommittedFileLeavesTheOldOneAndNoTemporary) {
  const fs::path p = dir_ / "out.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "old\n").ok());
  {
    auto f = AtomicFile::Create(p);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE(f->Write("half of the new").ok());
    EXPECT_TRUE(fs::exists(f->temp_path()));
    EXPECT_EQ(f->temp_path().find(dir_.string() + "/.out.txt."), 0u) << f->temp_path();
    EXPECT_EQ(StaleTempOwner(fs::path(f->temp_path()).filename().string()), getpid());
  }
  EXPECT_EQ(Read(p), "old\n");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(AtomicFileTest, ASymlinkAtTheTargetIsReplacedNotFollowed) {
  const fs::path victim = dir_ / "victim.txt";
  ASSERT_TRUE(WriteFileAtomic(victim, "keep me\n").ok());
  fs::create_symlink(victim, dir_ / "out.txt");
  ASSERT_TRUE(WriteFileAtomic(dir_ / "out.txt", "new\n").ok());
  EXPECT_EQ(Read(victim), "keep me\n");
  EXPECT_FALSE(fs::is_symlink(dir_ / "out.txt"));
  EXPECT_EQ(Read(dir_ / "out.txt"), "new\n");
}

TEST_F(AtomicFileTest, DevicesFifosAndDirectoriesAreNeverReplaced) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  fs::create_directories(dir_ / "folder");
  for (const char* name : {"fifo", "folder"}) {
    Status st = WriteFileAtomic(dir_ / name, "x");
    EXPECT_FALSE(st.ok()) << name;
    EXPECT_NE(st.ToString().find("refusing to replace it"), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find(name), std::string::npos) << st.ToString();
  }
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  Status null = WriteFileAtomic("/dev/null", "x");
  EXPECT_FALSE(null.ok());
  ASSERT_EQ(::lstat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(Entries(), 2u);
}

TEST_F(AtomicFileTest, MissingFolderAndFullDiskAreErrorsNamingTheFile) {
  Status st = WriteFileAtomic(dir_ / "no/such/folder/out.txt", "x");
  EXPECT_EQ(st.code(), Code::kIoError);
  EXPECT_NE(st.ToString().find("out.txt"), std::string::npos);
  Status full = WriteToStream("/dev/full", "x");
  EXPECT_EQ(full.code(), Code::kUnavailable);
  EXPECT_NE(full.ToString().find("No space left"), std::string::npos) << full.ToString();
}

TEST_F(AtomicFileTest, CopyNeverReadsThroughASymlink) {
  std::ofstream(dir_ / "secret") << "secret\n";
  fs::create_symlink(dir_ / "secret", dir_ / "link");
  Status st = CopyFileAtomic(dir_ / "link", dir_ / "copy");
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(fs::exists(dir_ / "copy"));
  ASSERT_TRUE(CopyFileAtomic(dir_ / "secret", dir_ / "copy").ok());
  EXPECT_EQ(Read(dir_ / "copy"), "secret\n");
}

// A target name that only just fits NAME_MAX (a 251-byte inbox name gives a
// 255-byte .txt) is written: the temporary name is cut to fit, and is still
// recognised as ours (issue 16, item 6).
TEST_F(AtomicFileTest, ANameThatOnlyJustFitsIsWritten) {
  const fs::path p = dir_ / std::string(255, 'n');
  auto f = AtomicFile::Create(p);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::string tmp = fs::path(f->temp_path()).filename().string();
  EXPECT_LE(tmp.size(), 255u);
  EXPECT_EQ(StaleTempOwner(tmp), getpid()) << tmp;
  ASSERT_TRUE(f->Write("x").ok());
  ASSERT_TRUE(f->Commit().ok());
  EXPECT_EQ(Read(p), "x");
  EXPECT_EQ(Entries(), 1u);
  Status too_long = WriteFileAtomic(dir_ / std::string(256, 'n'), "x");
  EXPECT_EQ(too_long.code(), Code::kIoError);  // permanent: never better on a retry
  EXPECT_NE(too_long.ToString().find("File name too long"), std::string::npos) << too_long.ToString();
}

// Folders for outputs are made one at a time, never through a link and
// never above the root: nothing is created where the link leads.
TEST_F(AtomicFileTest, FoldersAreNeverMadeThroughALink) {
  auto made = MakeFoldersBelow(dir_.string(), "a/b/c");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made.value(), (dir_ / "a/b/c").string());
  EXPECT_TRUE(fs::is_directory(dir_ / "a/b/c"));
  EXPECT_TRUE(MakeFoldersBelow(dir_.string(), "a/b").ok());  // there already
  EXPECT_EQ(MakeFoldersBelow(dir_.string(), "").value(), dir_.string());
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, dir_ / "a/link");
  auto through = MakeFoldersBelow(dir_.string(), "a/link/x/y");
  ASSERT_FALSE(through.ok());
  EXPECT_EQ(through.status().code(), Code::kIoError);
  EXPECT_NE(through.status().ToString().find("a/link: is a symbolic link to " + elsewhere.string()), std::string::npos)
      << through.status().ToString();
  EXPECT_TRUE(fs::is_empty(elsewhere));
  std::ofstream(dir_ / "a/file") << "x";
  auto file = MakeFoldersBelow(dir_.string(), "a/file/x");
  EXPECT_NE(file.status().ToString().find("is not a folder"), std::string::npos) << file.status().ToString();
  EXPECT_FALSE(MakeFoldersBelow(dir_.string(), "a/../../up").ok());
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "up"));
}

TEST(StaleTempOwner, ParsesOnlyOurNames) {
  EXPECT_EQ(StaleTempOwner(".page.txt.1234.aB3xYz.tmp"), 1234);
  EXPECT_EQ(StaleTempOwner(".a.9.zzzzzz.tmp"), 9);
  EXPECT_FALSE(StaleTempOwner("page.txt"));
  EXPECT_FALSE(StaleTempOwner("page.txt.tmp.1234"));
  EXPECT_FALSE(StaleTempOwner(".page.txt.12x4.aB3xYz.tmp"));
  EXPECT_FALSE(StaleTempOwner(".page.txt.1234.short.tmp"));
  EXPECT_FALSE(StaleTempOwner(".tmp"));
}

TEST(OutputNames, PathsBelowTheCommonFolderOfTheRoots) {
  auto rel = PathsBelowCommonFolder({{"/s/a/x.png", "/s/a"}, {"/s/b/x.png", "/s/b"}});
  EXPECT_EQ(rel, (std::vector<std::string>{"a/x.png", "b/x.png"}));
  rel = PathsBelowCommonFolder({{"/s/a/x.png", "/s/a"}, {"/s/a/y.png", "/s/a"}});
  EXPECT_EQ(rel, (std::vector<std::string>{"x.png", "y.png"}));
  // A directory argument counts from itself, a file beside it from its folder.
  rel = PathsBelowCommonFolder({{"/s/scans/d1/p.png", "/s/scans/"}, {"/s/scans/q.png", "/s/scans"}});
  EXPECT_EQ(rel, (std::vector<std::string>{"d1/p.png", "q.png"}));
  rel = PathsBelowCommonFolder({{"/s/a/../a/x.png", "/s/a/.."}, {"/t/x.png", "/t"}});
  EXPECT_EQ(rel, (std::vector<std::string>{"s/a/x.png", "t/x.png"}));
}

}  // namespace
}  // namespace ocrflow::io
