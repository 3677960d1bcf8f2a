// The watch daemon's parts below the process: the state database (real
// SQLite files, two connections standing in for two daemons), the config
// loader, and the temporary-name rules.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <atomic>
#include <set>
#include <thread>

#include "pipeline/daemon/daemon.h"
#include "pipeline/daemon/state_db.h"
#include "pipeline/daemon/watcher.h"

namespace ocrflow::daemon {
namespace {

namespace fs = std::filesystem;

class StateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ocrflow-state-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    path_ = (dir_ / "sub" / "state.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<StateDb> Open() {
    auto db = StateDb::Open(path_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db.value());
  }
  static DoneRecord Record(const std::string& path, const std::string& sha) {
    return {path, sha, path + ".txt", 1, 0.5, "{\"source\":\"" + path + "\",\"sha256\":\"" + sha + "\"}"};
  }
  fs::path dir_;
  std::string path_;
};

auto NoManifest = [](const std::string&) { return Status::Ok(); };
auto NoRewrite = [](const std::vector<std::string>&) { return Status::Ok(); };

TEST_F(StateDbTest, OfferQueuesOnceAndRequeuesOnlyChangedInputs) {
  auto db = Open();
  EXPECT_TRUE(db->Offer("a.png", 10, 100, 1.0).value());
  EXPECT_TRUE(db->Offer("a.png", 10, 100, 2.0).value());  // still waiting, no second row
  auto c = db->ClaimNext("me", 3.0, 60).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, "a.png");
  EXPECT_EQ(c->attempts, 1);
  EXPECT_FALSE(db->ClaimNext("me", 3.0, 60).value());  // nothing else queued
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h1"), 4.0, 10, 100, NoManifest, NoRewrite).ok());
  EXPECT_FALSE(db->Offer("a.png", 10, 100, 5.0).value());  // same size and time: done, not again
  EXPECT_TRUE(db->Offer("a.png", 11, 200, 6.0).value());   // changed: again
  c = db->ClaimNext("me", 7.0, 60).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->attempts, 1);  // a fresh count for new content
  EXPECT_EQ(c->done_sha256, "h1");
  auto counts = db->Counts().value();
  EXPECT_EQ(counts.working, 1);
  EXPECT_EQ(counts.done, 0);
}

TEST_F(StateDbTest, TwoConnectionsNeverClaimTheSameInput) {
  auto a = Open(), b = Open();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(a->Offer("p" + std::to_string(i) + ".png", i, i, i).value());
  std::set<std::string> claimed;
  for (int round = 0; round < 15; ++round) {
    for (StateDb* db : {a.get(), b.get()}) {
      auto c = db->ClaimNext(db == a.get() ? "A" : "B", 100, 160).value();
      if (c) {
        EXPECT_TRUE(claimed.insert(c->path).second) << c->path << " claimed twice";
      }
    }
  }
  EXPECT_EQ(claimed.size(), 20u);
}

