// Text for people (logs, `status`, stderr) built from bytes nobody checked:
// file names may hold a newline that forges a log line, ANSI escapes that
// rewrite a terminal, or bytes that are not UTF-8 (issue 16, item 9).
//
// Printable() keeps valid UTF-8 printable text as it is and writes every
// control character (C0, DEL, C1) as \n, \t, \r or \xNN, every byte that is
// not part of valid UTF-8 as \xNN, and a backslash as \\ so that the escape
// cannot be forged either. Machine outputs (JSON) keep the bytes losslessly
// instead. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ocrflow::io {

std::string Printable(std::string_view bytes);

}  // namespace ocrflow::io
