#include "pipeline/core/status.h"

namespace ocrflow {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid argument";
    case Code::kNotFound: return "not found";
    case Code::kIoError: return "i/o error";
    case Code::kBadInput: return "bad input";
    case Code::kTooLarge: return "too large";
    case Code::kCancelled: return "cancelled";
    case Code::kUnavailable: return "temporarily unavailable";
    case Code::kInternal: return "internal error";
    case Code::kDeadlineExceeded: return "timed out";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (file_.empty()) return message_;
  return file_ + ": " + message_;
}

}  // namespace ocrflow
