// The watch daemon's state: one SQLite database (WAL), shared by every
// daemon that serves the same corpus.
//
// One row per input path (relative to INBOX). Status moves
//   queued -> working -> done | failed     (and back to queued when an input
//   changes, when a worker is cancelled, or after a transient error).
// Every change is one short transaction; claims use BEGIN IMMEDIATE so two
// daemons can never both move the same row to `working`. A working row names
// its owner ("host:pid:start-time") and a lease; a claim whose owner is dead
// (same host) or whose lease ran out (another host) is taken over.
// For one host: WAL's shared memory does not work over a network file
// system, and leases compare wall clocks (issue 17 is several machines).
//
// Table `meta` keeps facts about the corpus: the manifest file's identity
// ("manifest_file": device:inode) and the inbox it serves ("inbox").
// Table `pages` keeps the pages of a multi-page input read so far, while it
// is worked on (KeepPage), so that a restart resumes it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/core/status.h"

struct sqlite3;

namespace ocrflow::daemon {

struct Claim {
  std::string path;  // relative to INBOX
  int attempts = 0;  // including this one; not those that kept pages (ClaimNext)
  std::string done_sha256;  // the content hash of the last successful run, if any
  std::string last_error;   // why the previous attempt did not finish, if it said
};

struct StatusCounts {
  long queued = 0, working = 0, done = 0, failed = 0;
  long retrying = 0;  // of the queued: waiting after a transient error
};

struct Failure {
  std::string path, error;
  int attempts = 0;
  double finished_at = 0;
};

struct WorkItem {
  std::string path, owner;
  int attempts = 0;
  double started_at = 0;
};

// A finished input, for the manifest and the output-reuse lookup.
struct DoneRecord {
  std::string path;
  std::string sha256;
  std::string output;    // relative to CORPUS, e.g. "a/b.png.txt"
  int pages = 0;
  double seconds = 0;
  std::string manifest;  // its manifest.jsonl line, without the newline
};

// A manifest line found in manifest.jsonl, to be taken into the state
// (RebuildManifest).
struct ManifestEntry {
  std::string path;    // relative to INBOX (bytes: from source_b64 when present)
  std::string sha256;
  std::string output;
  int pages = 0;
  double seconds = 0;
  double done_at = 0;  // epoch seconds; orders the rewritten manifest
  std::string line;    // the line itself, without the newline
};

class StateDb {
 public:
  // Opens (creating if needed) the database at `path`, its directory too.
  static Result<std::unique_ptr<StateDb>> Open(const std::string& path);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  // An input seen in INBOX with this size and modification time. Inserts a
  // new row as queued; a known row whose size or time changed is queued
  // again (or marked stale while it is being worked on). Returns true when
  // the input is (now) waiting for work.
  Result<bool> Offer(const std::string& path, long long size, long long mtime_ns, double now);

  // The next queued input whose retry time has come, moved to working for
  // `owner` with a lease until `lease_until`; nullopt when there is none.
  // Its attempt is counted (Claim::attempts), and so are the claims before
  // that ended without progress: a claim after which pages were kept
  // (KeepPage) is not, so a restart in the middle of a book does not use
  // up its attempts.
  Result<std::optional<Claim>> ClaimNext(const std::string& owner, double now, double lease_until);

  // Extends the lease of every row `owner` is working on.
  Status RenewLeases(const std::string& owner, double lease_until);

  // Working rows whose owner is gone go back to queued (their attempt stays
  // counted, unless they kept pages). `still_working(path, owner,
  // lease_until)` decides. Returns how many.
  Result<int> RecoverAbandoned(
      const std::function<bool(const std::string&, const std::string&, double)>& still_working, double now);

  // The work is done: outputs written. `append` is called inside the same
  // write transaction with the manifest line when the manifest only needs a
  // line appended, `rewrite` with every line when it must be rewritten (the
  // input was done before). When `append` answers Code::kNotFound (the
  // manifest is gone, or is not the file the daemon wrote), `rewrite` is
  // called instead. A row marked stale meanwhile is queued again. Durable
  // when it returns (BeginDurable), as RebuildManifest and
  // WithManifestLines are: a rewrite records the new manifest's identity.
  Status MarkDone(const std::string& path, const std::string& owner, const DoneRecord& record, double now,
                  long long size, long long mtime_ns, const std::function<Status(const std::string&)>& append,
                  const std::function<Status(const std::vector<std::string>&)>& rewrite);

