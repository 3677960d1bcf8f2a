#include "pipeline/daemon/watcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/app/page_job.h"

namespace ocrflow::daemon {
namespace {

constexpr double kOpenQuiet = 300;  // a file open for writing, unchanged this long, is taken anyway
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY |
                           IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string Join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// Whether some process holds `path` open for writing: the kernel refuses a
// read lease then (F_SETLEASE, EAGAIN). Inotify tells of a writer only from
// its events; a file found by a scan (at start-up, after a queue overflow)
// while its writer pauses would otherwise be taken after the settle time,
// half written. Where no lease can be asked for (another user's file without
// CAP_LEASE, a file system without leases) the answer is "no", as before.
bool OpenForWriting(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  bool writing = false;
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
    ::fcntl(fd, F_SETLEASE, F_UNLCK);
  } else {
    writing = errno == EAGAIN;
  }
  ::close(fd);
  return writing;
}

long long MtimeNs(const struct stat& st) {
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

double EpochNow() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

}  // namespace

bool IgnoredName(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '~') return true;
  for (const char* s : {".part", ".tmp", ".crdownload", ".swp", "~"}) {
    if (EndsWith(name, s)) return true;
  }
  return false;
}

Result<std::unique_ptr<InboxWatcher>> InboxWatcher::Start(const std::string& inbox, double settle,
                                                          std::set<FolderId> forbidden) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status(Code::kIoError, std::string("inotify: ") + std::strerror(errno)).WithFile(inbox);
  std::unique_ptr<InboxWatcher> w(new InboxWatcher(inbox, settle, fd, std::move(forbidden)));
  w->Rescan(EpochNow());
  return w;
}

InboxWatcher::~InboxWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<std::string> InboxWatcher::TakeWarnings() { return std::move(warnings_); }

void InboxWatcher::AddWatch(const std::string& rel) {
  const std::string path = rel.empty() ? inbox_ : inbox_ + "/" + rel;
  int wd = inotify_add_watch(fd_, path.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOSPC) {
      warnings_.push_back(path + ": inotify watch limit reached (fs.inotify.max_user_watches); new files there are "
                                 "found by the periodic rescan only");
    } else if (errno != ENOENT && errno != ENOTDIR) {
      warnings_.push_back(path + ": cannot watch: " + std::strerror(errno));
    }
    return;
  }
  dirs_[wd] = rel;
}

void InboxWatcher::DropWatchesUnder(const std::string& rel) {
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (it->second == rel || it->second.rfind(rel + "/", 0) == 0) {
      inotify_rm_watch(fd_, it->first);
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->first.rfind(rel + "/", 0) == 0) it = pending_.erase(it);
    else ++it;
  }
}

// Watch first, then list: a file created in between is seen twice, never
// missed.
void InboxWatcher::ScanDir(const std::string& rel, double now) {
  AddWatch(rel);
  const std::string path = rel.empty() ? inbox_ : inbox_ + "/" + rel;
  DIR* d = opendir(path.c_str());
  if (!d) {
    if (errno != ENOENT) warnings_.push_back(path + ": cannot list: " + std::strerror(errno));
    return;
  }
  std::vector<std::string> subdirs;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || IgnoredName(name)) continue;
    struct stat st {};
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode) && forbidden_.count({st.st_dev, st.st_ino})) {
      warnings_.push_back(path + "/" + name + ": is the corpus, or a folder holding it (a bind mount?): not entered");
    } else if (S_ISDIR(st.st_mode)) {
      subdirs.push_back(Join(rel, name));
    } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) Seen(Join(rel, name), now, true);
  }
  closedir(d);
  for (const auto& s : subdirs) ScanDir(s, now);
}

void InboxWatcher::Rescan(double now) { ScanDir("", now); }