TEST_F(StateDbTest, WorkOfADeadOwnerIsRequeuedWithItsAttemptCounted) {
  auto db = Open();
  ASSERT_TRUE(db->Offer("a.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("dead", 2, 62).value());
  auto none = db->RecoverAbandoned([](const std::string&, const std::string&, double) { return true; }, 3).value();
  EXPECT_EQ(none, 0);
  auto n = db->RecoverAbandoned([](const std::string&, const std::string& owner, double) { return owner != "dead"; }, 3).value();
  EXPECT_EQ(n, 1);
  auto c = db->ClaimNext("me", 4, 64).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->attempts, 2);
  // The dead owner's late report is refused: the claim is no longer its own.
  Status st = db->MarkDone("a.png", "dead", Record("a.png", "h"), 5, 1, 1, NoManifest, NoRewrite);
  EXPECT_EQ(st.code(), Code::kCancelled);
}

TEST_F(StateDbTest, CancelledWorkDoesNotCountAnAttemptAndTransientWaits) {
  auto db = Open();
  ASSERT_TRUE(db->Offer("a.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
  ASSERT_TRUE(db->Requeue("a.png", "me", 0, false, "", false).ok());
  auto c = db->ClaimNext("me", 3, 63).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->attempts, 1);
  ASSERT_TRUE(db->Requeue("a.png", "me", 100, false, "disk full", true).ok());
  EXPECT_EQ(db->TransientCount("a.png"), 1);
  EXPECT_FALSE(db->ClaimNext("me", 50, 110).value());  // not before its retry time
  EXPECT_TRUE(db->ClaimNext("me", 100, 160).value());
  EXPECT_FALSE(db->Idle().value());
}

TEST_F(StateDbTest, ManifestIsAppendedOnceAndRewrittenWhenAnInputIsRedone) {
  auto db = Open();
  std::vector<std::string> file;  // the manifest as the daemon would write it
  auto append = [&](const std::string& line) {
    file.push_back(line);
    return Status::Ok();
  };
  auto rewrite = [&](const std::vector<std::string>& lines) {
    file = lines;
    return Status::Ok();
  };
  for (const char* p : {"a.png", "b.png"}) {
    ASSERT_TRUE(db->Offer(p, 1, 1, 1).value());
    ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
    ASSERT_TRUE(db->MarkDone(p, "me", Record(p, "h1"), 3, 1, 1, append, rewrite).ok());
  }
  EXPECT_EQ(file.size(), 2u);
  ASSERT_TRUE(db->Offer("a.png", 2, 2, 4).value());  // a.png changed
  ASSERT_TRUE(db->ClaimNext("me", 5, 65).value());
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h2"), 6, 2, 2, append, rewrite).ok());
  ASSERT_EQ(file.size(), 2u) << "one line per input, not per run";
  EXPECT_NE(file[1].find("h2"), std::string::npos);  // the new line, in finishing order
  std::vector<std::string> all;
  ASSERT_TRUE(db->WithManifestLines([&](const auto& lines) {
                  all = lines;
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(all, file);
  // A failed manifest write rolls the whole transition back.
  ASSERT_TRUE(db->Offer("c.png", 1, 1, 7).value());
  ASSERT_TRUE(db->ClaimNext("me", 8, 68).value());
  Status st = db->MarkDone(
      "c.png", "me", Record("c.png", "h3"), 9, 1, 1, [](const std::string&) { return Status(Code::kUnavailable, "disk full"); },
      rewrite);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(db->Counts().value().working, 1);
}

TEST_F(StateDbTest, AnInputChangedWhileWorkedOnIsDoneAgain) {
  auto db = Open();
  ASSERT_TRUE(db->Offer("a.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
  EXPECT_FALSE(db->Offer("a.png", 5, 5, 3).value());  // being worked on: marked stale
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h1"), 4, 1, 1, NoManifest, NoRewrite).ok());
  auto c = db->ClaimNext("me", 5, 65).value();
  ASSERT_TRUE(c) << "the newer content must be processed";
  EXPECT_FALSE(db->Offer("a.png", 5, 5, 6).value());  // the size/time it changed to stays recorded
}

TEST_F(StateDbTest, DoneContentIsFoundByHash) {
  auto db = Open();
  ASSERT_TRUE(db->Offer("a.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h1"), 3, 1, 1, NoManifest, NoRewrite).ok());
  auto found = db->FindDoneBySha("h1", "b.png").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->path, "a.png");
  EXPECT_FALSE(db->FindDoneBySha("h1", "a.png").value());
  EXPECT_FALSE(db->FindDoneBySha("h2", "b.png").value());
}

// Issue 16, item 4: the manifest's lines come back into a state that lost
// them; an input the state knows keeps its own line; nothing is dropped,
// and an imported input is not OCR'd again (its hash and output are known).
// SQLite's default VFS with every fsync of a WAL file counted: what a
// commit under synchronous=FULL does that one under NORMAL does not (the
// WAL is fsync'd as it commits). The default VFS while it lives.
class WalSyncCounter {
 public:
  WalSyncCounter() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.zName = "ocrflow-wal-sync-counter";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.pNext = nullptr;
    vfs_.xOpen = &Open;
    methods_ = {};
    methods_.iVersion = 3;
    methods_.xClose = [](sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); };
    methods_.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return Real(f)->pMethods->xRead(Real(f), b, n, o); };
    methods_.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
      return Real(f)->pMethods->xWrite(Real(f), b, n, o);
    };
    methods_.xTruncate = [](sqlite3_file* f, sqlite3_int64 n) { return Real(f)->pMethods->xTruncate(Real(f), n); };
    methods_.xSync = [](sqlite3_file* f, int flags) {
      if (reinterpret_cast<File*>(f)->wal) ++wal_syncs_;
      return Real(f)->pMethods->xSync(Real(f), flags);
    };
    methods_.xFileSize = [](sqlite3_file* f, sqlite3_int64* n) { return Real(f)->pMethods->xFileSize(Real(f), n); };
    methods_.xLock = [](sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); };
    methods_.xUnlock = [](sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); };
    methods_.xCheckReservedLock = [](sqlite3_file* f, int* r) { return Real(f)->pMethods->xCheckReservedLock(Real(f), r); };
    methods_.xFileControl = [](sqlite3_file* f, int op, void* a) { return Real(f)->pMethods->xFileControl(Real(f), op, a); };
    methods_.xSectorSize = [](sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); };
    methods_.xDeviceCharacteristics = [](sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); };
    methods_.xShmMap = [](sqlite3_file* f, int i, int n, int w, void volatile** p) {
      return Real(f)->pMethods->xShmMap(Real(f), i, n, w, p);
    };
    methods_.xShmLock = [](sqlite3_file* f, int o, int n, int fl) { return Real(f)->pMethods->xShmLock(Real(f), o, n, fl); };
    methods_.xShmBarrier = [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); };
    methods_.xShmUnmap = [](sqlite3_file* f, int d) { return Real(f)->pMethods->xShmUnmap(Real(f), d); };
    methods_.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return Real(f)->pMethods->xFetch(Real(f), o, n, p); };
    methods_.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), o, p); };
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~WalSyncCounter() { sqlite3_vfs_unregister(&vfs_); }
  int wal_syncs() const { return wal_syncs_.load(); }

 private:
  struct File {
    sqlite3_file base;
    bool wal;
  };
  static sqlite3_file* Real(sqlite3_file* f) {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(File));
  }
  static int Open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out) {
    sqlite3_file* real = Real(f);
    const int rc = real_->xOpen(real_, name, real, flags, out);
    reinterpret_cast<File*>(f)->wal = (flags & SQLITE_OPEN_WAL) != 0;
    f->pMethods = real->pMethods != nullptr ? &methods_ : nullptr;
    return rc;
  }
  static inline sqlite3_vfs* real_ = nullptr;
  static inline sqlite3_vfs vfs_{};
  static inline sqlite3_io_methods methods_{};
  static inline std::atomic<int> wal_syncs_{0};
};