  // The input is bad: quarantined with `error`.
  Status MarkFailed(const std::string& path, const std::string& owner, const std::string& sha256,
                    const std::string& error, double now, long long size, long long mtime_ns);

  // Back to queued, retried at `retry_at`. `count_attempt` false takes back
  // the attempt counted by the claim (cancelled, or the file was still
  // changing); `transient` records the error and counts transient retries.
  Status Requeue(const std::string& path, const std::string& owner, double retry_at, bool count_attempt,
                 const std::string& error, bool transient);

  // Forgets an input that vanished from INBOX before it was processed.
  Status Forget(const std::string& path, const std::string& owner);

  // The pages of a multi-page input read so far, so that a daemon killed
  // halfway through it resumes at the first page not finished (table
  // `pages`, one row per page; docs/watch.md, *Failure*). KeepPage
  // records page `page` of `path` read from content `sha256` (its record
  // replaces the page's last one, and pages kept of other content go), in
  // one transaction, while `owner` works on it (kCancelled when not); the
  // claim then made progress, and its attempt does not count (ClaimNext).
  // KeptPages: the records by page, of that content only. They go when
  // the input is done, quarantined or forgotten, or changes while not
  // being worked on.
  Status KeepPage(const std::string& path, const std::string& owner, const std::string& sha256, int page,
                  const std::string& record);
  Result<std::map<int, std::string>> KeptPages(const std::string& path, const std::string& sha256);

  // How many transient retries this input has had (for the backoff).
  int TransientCount(const std::string& path);

  // A done input with this content, for reusing its outputs; nullopt if none.
  Result<std::optional<DoneRecord>> FindDoneBySha(const std::string& sha256, const std::string& except_path);

  // Every manifest line, in the order the inputs finished. `with_lock` runs
  // `fn` inside a write transaction (serialises manifest rewrites between
  // daemons).
  Status WithManifestLines(const std::function<Status(const std::vector<std::string>&)>& fn);

  // Start-up, in one write transaction: `read_existing` returns the lines of
  // manifest.jsonl as it is now; each one whose input has no manifest line
  // in the state is taken in (as done, or its line kept for an input that is
  // queued or working), so that a lost or emptied state database costs no
  // line and no OCR (issue 16, item 4). Then `rewrite` gets every line.
  // Returns how many lines were taken in.
  Result<int> RebuildManifest(const std::function<Result<std::vector<ManifestEntry>>()>& read_existing,
                              const std::function<Status(const std::vector<std::string>&)>& rewrite);

  // Facts about the corpus kept beside the inputs (table `meta`): the
  // manifest file's identity, the inbox the corpus serves. "" when unset.
  // Both may be called inside a transaction of this connection (from a
  // MarkDone or RebuildManifest callback).
  Result<std::string> GetMeta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  // Sets `key` to `value` unless it is set already, in one transaction;
  // returns what it is now (the old value when it was set).
  Result<std::string> BindMeta(const std::string& key, const std::string& value);

  // For `ocrflow status` and the minute summary.
  Result<StatusCounts> Counts();
  Result<std::vector<Failure>> Failures(int limit);
  // Inputs being worked on, oldest first.
  Result<std::vector<WorkItem>> Working();
  // Pages finished since `since` (epoch seconds), and the span from the
  // start of the first of those inputs to the end of the last (0 if none).
  struct Throughput {
    long pages = 0;
    double busy_seconds = 0;
  };
  Result<Throughput> PagesSince(double since);
  // True when nothing is queued (runnable now or later) or working. With
  // `except_retrying`, inputs queued again after a transient error (disk
  // full) do not count: `--once` leaves them for the next start.
  Result<bool> Idle(bool except_retrying = false);

 private:
  explicit StateDb(sqlite3* db) : db_(db) {}
  Status Init();  // WAL, schema
  Status Exec(const char* sql);
  Status Begin();  // BEGIN IMMEDIATE, waiting out other writers
  // Begin() for a transaction that writes the manifest: its COMMIT is on
  // disk when it returns (synchronous=FULL for it: the WAL fsync'd), where
  // every other one is NORMAL (docs/watch.md, *Power cuts*).
  Status BeginDurable();
  Status Commit();
  void Rollback();
  std::vector<std::string> ManifestLinesLocked();

  sqlite3* db_ = nullptr;
  bool durable_ = false;  // in a BeginDurable() transaction
};

}  // namespace ocrflow::daemon