// `rel` exists (or existed): record what it looks like now.
void InboxWatcher::Seen(const std::string& rel, double now, bool scanned) {
  const std::string name = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
  if (IgnoredName(name) || !LooksLikePageFile(name)) return;
  struct stat st {};
  if (lstat((inbox_ + "/" + rel).c_str(), &st) != 0) {
    pending_.erase(rel);
    return;
  }
  auto [it, fresh] = pending_.try_emplace(rel);
  Pending& p = it->second;
  if (!fresh && scanned && p.writing) return;  // wait for its close
  p.size = st.st_size;
  p.mtime_ns = MtimeNs(st);
  if (S_ISLNK(st.st_mode)) {
    p.due = now;
  } else if (scanned && fresh) {
    // Untouched for the settle time already: ready now.
    const double age = EpochNow() - static_cast<double>(p.mtime_ns) * 1e-9;
    p.due = age >= settle_ ? now : now + settle_;
  }
}

void InboxWatcher::HandleEvents(double now) {
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return;  // EAGAIN: drained
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<struct inotify_event*>(p);
      p += sizeof(struct inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        warnings_.push_back("inotify queue overflowed: rescanning the inbox");
        Rescan(now);
        continue;
      }
      auto dir = dirs_.find(ev->wd);
      if (dir == dirs_.end()) continue;
      if (ev->mask & (IN_IGNORED | IN_DELETE_SELF)) {
        if (ev->mask & IN_IGNORED) dirs_.erase(dir);
        continue;
      }
      if (ev->len == 0) continue;
      const std::string name = ev->name;
      const std::string rel = Join(dir->second, name);
      if (ev->mask & IN_ISDIR) {
        if (IgnoredName(name)) continue;
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) ScanDir(rel, now);
        if (ev->mask & IN_MOVED_FROM) DropWatchesUnder(rel);
        continue;
      }
      if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
        pending_.erase(rel);
        continue;
      }
      if (IgnoredName(name) || !LooksLikePageFile(name)) continue;
      if (ev->mask & IN_MOVED_TO) {
        Seen(rel, now, false);
        auto it = pending_.find(rel);
        if (it != pending_.end()) it->second.writing = false, it->second.due = now;
      } else if (ev->mask & IN_CLOSE_WRITE) {
        Seen(rel, now, false);
        auto it = pending_.find(rel);
        if (it != pending_.end()) it->second.writing = false, it->second.due = now + settle_;
      } else if (ev->mask & (IN_CREATE | IN_MODIFY)) {
        Seen(rel, now, false);
        auto it = pending_.find(rel);
        if (it != pending_.end()) {
          struct stat st {};
          bool link = lstat((inbox_ + "/" + rel).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
          if (!link) it->second.writing = true, it->second.due = now + kOpenQuiet;
        }
      }
    }
  }
}

void InboxWatcher::Retry(const std::string& rel, double when) {
  struct stat st {};
  if (lstat((inbox_ + "/" + rel).c_str(), &st) != 0) return;
  Pending& p = pending_[rel];
  p.size = st.st_size;
  p.mtime_ns = MtimeNs(st);
  p.writing = false;
  p.due = when;
}

std::vector<Candidate> InboxWatcher::TakeReady(double now) {
  std::vector<Candidate> ready;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& p = it->second;
    if (p.due > now) {
      ++it;
      continue;
    }
    struct stat st {};
    if (lstat((inbox_ + "/" + it->first).c_str(), &st) != 0) {
      it = pending_.erase(it);
      continue;
    }
    if (st.st_size != p.size || MtimeNs(st) != p.mtime_ns) {  // still changing
      p.size = st.st_size;
      p.mtime_ns = MtimeNs(st);
      p.due = now + (p.writing ? kOpenQuiet : settle_);
      ++it;
      continue;
    }
    // Still open for writing: wait for its close (or kOpenQuiet unchanged).
    if (!S_ISLNK(st.st_mode) && EpochNow() - static_cast<double>(p.mtime_ns) * 1e-9 < kOpenQuiet &&
        OpenForWriting(inbox_ + "/" + it->first)) {
      p.writing = true;
      p.due = now + settle_;
      ++it;
      continue;
    }
    ready.push_back({it->first, p.size, p.mtime_ns});
    it = pending_.erase(it);
  }
  return ready;
}

}  // namespace ocrflow::daemon