// A power cut may take back the last commits made under synchronous=NORMAL
// (the WAL is fsync'd only at checkpoints). That costs only work done again
// (every file a commit records is on disk before it begins), except for a
// commit that writes the manifest: it records the identity of the manifest
// (device:inode), and a rewrite taken back would leave the state naming the
// file it replaced, so the next start would not read the manifest on disk
// and drop the lines appended since (docs/watch.md, *Power cuts*). So
// MarkDone, RebuildManifest and WithManifestLines commit with the WAL
// fsync'd, and the other commits (an Offer, a claim, a lease, a page kept)
// stay NORMAL. Before, every commit was NORMAL.
TEST_F(StateDbTest, CommitsThatWriteTheManifestAreOnDiskWhenTheyReturn) {
  WalSyncCounter counter;
  auto db = Open();
  // As the daemon's: the new manifest's identity recorded (Daemon::WriteManifest).
  int manifests = 0;
  auto rewrite = [&](const std::vector<std::string>&) { return db->SetMeta("manifest_file", std::to_string(++manifests)); };
  int before = counter.wal_syncs();
  ASSERT_TRUE(db->Offer("a.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
  ASSERT_TRUE(db->RenewLeases("me", 70).ok());
  EXPECT_EQ(counter.wal_syncs(), before) << "NORMAL: the WAL is not fsync'd as these commit";
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h1"), 3, 1, 1, NoManifest, rewrite).ok());
  EXPECT_GT(counter.wal_syncs(), before) << "an append: the done input and its line on disk as MarkDone returns";
  before = counter.wal_syncs();
  ASSERT_TRUE(db->Offer("a.png", 2, 2, 4).value());  // changed: NORMAL again after a durable commit
  ASSERT_TRUE(db->ClaimNext("me", 5, 65).value());
  EXPECT_EQ(counter.wal_syncs(), before);
  ASSERT_TRUE(db->MarkDone("a.png", "me", Record("a.png", "h2"), 6, 2, 2, NoManifest, rewrite).ok());
  EXPECT_GT(counter.wal_syncs(), before) << "a rewrite";
  before = counter.wal_syncs();
  ASSERT_TRUE(db->WithManifestLines(rewrite).ok());
  EXPECT_GT(counter.wal_syncs(), before);
  before = counter.wal_syncs();
  ASSERT_TRUE(db->RebuildManifest([] { return Result<std::vector<ManifestEntry>>(std::vector<ManifestEntry>{}); },
                                  rewrite)
                  .ok());
  EXPECT_GT(counter.wal_syncs(), before);
  before = counter.wal_syncs();
  ASSERT_TRUE(db->Offer("b.png", 1, 1, 7).value());
  EXPECT_EQ(counter.wal_syncs(), before);
  // A durable transaction that fails leaves the next ones NORMAL too.
  ASSERT_TRUE(db->ClaimNext("me", 8, 68).value());
  EXPECT_FALSE(db->MarkDone("b.png", "me", Record("b.png", "h3"), 9, 1, 1,
                            [](const std::string&) { return Status(Code::kUnavailable, "disk full"); }, rewrite)
                   .ok());
  before = counter.wal_syncs();
  ASSERT_TRUE(db->Offer("c.png", 1, 1, 10).value());
  EXPECT_EQ(counter.wal_syncs(), before);
}

TEST_F(StateDbTest, ManifestLinesTheStateLacksAreTakenIn) {
  auto db = Open();
  ASSERT_TRUE(db->Offer("known.png", 1, 1, 1).value());
  ASSERT_TRUE(db->ClaimNext("me", 2, 62).value());
  ASSERT_TRUE(db->MarkDone("known.png", "me", Record("known.png", "k1"), 3, 1, 1, NoManifest, NoRewrite).ok());
  ASSERT_TRUE(db->Offer("working.png", 1, 1, 1).value());  // queued, no line yet: a crash after its append
  std::vector<ManifestEntry> file = {
      {"lost\xff.png", "h1", "lost\xff.png.txt", 1, 0.5, 10, R"({"source":"lost\\xff.png","source_b64":"bG9zdP8ucG5n"})"},
      {"known.png", "old", "known.png.txt", 1, 0.5, 11, R"({"source":"known.png","sha256":"old"})"},
      {"working.png", "h2", "working.png.txt", 1, 0.5, 12, R"({"source":"working.png","sha256":"h2"})"},
  };
  std::vector<std::string> written;
  auto taken = db->RebuildManifest([&] { return Result<std::vector<ManifestEntry>>(file); },
                                   [&](const std::vector<std::string>& lines) {
                                     written = lines;
                                     return Status::Ok();
                                   });
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken.value(), 2);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0], Record("known.png", "k1").manifest);  // the state's own line wins
  EXPECT_EQ(written[1], file[0].line);
  EXPECT_EQ(written[2], file[2].line);
  auto c = db->Counts().value();
  EXPECT_EQ(c.done, 2);
  EXPECT_EQ(c.queued, 1);
  auto found = db->FindDoneBySha("h1", "other.png").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->path, "lost\xff.png");
  // Seen again in the inbox: queued, and the claim knows its done hash.
  ASSERT_TRUE(db->Offer("lost\xff.png", 7, 7, 20).value());
  auto claim = db->ClaimNext("me", 21, 81).value();
  ASSERT_TRUE(claim);
  while (claim && claim->path != "lost\xff.png") claim = db->ClaimNext("me", 21, 81).value();
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->done_sha256, "h1");
}

