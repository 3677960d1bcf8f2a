#include "pipeline/daemon/state_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

namespace ocrflow::daemon {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS inputs(
  path        TEXT PRIMARY KEY,       -- relative to INBOX
  size        INTEGER,                -- as last seen in INBOX
  mtime_ns    INTEGER,
  status      TEXT NOT NULL,          -- queued, working, done, failed
  sha256      TEXT,                   -- content hash of the last run
  done_sha256 TEXT,                   -- content hash of the last successful run
  attempts    INTEGER NOT NULL DEFAULT 0,
  transient   INTEGER NOT NULL DEFAULT 0,  -- transient failures in a row
  error       TEXT,
  owner       TEXT,                   -- host:pid:start while working
  lease_until REAL,
  queued_at   REAL,
  started_at  REAL,
  finished_at REAL,
  retry_at    REAL NOT NULL DEFAULT 0,
  seconds     REAL,
  pages       INTEGER,
  output      TEXT,                   -- relative to CORPUS
  manifest    TEXT,                   -- its manifest.jsonl line
  done_at     REAL,
  stale       INTEGER NOT NULL DEFAULT 0,  -- changed while being worked on
  kept_since_claim INTEGER NOT NULL DEFAULT 0  -- page records kept (KeepPage) since the claim
);
CREATE INDEX IF NOT EXISTS inputs_queue ON inputs(status, retry_at, queued_at);
CREATE INDEX IF NOT EXISTS inputs_sha ON inputs(done_sha256);
CREATE TABLE IF NOT EXISTS completions(finished_at REAL NOT NULL, path TEXT, pages INTEGER, seconds REAL);
CREATE INDEX IF NOT EXISTS completions_time ON completions(finished_at);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The pages of a multi-page input read so far (KeepPage), while it is not
-- done: added by CREATE ... IF NOT EXISTS, so a database made before it
-- gains it when opened, and an older daemon ignores it.
CREATE TABLE IF NOT EXISTS pages(
  path    TEXT NOT NULL,              -- relative to INBOX
  sha256  TEXT NOT NULL,              -- of the content the page was read from
  page    INTEGER NOT NULL,           -- from 1
  record  BLOB NOT NULL,              -- app/worker.h PageJournal's record
  PRIMARY KEY(path, page)
);
)sql";

Status DbError(sqlite3* db, const std::string& what) {
  int rc = sqlite3_extended_errcode(db);
  Code code = (rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_NOMEM || (rc & 0xff) == SQLITE_BUSY ||
                      (rc & 0xff) == SQLITE_LOCKED
                  ? Code::kUnavailable
                  : Code::kIoError;
  return Status(code, "state database: " + what + ": " + sqlite3_errmsg(db));
}

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string(v)); }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, long long v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<long long>(v)); }
  Stmt& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  std::string Blob(int col) const {
    const void* b = sqlite3_column_blob(s_, col);
    return b ? std::string(static_cast<const char*>(b), static_cast<size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return rc_ == SQLITE_OK ? sqlite3_step(s_) : rc_; }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  long long Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

// Runs a statement that returns no rows.
Status Run(sqlite3* db, Stmt& st, const std::string& what) {
  int rc = st.Step();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : DbError(db, what);
}

// An input's kept pages go once it is done, quarantined, forgotten or
// changed: none is read from them again.
Status DropPages(sqlite3* db, const std::string& path) {
  Stmt del(db, "DELETE FROM pages WHERE path=?");
  del.Bind(1, path);
  return Run(db, del, "dropping the pages kept of " + path);
}

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::Open(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  // Another daemon (or this one's other threads) may be creating the file,
  // switching it to WAL or recovering its WAL right now; SQLite reports some
  // of those moments as "locked" without waiting, so the set-up is retried.
  Status last;
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 + 10 * std::min(attempt, 15)));
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "cannot allocate";
      sqlite3_close(db);
      return Status(Code::kIoError, "cannot open the state database: " + msg).WithFile(path);
    }
    std::unique_ptr<StateDb> state(new StateDb(db));
    sqlite3_busy_timeout(db, 60000);  // another daemon's transaction: wait, don't fail
    last = state->Init();
    if (last.ok()) return state;
    if (last.code() != Code::kUnavailable) return last.WithFile(path);
  }
  return last.WithFile(path);
}

