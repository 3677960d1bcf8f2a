// Status and Result<T>: errors as values at every boundary.
//
// A Status carries a code, a human-readable message, and optionally the file
// and the offending argument (a byte offset, a line number, an option name).
// Foreign failures (ICU UErrorCode, OpenCV exceptions, Leptonica NULLs,
// Tesseract Init failures) are converted to a Status once, in the adapter
// that calls the foreign library. No exception crosses a stage boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ocrflow {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // bad option or flag value
  kNotFound,         // missing file
  kIoError,          // read/write failure, a directory where a file was expected
  kBadInput,         // the input is not what it claims to be (invalid UTF-8, binary, empty)
  kTooLarge,         // the input exceeds a configured limit
  kCancelled,
  kUnavailable,      // transient: disk full, out of memory; the same work may succeed later
  kInternal,
  kDeadlineExceeded, // a page ran past its time bound (--page-timeout)
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& file() const { return file_; }

  // Attaches the file the error is about; returns *this for chaining.
  Status& WithFile(std::string file) {
    file_ = std::move(file);
    return *this;
  }

  // "FILE: message" when a file is attached, else "message".
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string file_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ocrflow
