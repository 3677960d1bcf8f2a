#include "pipeline/io/printable.h"

#include <cstdio>

#include "pipeline/core/utf8_sequence.h"

namespace ocrflow::io {
namespace {

void Hex(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

}  // namespace

std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const size_t len = Utf8SequenceAt(s, i, &cp);
    if (len == 0) {
      Hex(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
      Hex(out, static_cast<unsigned char>(cp));
    } else if (cp >= 0x80 && cp <= 0x9F) {  // C1 controls (0x9B is a one-byte CSI on some terminals)
      for (size_t k = 0; k < len; ++k) Hex(out, static_cast<unsigned char>(s[i + k]));
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace ocrflow::io
