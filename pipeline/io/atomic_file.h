// One way to write a file, used by `run`, `reflow`, `watch` and the
// manifest: a reader (or a power cut) sees the old file or the new one,
// never half of one, and nothing but the named file is ever replaced.
//
//   1. a temporary file beside the target, made with mkostemp (O_EXCL, so
//      it is new; never through a symlink) and named
//      .<target name>.<pid>.XXXXXX.tmp: hidden, so directory inputs and
//      the watch inbox never take it, and with the writer's pid, so a
//      daemon can remove what a dead writer left (StaleTempOwner);
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
// Errors name the file and the reason; disk full, quota and out of memory
// are Code::kUnavailable (the same write may work later), the rest
// Code::kIoError. Thread-safe: every call has its own temporary file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/status.h"

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

// Disk full, quota, out of memory: kUnavailable; anything else kIoError.
Code WriteErrorCode(int err);

}  // namespace ocrflow::io
