// Which files in INBOX are ready to be processed, from inotify events and
// directory scans.
//
// A file is ready when
//   - it was moved in (IN_MOVED_TO): at once;
//   - it was written in place: after it is closed (IN_CLOSE_WRITE) and has
//     not changed for `settle` seconds; a file open for writing (IN_CREATE,
//     IN_MODIFY without a close yet) waits for its close, or for 5 minutes
//     without a change (a hard link, a writer that died);
//   - it was found by a scan (start, a new folder, a periodic rescan, a
//     lost-events overflow): when its size and time stamp stay the same over
//     the settle time (at once when the time stamp is older than that).
// Temporary and hidden names are never ready (IgnoredName). Symlinks are
// reported as they are (never followed); the caller decides what to do.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace ocrflow::daemon {

// "*.part", "*.tmp", "*.crdownload", "*.swp", ".*", "~*": a writer's
// temporary name, or hidden.
bool IgnoredName(const std::string& name);

// A folder's identity: device and inode numbers. Paths can lie (a bind
// mount shows one folder under two paths); these cannot.
using FolderId = std::pair<dev_t, ino_t>;

struct Candidate {
  std::string rel;  // relative to INBOX
  long long size = 0;
  long long mtime_ns = 0;
};

class InboxWatcher {
 public:
  // Watches INBOX and every folder under it (hidden and linked folders are
  // not entered) and scans them. A folder whose identity is in `forbidden`
  // (the corpus, or a folder above it, mounted inside the inbox) is not
  // entered either, with a warning.
  static Result<std::unique_ptr<InboxWatcher>> Start(const std::string& inbox, double settle,
                                                     std::set<FolderId> forbidden = {});
  ~InboxWatcher();

  int fd() const { return fd_; }  // poll for POLLIN, then HandleEvents()
  void HandleEvents(double now);
  void Rescan(double now);
  std::vector<Candidate> TakeReady(double now);
  // A taken candidate could not be recorded: check it again at `when`.
  void Retry(const std::string& rel, double when);
  // Files seen but not yet ready.
  size_t pending() const { return pending_.size(); }
  void set_settle(double seconds) { settle_ = seconds; }
  // Warnings (watch limit reached, unreadable folder), taken once.
  std::vector<std::string> TakeWarnings();

 private:
  struct Pending {
    long long size = -1, mtime_ns = -1;
    bool writing = false;  // open for writing, no close seen
    double due = 0;        // check again at
  };
  InboxWatcher(std::string inbox, double settle, int fd, std::set<FolderId> forbidden)
      : inbox_(std::move(inbox)), settle_(settle), fd_(fd), forbidden_(std::move(forbidden)) {}
  void AddWatch(const std::string& rel);
  void ScanDir(const std::string& rel, double now);
  void Seen(const std::string& rel, double now, bool scanned);
  void DropWatchesUnder(const std::string& rel);

  std::string inbox_;
  double settle_;
  int fd_;
  std::map<int, std::string> dirs_;  // watch descriptor -> folder, relative ("" = INBOX)
  std::map<std::string, Pending> pending_;
  std::vector<std::string> warnings_;
  std::set<FolderId> forbidden_;
};

}  // namespace ocrflow::daemon