// WAL: readers (ocrflow status) never block the daemon. NORMAL sync is
// durable across a process crash; a power cut can lose the last
// transactions, whose work is then done again: every file a transaction
// records is on disk (fsync'd, renamed, its folder fsync'd) before it
// begins. Those that write the manifest commit FULL (BeginDurable): the
// manifest's identity they record must not go back to a file replaced on
// disk, else the next start would not read the manifest (docs/watch.md,
// *Power cuts*).
Status StateDb::Init() {
  bool wal = false;
  {
    Stmt q(db_, "PRAGMA journal_mode");
    if (q.Step() == SQLITE_ROW) wal = q.Text(0) == "wal";
  }
  if (!wal) {
    if (Status st = Exec("PRAGMA journal_mode=WAL"); !st.ok()) return st;
  }
  if (Status st = Exec("PRAGMA synchronous=NORMAL"); !st.ok()) return st;
  if (Status st = Begin(); !st.ok()) return st;
  Status st = Exec(kSchema);
  // Columns added since the table was first made: a database made before
  // gains them when opened (an older daemon names its columns, and ignores
  // them).
  bool has_kept = false;
  if (st.ok()) {
    Stmt q(db_, "SELECT 1 FROM pragma_table_info('inputs') WHERE name='kept_since_claim'");
    const int rc = q.Step();
    if (rc == SQLITE_ROW) has_kept = true;
    else if (rc != SQLITE_DONE) st = DbError(db_, "reading the schema");
  }
  if (st.ok() && !has_kept) st = Exec("ALTER TABLE inputs ADD COLUMN kept_since_claim INTEGER NOT NULL DEFAULT 0");
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

StateDb::~StateDb() { sqlite3_close(db_); }

Status StateDb::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Status st = DbError(db_, err ? err : "exec");
    sqlite3_free(err);
    return st;
  }
  return Status::Ok();
}

Status StateDb::Begin() { return Exec("BEGIN IMMEDIATE"); }
Status StateDb::BeginDurable() {
  // The safety level cannot change inside a transaction: set before it,
  // set back as it ends (Commit, Rollback).
  if (Status st = Exec("PRAGMA synchronous=FULL"); !st.ok()) return st;
  durable_ = true;
  Status st = Begin();
  if (!st.ok()) {
    durable_ = false;
    sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  }
  return st;
}
Status StateDb::Commit() {
  Status st = Exec("COMMIT");
  if (!st.ok()) {
    Rollback();
    return st;
  }
  if (durable_) {
    durable_ = false;
    sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  }
  return st;
}
void StateDb::Rollback() {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (durable_) {
    durable_ = false;
    sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  }
}

