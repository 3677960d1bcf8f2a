#include "pipeline/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace ocrflow::io {
namespace {

constexpr std::string_view kTempSuffix = ".tmp";

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status Fail(int err, const std::string& what, const std::string& path) {
  return Status(WriteErrorCode(err), "cannot write: " + what + ": " + std::strerror(err)).WithFile(path);
}

// The process umask, read once without changing it (umask(2) would race
// with other threads creating files).
mode_t ProcessUmask() {
  static const mode_t mask = [] {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtol(line.c_str() + 6, nullptr, 8));
    }
    return static_cast<mode_t>(022);
  }();
  return mask;
}

Status SyncDirectory(const std::string& dir, const std::string& path) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(errno, "cannot open its folder to flush it", path);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory; the rename is done anyway.
  if (rc != 0 && e != EINVAL && e != EROFS) return Fail(e, "cannot flush its folder", path);
  return Status::Ok();
}

}  // namespace

Code WriteErrorCode(int err) {
  switch (err) {
    case ENOSPC: case EDQUOT: case ENOMEM: case EROFS: case EIO: case EAGAIN: case EBUSY: case ETXTBSY:
    case EINTR: case ESTALE: case ENOLCK: case EMFILE: case ENFILE:
      return Code::kUnavailable;
    default:
      return Code::kIoError;
  }
}

Result<std::string> MakeFoldersBelow(const std::string& root, const std::string& rel) {
  std::string path = root;
  int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return Fail(errno, "cannot open the folder", root);
  size_t at = 0;
  while (at < rel.size()) {
    size_t slash = rel.find('/', at);
    if (slash == std::string::npos) slash = rel.size();
    const std::string part = rel.substr(at, slash - at);
    at = slash + 1;
    if (part.empty() || part == ".") continue;
    path += "/" + part;
    if (part == "..") {
      ::close(dir);
      return Status(Code::kIoError, "refusing a folder name '..': it would lead out").WithFile(path);
    }
    int next = ::openat(dir, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT) {
      if (::mkdirat(dir, part.c_str(), 0777) != 0 && errno != EEXIST) {
        const int e = errno;
        ::close(dir);
        return Fail(e, "cannot create the folder", path);
      }
      next = ::openat(dir, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) {
      const int e = errno;
      struct stat st {};
      const bool link = ::fstatat(dir, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      ::close(dir);
      if (link || e == ELOOP) {
        std::vector<char> buf(4096);
        ssize_t n = ::readlinkat(AT_FDCWD, path.c_str(), buf.data(), buf.size() - 1);
        return Status(Code::kIoError, "is a symbolic link" + (n > 0 ? " to " + std::string(buf.data(), static_cast<size_t>(n)) : std::string()) +
                                          ": never written through")
            .WithFile(path);
      }
      if (e == ENOTDIR) return Status(Code::kIoError, "is not a folder").WithFile(path);
      return Fail(e, "cannot open the folder", path);
    }
    ::close(dir);
    dir = next;
  }
  ::close(dir);
  return path;
}

Result<AtomicFile> AtomicFile::Create(const std::string& path) {
  if (path.empty()) return Status(Code::kInvalidArgument, "cannot write: empty file name");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                                              : "not a regular file";
    return Status(Code::kIoError, std::string("cannot write: it is ") + kind + "; refusing to replace it").WithFile(path);
  }
  // The temporary name must fit NAME_MAX even when the target only just
  // does (a 251-byte inbox name gives a 255-byte .txt): the target part is
  // cut short; StaleTempOwner reads the pid from the end all the same.
  const std::string tail = "." + std::to_string(::getpid()) + ".XXXXXX" + std::string(kTempSuffix);
  std::string base = BaseOf(path);
  constexpr size_t kNameMax = 255;
  if (1 + base.size() + tail.size() > kNameMax) base.resize(kNameMax - 1 - tail.size());
  std::string tmp = DirOf(path) + "/." + base + tail;
  std::vector<char> buf(tmp.begin(), tmp.end());
  buf.push_back('\0');
  // mkostemps: O_CREAT | O_EXCL, mode 0600; a symlink at the name fails.
  int fd = ::mkostemps(buf.data(), static_cast<int>(kTempSuffix.size()), O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Fail(errno, "cannot create a temporary file beside it", path);
  ::fchmod(fd, 0666 & ~ProcessUmask());
  return AtomicFile(path, std::string(buf.data()), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.tmp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Status AtomicFile::Write(std::string_view data) {
  if (fd_ < 0) return Status(Code::kInternal, "cannot write: file already committed").WithFile(path_);
  Status st = WriteAll(fd_, data, path_);
  return st;
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Status(Code::kInternal, "cannot write: file already committed").WithFile(path_);
  int rc = ::fsync(fd_);
  int e = errno;
  int crc = ::close(fd_);
  if (rc == 0 && crc != 0) rc = -1, e = errno;
  fd_ = -1;
  if (rc != 0) return Fail(e, "flush failed", path_);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return Fail(errno, "rename failed", path_);
  tmp_.clear();
  return SyncDirectory(DirOf(path_), path_);
}

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Fail(errno, "write failed", what);
    }
    if (w == 0) return Fail(ENOSPC, "write failed", what);
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  auto file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  Status st = file->Write(data);
  if (!st.ok()) return st;
  return file->Commit();
}

Status CopyFileAtomic(const std::string& src, const std::string& dst) {
  int in = ::open(src.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) {
    int e = errno;
    if (e == ENOENT) return Status(Code::kNotFound, "vanished before it could be copied").WithFile(src);
    return Status(Code::kIoError, std::string("cannot open: ") + std::strerror(e)).WithFile(src);
  }
  auto file = AtomicFile::Create(dst);
  if (!file.ok()) {
    ::close(in);
    return file.status();
  }
  std::vector<char> buf(1 << 20);
  Status st;
  for (;;) {
    ssize_t r = ::read(in, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      st = Status(Code::kIoError, std::string("read failed: ") + std::strerror(errno)).WithFile(src);
      break;
    }
    if (r == 0) break;
    st = file->Write(std::string_view(buf.data(), static_cast<size_t>(r)));
    if (!st.ok()) break;
  }
  ::close(in);
  return st.ok() ? file->Commit() : st;
}

Status WriteToStream(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Fail(errno, "cannot open", path);
  Status st = WriteAll(fd, data, path);
  if (::close(fd) != 0 && st.ok()) st = Fail(errno, "close failed", path);
  return st;
}

std::optional<long> StaleTempOwner(std::string_view name) {
  // .<target>.<pid>.XXXXXX.tmp
  if (name.size() < 1 + 1 + 1 + 6 + kTempSuffix.size() || name[0] != '.') return std::nullopt;
  if (name.substr(name.size() - kTempSuffix.size()) != kTempSuffix) return std::nullopt;
  std::string_view rest = name.substr(0, name.size() - kTempSuffix.size());  // .<target>.<pid>.XXXXXX
  if (rest.size() < 8 || rest[rest.size() - 7] != '.') return std::nullopt;
  rest = rest.substr(0, rest.size() - 7);  // .<target>.<pid>
  auto dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return std::nullopt;
  std::string_view pid = rest.substr(dot + 1);
  if (pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stol(std::string(pid));
}

}  // namespace ocrflow::io
