// One way to write a file, used by `run`, `reflow`, `watch` and the
// manifest: a reader (or a power cut) sees the old file or the new one,
// never half of one, and nothing but the named file is ever replaced.
//
//   1. a temporary file beside the target, made with mkostemp (O_EXCL, so
//      it is new; never through a symlink) and named
//      .<target name>.<pid>.XXXXXX.tmp: hidden, so directory inputs and
//      the watch inbox never take it, and with the writer's pid, so a
//      daemon can remove what a dead writer left (StaleTempOwner); a
//      target name too long to fit (NAME_MAX, 255 bytes, with the 20 or
//      so added bytes) is cut short in the temporary name only;
//   2. the data, fsync of the file;
//   3. rename over the target (a symlink at the target is replaced, never
//      followed), then fsync of the directory, so the rename itself
//      survives a power cut.
//
// A target that exists and is not a regular file or a symlink (a device,
// a FIFO, a socket, a directory) is refused: renaming over /dev/null would
// replace it. Callers that want to stream into such a file
// (`reflow -o /dev/null`) use WriteToStream.
//
// Errors name the file and the reason. Code::kUnavailable when the same
// write may work later (WriteErrorCode: disk full, quota, out of memory, a
// read-only or flaky file system); Code::kIoError when it never will (a
// name too long, permission denied, a symlink or a file where a folder must
// be). Thread-safe: every call has its own temporary file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace ocrflow::io {

// A file being written under a temporary name. Commit() publishes it;
// destroying it uncommitted removes the temporary file.
class AtomicFile {
 public:
  static Result<AtomicFile> Create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  Status Write(std::string_view data);
  Status Commit();  // fsync, rename, fsync of the directory; once
  const std::string& temp_path() const { return tmp_; }

 private:
  AtomicFile(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  std::string path_, tmp_;
  int fd_ = -1;
};

Status WriteFileAtomic(const std::string& path, std::string_view data);

// Copies `src` (opened with O_NOFOLLOW: never through a symlink) to `dst`
// as WriteFileAtomic would write it.
Status CopyFileAtomic(const std::string& src, const std::string& dst);

// Writes all of `data` to an open descriptor (a pipe, a terminal, a
// device), retrying short writes and EINTR. `what` names it in errors
// ("standard output", a path).
Status WriteAll(int fd, std::string_view data, const std::string& what);

// Opens an existing non-regular file (character device, FIFO) for writing,
// without creating or truncating it, and writes `data` as a stream.
Status WriteToStream(const std::string& path, std::string_view data);

// The pid of the process that made temporary file `name` (a file name, no
// directory), or nullopt if `name` is not one of ours.
std::optional<long> StaleTempOwner(std::string_view name);

// Transient (kUnavailable): ENOSPC, EDQUOT, ENOMEM, EROFS, EIO, EAGAIN,
// EBUSY, ETXTBSY, EINTR, ESTALE, ENOLCK, EMFILE, ENFILE. Anything else
// (ENAMETOOLONG, EACCES, EPERM, ELOOP, ENOTDIR, EISDIR, ...) kIoError: the
// watch daemon quarantines instead of retrying forever (issue 16, item 6).
Code WriteErrorCode(int err);

// Makes ROOT/REL (REL a relative folder path, "" for ROOT itself) one
// folder at a time, never through a symbolic link and never above ROOT
// (`..` is refused): a link or a file on the way is a kIoError naming it.
// ROOT itself may be a link (the caller chose it). Returns ROOT/REL.
Result<std::string> MakeFoldersBelow(const std::string& root, const std::string& rel);

}  // namespace ocrflow::io