Result<bool> StateDb::Offer(const std::string& path, long long size, long long mtime_ns, double now) {
  {
    Stmt q(db_, "SELECT status, size, mtime_ns FROM inputs WHERE path=?");
    q.Bind(1, path);
    int rc = q.Step();
    if (rc == SQLITE_ROW && q.Int(1) == size && q.Int(2) == mtime_ns) return q.Text(0) == "queued";
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return DbError(db_, "reading " + path);
  }
  if (Status st = Begin(); !st.ok()) return st;
  bool waiting = false;
  Status st;
  std::string status;
  long long old_size = -1, old_mtime = -1;
  {
    Stmt q(db_, "SELECT status, size, mtime_ns FROM inputs WHERE path=?");
    q.Bind(1, path);
    int rc = q.Step();
    if (rc == SQLITE_ROW) status = q.Text(0), old_size = q.Int(1), old_mtime = q.Int(2);
    else if (rc != SQLITE_DONE) st = DbError(db_, "reading " + path);
  }
  if (!st.ok()) {
  } else if (status.empty()) {
    Stmt ins(db_, "INSERT INTO inputs(path, size, mtime_ns, status, queued_at) VALUES(?,?,?,'queued',?)");
    ins.Bind(1, path).Bind(2, size).Bind(3, mtime_ns).Bind(4, now);
    st = Run(db_, ins, "adding an input");
    waiting = true;
  } else if (old_size == size && old_mtime == mtime_ns) {
    waiting = status == "queued";
  } else if (status == "working") {  // finish, then do it again
    Stmt up(db_, "UPDATE inputs SET size=?, mtime_ns=?, stale=1 WHERE path=?");
    up.Bind(1, size).Bind(2, mtime_ns).Bind(3, path);
    st = Run(db_, up, "marking an input changed");
  } else {  // queued, done or failed: (again) waiting, with a fresh count
    Stmt up(db_,
            "UPDATE inputs SET size=?, mtime_ns=?, status='queued', attempts=0, kept_since_claim=0, transient=0, "
            "retry_at=0, error=NULL, queued_at=? WHERE path=?");
    up.Bind(1, size).Bind(2, mtime_ns).Bind(3, now).Bind(4, path);
    st = Run(db_, up, "queueing a changed input");
    if (st.ok()) st = DropPages(db_, path);
    waiting = true;
  }
  if (!st.ok()) {
    Rollback();
    return st;
  }
  if (Status c = Commit(); !c.ok()) return c;
  return waiting;
}

Result<std::optional<Claim>> StateDb::ClaimNext(const std::string& owner, double now, double lease_until) {
  if (Status st = Begin(); !st.ok()) return st;
  std::optional<Claim> claim;
  Status st;
  {
    Stmt q(db_,
           "SELECT path, attempts, done_sha256, error, kept_since_claim FROM inputs "
           "WHERE status='queued' AND retry_at<=? ORDER BY queued_at, path LIMIT 1");
    q.Bind(1, now);
    int rc = q.Step();
    if (rc == SQLITE_ROW) {
      // The claim before kept pages of a multi-page input (finished, or a
      // failed try counted): it made progress, so its attempt is taken
      // back and this one counted in its place. A page's own tries are
      // counted in its record, so this ends.
      const int before = static_cast<int>(q.Int(1)) - (q.Int(4) > 0 ? 1 : 0);
      claim = Claim{q.Text(0), std::max(0, before) + 1, q.Text(2), q.Text(3)};
    } else if (rc != SQLITE_DONE) {
      st = DbError(db_, "finding queued work");
    }
  }
  if (st.ok() && claim) {
    Stmt up(db_,
            "UPDATE inputs SET status='working', owner=?, lease_until=?, attempts=?, kept_since_claim=0, started_at=?, "
            "stale=0 WHERE path=?");
    up.Bind(1, owner).Bind(2, lease_until).Bind(3, claim->attempts).Bind(4, now).Bind(5, claim->path);
    st = Run(db_, up, "claiming " + claim->path);
  }
  if (!st.ok()) {
    Rollback();
    return st;
  }
  if (Status c = Commit(); !c.ok()) return c;
  return claim;
}

Status StateDb::RenewLeases(const std::string& owner, double lease_until) {
  Stmt up(db_, "UPDATE inputs SET lease_until=? WHERE status='working' AND owner=?");
  up.Bind(1, lease_until).Bind(2, owner);
  return Run(db_, up, "renewing leases");
}

Result<int> StateDb::RecoverAbandoned(
    const std::function<bool(const std::string&, const std::string&, double)>& still_working, double now) {
  std::vector<std::pair<std::string, std::string>> dead;  // path, owner
  {
    Stmt q(db_, "SELECT path, owner, lease_until FROM inputs WHERE status='working'");
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      if (!still_working(q.Text(0), q.Text(1), q.Real(2))) dead.emplace_back(q.Text(0), q.Text(1));
    }
    if (rc != SQLITE_DONE) return DbError(db_, "finding abandoned work");
  }
  if (dead.empty()) return 0;
  if (Status st = Begin(); !st.ok()) return st;
  int n = 0;
  for (const auto& [path, owner] : dead) {
    Stmt up(db_,
            "UPDATE inputs SET status='queued', owner=NULL, retry_at=0, queued_at=?, "
            "error='the worker stopped before finishing (daemon killed or crashed)' "
            "WHERE path=? AND owner=? AND status='working'");
    up.Bind(1, now).Bind(2, path).Bind(3, owner);
    if (Status st = Run(db_, up, "requeueing " + path); !st.ok()) {
      Rollback();
      return st;
    }
    n += sqlite3_changes(db_);
  }
  if (Status c = Commit(); !c.ok()) return c;
  return n;
}