// A book's pages kept as they are read (binary records), for its content
// only, and gone once the input is done, quarantined or forgotten.
TEST_F(StateDbTest, KeptPagesAreOfOneContentAndGoWhenTheInputEnds) {
  auto db = Open();
  const std::string record("head\n\0\x01\xff bytes", 14);
  ASSERT_TRUE(db->Offer("b.tif", 10, 100, 1.0).value());
  ASSERT_TRUE(db->ClaimNext("me", 2.0, 60).value());
  EXPECT_EQ(db->KeepPage("b.tif", "other", "h1", 1, record).code(), Code::kCancelled);  // not its claim
  ASSERT_TRUE(db->KeepPage("b.tif", "me", "h1", 1, record).ok());
  ASSERT_TRUE(db->KeepPage("b.tif", "me", "h1", 2, "first").ok());
  ASSERT_TRUE(db->KeepPage("b.tif", "me", "h1", 2, "second").ok());  // replaces
  auto kept = db->KeptPages("b.tif", "h1");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept.value(), (std::map<int, std::string>{{1, record}, {2, "second"}}));
  EXPECT_TRUE(db->KeptPages("b.tif", "h2").value().empty());  // the file was replaced
  // Restarted (a new connection): the pages are there; a page of new content drops the old.
  db = Open();
  ASSERT_TRUE(db->RecoverAbandoned([](auto&, auto&, double) { return false; }, 3.0).ok());
  ASSERT_TRUE(db->ClaimNext("me2", 4.0, 60).value());
  EXPECT_EQ(db->KeptPages("b.tif", "h1").value().size(), 2u);
  ASSERT_TRUE(db->KeepPage("b.tif", "me2", "h2", 1, "new").ok());
  EXPECT_TRUE(db->KeptPages("b.tif", "h1").value().empty());
  ASSERT_TRUE(db->MarkDone("b.tif", "me2", Record("b.tif", "h2"), 5.0, 10, 100, NoManifest, NoRewrite).ok());
  EXPECT_TRUE(db->KeptPages("b.tif", "h2").value().empty());
  // Quarantined, forgotten: gone too.
  ASSERT_TRUE(db->Offer("b.tif", 11, 200, 6.0).value());
  ASSERT_TRUE(db->ClaimNext("me2", 7.0, 60).value());
  ASSERT_TRUE(db->KeepPage("b.tif", "me2", "h3", 1, "x").ok());
  ASSERT_TRUE(db->MarkFailed("b.tif", "me2", "h3", "bad", 8.0, 11, 200).ok());
  EXPECT_TRUE(db->KeptPages("b.tif", "h3").value().empty());
  ASSERT_TRUE(db->Offer("c.tif", 1, 1, 9.0).value());
  ASSERT_TRUE(db->ClaimNext("me2", 10.0, 60).value());
  ASSERT_TRUE(db->KeepPage("c.tif", "me2", "h4", 1, "x").ok());
  ASSERT_TRUE(db->Forget("c.tif", "me2").ok());
  EXPECT_TRUE(db->KeptPages("c.tif", "h4").value().empty());
}

