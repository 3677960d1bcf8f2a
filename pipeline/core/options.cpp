#include "pipeline/core/options.h"

#include <charconv>
#include <cstdio>

namespace ocrflow::detail {

Status ParseDouble(std::string_view text, double* out) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status(Code::kInvalidArgument, "'" + std::string(text) + "' is not a number");
  }
  *out = v;
  return Status::Ok();
}

Status ParseInt(std::string_view text, int* out) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status(Code::kInvalidArgument, "'" + std::string(text) + "' is not an integer");
  }
  *out = v;
  return Status::Ok();
}

Status ParseBool(std::string_view text, bool* out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") { *out = true; return Status::Ok(); }
  if (text == "false" || text == "0" || text == "no" || text == "off") { *out = false; return Status::Ok(); }
  return Status(Code::kInvalidArgument, "'" + std::string(text) + "' is not a boolean (true/false)");
}

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace ocrflow::detail