std::vector<std::string> StateDb::ManifestLinesLocked() {
  std::vector<std::string> lines;
  Stmt q(db_, "SELECT manifest FROM inputs WHERE manifest IS NOT NULL ORDER BY done_at, path");
  while (q.Step() == SQLITE_ROW) lines.push_back(q.Text(0));
  return lines;
}

Status StateDb::MarkDone(const std::string& path, const std::string& owner, const DoneRecord& record, double now,
                         long long size, long long mtime_ns, const std::function<Status(const std::string&)>& append,
                         const std::function<Status(const std::vector<std::string>&)>& rewrite) {
  if (Status st = BeginDurable(); !st.ok()) return st;
  bool stale = false, had_line = false;
  {
    Stmt q(db_, "SELECT stale, manifest IS NOT NULL FROM inputs WHERE path=? AND owner=? AND status='working'");
    q.Bind(1, path).Bind(2, owner);
    int rc = q.Step();
    if (rc != SQLITE_ROW) {
      Rollback();
      return Status(Code::kCancelled, "the claim on " + path + " was lost (another daemon took it over)");
    }
    stale = q.Int(0) != 0;
    had_line = q.Int(1) != 0;
  }
  Status st;
  const bool new_line = !record.manifest.empty();
  {
    // A stale row keeps the size/time it was changed to, so the next Offer
    // does not undo the requeue.
    Stmt up(db_,
            "UPDATE inputs SET status=?, owner=NULL, lease_until=NULL, sha256=?, done_sha256=?, error=NULL, "
            "finished_at=?, seconds=?, pages=?, output=?, manifest=COALESCE(?, manifest), "
            "done_at=CASE WHEN ? THEN ? ELSE done_at END, transient=0, retry_at=0, queued_at=?, "
            "size=CASE WHEN stale THEN size ELSE ? END, mtime_ns=CASE WHEN stale THEN mtime_ns ELSE ? END, stale=0, "
            "kept_since_claim=0 WHERE path=?");
    up.Bind(1, stale ? "queued" : "done").Bind(2, record.sha256).Bind(3, record.sha256).Bind(4, now);
    up.Bind(5, record.seconds).Bind(6, record.pages).Bind(7, record.output);
    if (new_line) up.Bind(8, record.manifest);
    else up.BindNull(8);
    up.Bind(9, new_line ? 1 : 0).Bind(10, now).Bind(11, now).Bind(12, size).Bind(13, mtime_ns).Bind(14, path);
    st = Run(db_, up, "recording " + path + " as done");
  }
  if (st.ok()) st = DropPages(db_, path);
  if (st.ok() && new_line) {
    Stmt ins(db_, "INSERT INTO completions(finished_at, path, pages, seconds) VALUES(?,?,?,?)");
    ins.Bind(1, now).Bind(2, path).Bind(3, record.pages).Bind(4, record.seconds);
    st = Run(db_, ins, "recording a completion");
  }
  if (st.ok() && new_line) {
    st = had_line ? rewrite(ManifestLinesLocked()) : append(record.manifest);
    if (!had_line && st.code() == Code::kNotFound) st = rewrite(ManifestLinesLocked());  // not ours: rebuilt
  }
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Status StateDb::MarkFailed(const std::string& path, const std::string& owner, const std::string& sha256,
                           const std::string& error, double now, long long size, long long mtime_ns) {
  Stmt up(db_,
          "UPDATE inputs SET status=CASE WHEN stale THEN 'queued' ELSE 'failed' END, owner=NULL, lease_until=NULL, "
          "sha256=?, error=?, finished_at=?, transient=0, retry_at=0, "
          "size=CASE WHEN stale THEN size ELSE ? END, mtime_ns=CASE WHEN stale THEN mtime_ns ELSE ? END, stale=0, "
          "kept_since_claim=0 WHERE path=? AND owner=?");
  up.Bind(1, sha256).Bind(2, error).Bind(3, now).Bind(4, size).Bind(5, mtime_ns).Bind(6, path).Bind(7, owner);
  if (Status st = Begin(); !st.ok()) return st;
  Status st = Run(db_, up, "recording " + path + " as failed");
  if (st.ok() && sqlite3_changes(db_) > 0) st = DropPages(db_, path);
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Status StateDb::Requeue(const std::string& path, const std::string& owner, double retry_at, bool count_attempt,
                        const std::string& error, bool transient) {
  Stmt up(db_,
          "UPDATE inputs SET status='queued', owner=NULL, lease_until=NULL, retry_at=?, "
          "attempts=MAX(0, attempts - ?), kept_since_claim=CASE WHEN ? THEN kept_since_claim ELSE 0 END, error=?, "
          "transient=transient + ?, stale=0 WHERE path=? AND owner=?");
  up.Bind(1, retry_at).Bind(2, count_attempt ? 0 : 1).Bind(3, count_attempt ? 1 : 0).Bind(4, error);
  up.Bind(5, transient ? 1 : 0).Bind(6, path).Bind(7, owner);
  return Run(db_, up, "requeueing " + path);
}

Status StateDb::Forget(const std::string& path, const std::string& owner) {
  if (Status st = Begin(); !st.ok()) return st;
  Stmt del(db_, "DELETE FROM inputs WHERE path=? AND owner=? AND manifest IS NULL");
  del.Bind(1, path).Bind(2, owner);
  Status st = Run(db_, del, "forgetting " + path);
  if (st.ok() && sqlite3_changes(db_) == 0) {  // done before: keep its record and manifest line
    Stmt up(db_, "UPDATE inputs SET status='done', owner=NULL, lease_until=NULL WHERE path=? AND owner=?");
    up.Bind(1, path).Bind(2, owner);
    st = Run(db_, up, "forgetting " + path);
  }
  if (st.ok()) st = DropPages(db_, path);
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Status StateDb::KeepPage(const std::string& path, const std::string& owner, const std::string& sha256, int page,
                         const std::string& record) {
  if (Status st = Begin(); !st.ok()) return st;
  Status st;
  {
    Stmt q(db_, "SELECT 1 FROM inputs WHERE path=? AND owner=? AND status='working'");
    q.Bind(1, path).Bind(2, owner);
    const int rc = q.Step();
    if (rc == SQLITE_DONE) st = Status(Code::kCancelled, "the claim on " + path + " was lost (another daemon took it over)");
    else if (rc != SQLITE_ROW) st = DbError(db_, "reading " + path);
  }
  if (st.ok()) {  // pages of the content it had before: no longer of use
    Stmt del(db_, "DELETE FROM pages WHERE path=? AND sha256<>?");
    del.Bind(1, path).Bind(2, sha256);
    st = Run(db_, del, "dropping the pages kept of " + path);
  }
  if (st.ok()) {
    Stmt ins(db_, "INSERT OR REPLACE INTO pages(path, sha256, page, record) VALUES(?,?,?,?)");
    ins.Bind(1, path).Bind(2, sha256).Bind(3, page).BindBlob(4, record);
    st = Run(db_, ins, "keeping page " + std::to_string(page) + " of " + path);
  }
  if (st.ok()) {  // progress: this claim's attempt will not count (ClaimNext)
    Stmt up(db_, "UPDATE inputs SET kept_since_claim=kept_since_claim+1 WHERE path=?");
    up.Bind(1, path);
    st = Run(db_, up, "counting the pages kept of " + path);
  }
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Result<std::map<int, std::string>> StateDb::KeptPages(const std::string& path, const std::string& sha256) {
  std::map<int, std::string> kept;
  Stmt q(db_, "SELECT page, record FROM pages WHERE path=? AND sha256=?");
  q.Bind(1, path).Bind(2, sha256);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) kept[static_cast<int>(q.Int(0))] = q.Blob(1);
  if (rc != SQLITE_DONE) return DbError(db_, "reading the pages kept of " + path);
  return kept;
}

int StateDb::TransientCount(const std::string& path) {
  Stmt q(db_, "SELECT transient FROM inputs WHERE path=?");
  q.Bind(1, path);
  return q.Step() == SQLITE_ROW ? static_cast<int>(q.Int(0)) : 0;
}

Result<std::optional<DoneRecord>> StateDb::FindDoneBySha(const std::string& sha256, const std::string& except_path) {
  Stmt q(db_,
         "SELECT path, output, pages, seconds, manifest FROM inputs WHERE done_sha256=? AND path<>? AND status='done' "
         "AND output IS NOT NULL LIMIT 1");
  q.Bind(1, sha256).Bind(2, except_path);
  int rc = q.Step();
  if (rc == SQLITE_DONE) return std::optional<DoneRecord>();
  if (rc != SQLITE_ROW) return DbError(db_, "looking up a content hash");
  DoneRecord r;
  r.path = q.Text(0);
  r.sha256 = sha256;
  r.output = q.Text(1);
  r.pages = static_cast<int>(q.Int(2));
  r.seconds = q.Real(3);
  r.manifest = q.Text(4);
  return std::optional<DoneRecord>(r);
}

Status StateDb::WithManifestLines(const std::function<Status(const std::vector<std::string>&)>& fn) {
  if (Status st = BeginDurable(); !st.ok()) return st;
  Status st = fn(ManifestLinesLocked());
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Result<int> StateDb::RebuildManifest(const std::function<Result<std::vector<ManifestEntry>>()>& read_existing,
                                     const std::function<Status(const std::vector<std::string>&)>& rewrite) {
  if (Status st = BeginDurable(); !st.ok()) return st;
  auto fail = [this](Status st) {
    Rollback();
    return st;
  };
  auto existing = read_existing();
  if (!existing.ok()) return fail(existing.status());
  int taken = 0;
  for (const auto& e : existing.value()) {
    int status_rc;
    bool has_line = false, has_row = false;
    {
      Stmt q(db_, "SELECT manifest IS NOT NULL FROM inputs WHERE path=?");
      q.Bind(1, e.path);
      status_rc = q.Step();
      if (status_rc == SQLITE_ROW) has_row = true, has_line = q.Int(0) != 0;
      else if (status_rc != SQLITE_DONE) return fail(DbError(db_, "reading " + e.path));
    }
    if (has_line) continue;  // the state's line wins
    if (!has_row) {
      // Done, with a size and time that match no file: the next scan
      // queues it, and the worker finds the same content (SHA-256) and
      // its output, and does not OCR it again.
      Stmt ins(db_,
               "INSERT INTO inputs(path, size, mtime_ns, status, sha256, done_sha256, output, pages, seconds, manifest, "
               "done_at, finished_at, queued_at) VALUES(?,-1,-1,'done',?,?,?,?,?,?,?,?,?)");
      ins.Bind(1, e.path).Bind(2, e.sha256).Bind(3, e.sha256).Bind(4, e.output).Bind(5, e.pages).Bind(6, e.seconds);
      ins.Bind(7, e.line).Bind(8, e.done_at).Bind(9, e.done_at).Bind(10, e.done_at);
      if (Status st = Run(db_, ins, "taking in " + e.path); !st.ok()) return fail(st);
    } else {
      Stmt up(db_, "UPDATE inputs SET manifest=?, done_sha256=?, output=?, done_at=? WHERE path=?");
      up.Bind(1, e.line).Bind(2, e.sha256).Bind(3, e.output).Bind(4, e.done_at).Bind(5, e.path);
      if (Status st = Run(db_, up, "taking in " + e.path); !st.ok()) return fail(st);
    }
    ++taken;
  }
  if (Status st = rewrite(ManifestLinesLocked()); !st.ok()) return fail(st);
  if (Status c = Commit(); !c.ok()) return c;
  return taken;
}

Result<std::string> StateDb::GetMeta(const std::string& key) {
  Stmt q(db_, "SELECT value FROM meta WHERE key=?");
  q.Bind(1, key);
  int rc = q.Step();
  if (rc == SQLITE_ROW) return q.Text(0);
  if (rc != SQLITE_DONE) return DbError(db_, "reading " + key);
  return std::string();
}

Status StateDb::SetMeta(const std::string& key, const std::string& value) {
  Stmt up(db_, "INSERT INTO meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  up.Bind(1, key).Bind(2, value);
  return Run(db_, up, "recording " + key);
}

Result<std::string> StateDb::BindMeta(const std::string& key, const std::string& value) {
  if (Status st = Begin(); !st.ok()) return st;
  auto now = GetMeta(key);
  Status st = now.ok() ? Status::Ok() : now.status();
  if (st.ok() && now.value().empty()) st = SetMeta(key, value);
  if (!st.ok()) {
    Rollback();
    return st;
  }
  if (Status c = Commit(); !c.ok()) return c;
  return now.value().empty() ? value : now.value();
}

Result<StatusCounts> StateDb::Counts() {
  StatusCounts c;
  Stmt q(db_, "SELECT status, count(*) FROM inputs GROUP BY status");
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    const std::string s = q.Text(0);
    long n = static_cast<long>(q.Int(1));
    if (s == "queued") c.queued = n;
    else if (s == "working") c.working = n;
    else if (s == "done") c.done = n;
    else if (s == "failed") c.failed = n;
  }
  if (rc != SQLITE_DONE) return DbError(db_, "counting");
  Stmt r(db_, "SELECT count(*) FROM inputs WHERE status='queued' AND transient>0");
  if (r.Step() != SQLITE_ROW) return DbError(db_, "counting");
  c.retrying = static_cast<long>(r.Int(0));
  return c;
}

Result<std::vector<Failure>> StateDb::Failures(int limit) {
  std::vector<Failure> out;
  Stmt q(db_, "SELECT path, error, attempts, finished_at FROM inputs WHERE status='failed' ORDER BY finished_at DESC, path LIMIT ?");
  q.Bind(1, limit);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Text(0), q.Text(1), static_cast<int>(q.Int(2)), q.Real(3)});
  if (rc != SQLITE_DONE) return DbError(db_, "listing failures");
  return out;
}

Result<std::vector<WorkItem>> StateDb::Working() {
  std::vector<WorkItem> out;
  Stmt q(db_, "SELECT path, owner, attempts, started_at FROM inputs WHERE status='working' ORDER BY started_at, path");
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Text(0), q.Text(1), static_cast<int>(q.Int(2)), q.Real(3)});
  if (rc != SQLITE_DONE) return DbError(db_, "listing work in progress");
  return out;
}

Result<StateDb::Throughput> StateDb::PagesSince(double since) {
  Stmt q(db_,
         "SELECT COALESCE(SUM(pages), 0), COALESCE(MAX(finished_at) - MIN(finished_at - seconds), 0) "
         "FROM completions WHERE finished_at >= ?");
  q.Bind(1, since);
  if (q.Step() != SQLITE_ROW) return DbError(db_, "summing pages");
  return Throughput{static_cast<long>(q.Int(0)), q.Real(1)};
}

Result<bool> StateDb::Idle(bool except_retrying) {
  Stmt q(db_, except_retrying ? "SELECT count(*) FROM inputs WHERE status='working' OR (status='queued' AND transient=0)"
                              : "SELECT count(*) FROM inputs WHERE status IN ('queued', 'working')");
  if (q.Step() != SQLITE_ROW) return DbError(db_, "counting open work");
  return q.Int(0) == 0;
}

}  // namespace ocrflow::daemon