// A claim after which pages of a multi-page input were kept made progress:
// its attempt is not counted, however many times the daemon is killed, as
// long as each run keeps a page. A claim that keeps none counts, and a
// claim taken back (cancelled) counts once, not twice.
TEST_F(StateDbTest, AClaimThatKeptPagesDoesNotCountAnAttempt) {
  auto db = Open();
  auto dead = [](auto&, auto&, double) { return false; };
  ASSERT_TRUE(db->Offer("b.tif", 10, 100, 1.0).value());
  for (int run = 1; run <= 5; ++run) {  // killed five times, a page further each time
    auto c = db->ClaimNext("me" + std::to_string(run), 2.0 * run, 60).value();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->attempts, 1) << "run " << run;
    ASSERT_TRUE(db->KeepPage("b.tif", "me" + std::to_string(run), "h1", run, "page").ok());
    db = Open();
    ASSERT_EQ(db->RecoverAbandoned(dead, 2.0 * run + 1).value(), 1);
  }
  // Killed twice without keeping a page: both count.
  EXPECT_EQ(db->ClaimNext("a", 20, 80).value()->attempts, 1);
  ASSERT_EQ(db->RecoverAbandoned(dead, 21).value(), 1);
  EXPECT_EQ(db->ClaimNext("b", 22, 82).value()->attempts, 2);
  ASSERT_EQ(db->RecoverAbandoned(dead, 23).value(), 1);
  auto c = db->ClaimNext("c", 24, 84).value();
  EXPECT_EQ(c->attempts, 3);
  EXPECT_EQ(db->Working().value().at(0).attempts, 3);
  // A page kept, then stopped (the attempt taken back): counted once.
  ASSERT_TRUE(db->KeepPage("b.tif", "c", "h1", 6, "page").ok());
  ASSERT_TRUE(db->Requeue("b.tif", "c", 0, false, "", false).ok());
  EXPECT_EQ(db->ClaimNext("d", 26, 86).value()->attempts, 3);
  // A page kept, then the input failed and is retried (counted): not.
  ASSERT_TRUE(db->KeepPage("b.tif", "d", "h1", 7, "page").ok());
  ASSERT_TRUE(db->Requeue("b.tif", "d", 0, true, "worker died", false).ok());
  EXPECT_EQ(db->ClaimNext("e", 28, 88).value()->attempts, 3);
  ASSERT_EQ(db->RecoverAbandoned(dead, 29).value(), 1);
  EXPECT_EQ(db->ClaimNext("f", 30, 90).value()->attempts, 4);
  // Done: the count of pages kept goes with the pages; new content starts afresh.
  ASSERT_TRUE(db->KeepPage("b.tif", "f", "h1", 8, "page").ok());
  ASSERT_TRUE(db->MarkDone("b.tif", "f", Record("b.tif", "h1"), 31, 10, 100, NoManifest, NoRewrite).ok());
  ASSERT_TRUE(db->Offer("b.tif", 11, 200, 32).value());
  EXPECT_EQ(db->ClaimNext("g", 33, 93).value()->attempts, 1);
  ASSERT_EQ(db->RecoverAbandoned(dead, 34).value(), 1);
  EXPECT_EQ(db->ClaimNext("h", 35, 95).value()->attempts, 2);
}

// A database made before the table of pages (and the count of pages kept
// since a claim) gains them when opened, its inputs kept.
TEST_F(StateDbTest, ADatabaseWithoutKeptPagesGainsThem) {
  fs::create_directories(fs::path(path_).parent_path());
  sqlite3* old = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &old), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(old,
                         "CREATE TABLE inputs(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, status TEXT NOT NULL, "
                         "sha256 TEXT, done_sha256 TEXT, attempts INTEGER NOT NULL DEFAULT 0, transient INTEGER NOT NULL "
                         "DEFAULT 0, error TEXT, owner TEXT, lease_until REAL, queued_at REAL, started_at REAL, "
                         "finished_at REAL, retry_at REAL NOT NULL DEFAULT 0, seconds REAL, pages INTEGER, output TEXT, "
                         "manifest TEXT, done_at REAL, stale INTEGER NOT NULL DEFAULT 0);"
                         "INSERT INTO inputs(path, size, mtime_ns, status, queued_at) VALUES('b.tif', 10, 100, 'queued', 1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(old);
  auto db = Open();
  ASSERT_TRUE(db->ClaimNext("me", 2.0, 60).value());
  ASSERT_TRUE(db->KeepPage("b.tif", "me", "h1", 1, "page").ok());
  EXPECT_EQ(db->KeptPages("b.tif", "h1").value().at(1), "page");
  // And the count of pages kept since the claim (a column added to `inputs`).
  ASSERT_EQ(db->RecoverAbandoned([](auto&, auto&, double) { return false; }, 3.0).value(), 1);
  EXPECT_EQ(db->ClaimNext("me2", 4.0, 60).value()->attempts, 1);
  db = Open();  // opened again: the column is not added twice
  EXPECT_TRUE(db->Working().ok());
}

TEST_F(StateDbTest, MetaIsBoundOnceAndThenReported) {
  auto db = Open();
  auto other = Open();
  EXPECT_EQ(db->GetMeta("inbox").value(), "");
  EXPECT_EQ(db->BindMeta("inbox", "1:2 /in").value(), "1:2 /in");
  EXPECT_EQ(other->BindMeta("inbox", "3:4 /other").value(), "1:2 /in");  // the first one stays
  ASSERT_TRUE(other->SetMeta("inbox", "3:4 /moved").ok());
  EXPECT_EQ(db->GetMeta("inbox").value(), "3:4 /moved");
}

TEST_F(StateDbTest, ManyProcessesOpeningAFreshDatabaseAtOnceAllSucceed) {
  // Daemons start together on a new corpus: creating the file, switching it
  // to WAL and the schema race between processes (POSIX locks); none may
  // fail "database is locked".
  int failed = 0;
  for (int round = 0; round < 15; ++round) {
    fs::remove_all(dir_);
    std::vector<pid_t> kids;
    for (int k = 0; k < 6; ++k) {
      pid_t pid = fork();
      if (pid == 0) {  // open, write, close: the last close removes the WAL
        for (int again = 0; again < 5; ++again) {
          auto db = StateDb::Open(path_);
          if (!db.ok() || !db.value()->Offer("p" + std::to_string(again) + ".png", 1, k, 1).ok()) _exit(1);
        }
        _exit(0);
      }
      kids.push_back(pid);
    }
    for (pid_t pid : kids) {
      int status = 0;
      waitpid(pid, &status, 0);
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  }
  EXPECT_EQ(failed, 0);
}

TEST(WatchNames, TemporaryAndHiddenNamesAreIgnored) {
  for (const char* n : {"a.png.part", "a.tmp", ".a.png", "~a.png", "a.png~", "a.png.crdownload", ".a.png.swp"}) {
    EXPECT_TRUE(IgnoredName(n)) << n;
  }
  for (const char* n : {"a.png", "scan 01.tif", "a.b.pdf", "part.png"}) EXPECT_FALSE(IgnoredName(n)) << n;
}

TEST(WatchConfig, FileThenFlagsWithErrorsNamingFileAndKey) {
  fs::path f = fs::temp_directory_path() / ("ocrflow-watch-" + std::to_string(getpid()) + ".toml");
  std::ofstream(f) << "jobs = 3\nlang = \"eng\"\nformat = \"txt,json\"\nsettle = 0.5\n[set]\n\"deskew.min_confidence\" = 2\n";
  WatchOverrides o;
  o.jobs = 1;
  auto c = LoadWatchConfig(f.string(), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->jobs, 1);  // the flag wins
  EXPECT_EQ(c->lang, "eng");
  EXPECT_TRUE(c->write_txt && c->write_json);
  EXPECT_DOUBLE_EQ(c->settle, 0.5);
  EXPECT_EQ(c->settings["deskew"]["min_confidence"], "2");

  std::ofstream(f) << "jbos = 3\n";
  auto bad = LoadWatchConfig(f.string(), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find(f.string()), std::string::npos);
  EXPECT_NE(bad.status().ToString().find("jbos"), std::string::npos);

  std::ofstream(f) << "jobs = \"two\"\n";
  EXPECT_FALSE(LoadWatchConfig(f.string(), {}).ok());
  std::ofstream(f) << "jobs = [\n";
  auto syntax = LoadWatchConfig(f.string(), {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().ToString().find("line"), std::string::npos);
  fs::remove(f);
  WatchOverrides fmt;
  fmt.format = "pdf";  // no .txt or .json for the manifest to name
  auto alone = LoadWatchConfig("", fmt);
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.status().message().find("txt or json"), std::string::npos) << alone.status().ToString();
}

TEST(WatchConfig, FormatTakesRunsArchiveFormats) {
  WatchOverrides o;
  o.format = "txt,alto,hocr,pdf";
  auto c = LoadWatchConfig("", o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->write_txt && c->write_alto && c->write_hocr && c->write_pdf);
  EXPECT_FALSE(c->write_json);

  o.format = "txt,page";  // a file per page, sent back by the worker process
  auto page = LoadWatchConfig("", o);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->write_txt && page->write_page);
  EXPECT_FALSE(page->write_alto || page->write_hocr || page->write_pdf || page->write_json);

  // In the file: the file, the key and the value named.
  fs::path f = fs::temp_directory_path() / ("ocrflow-watch-fmt-" + std::to_string(getpid()) + ".toml");
  std::ofstream(f) << "format = \"txt,docx\"\n";
  auto bad = LoadWatchConfig(f.string(), {});
  fs::remove(f);
  ASSERT_FALSE(bad.ok());
  const std::string msg = bad.status().ToString();
  EXPECT_NE(msg.find(f.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("format 'txt,docx'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown format 'docx'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ocrflow::daemon
